import CityIOCDomain
import Foundation

/// @context documents the broker holds: `Hosted` ones that clients stored through
/// `/jsonldContexts` (or that were preloaded from a folder at start, for networks with no way
/// out), and `Cached` copies of remote ones, fetched once. Kept in the database, so every server
/// process sees the same ones.
public protocol ContextDocumentStore: Sendable {
    func contextDocument(_ url: String) async throws -> StoredContext?
    func contextDocuments() async throws -> [StoredContext]
    /// Stores or replaces the document at `url`; audited for `Hosted` ones.
    func saveContextDocument(_ document: StoredContext, context: ChangeContext) async throws
    /// False when there was none.
    func deleteContextDocument(_ url: String, context: ChangeContext) async throws -> Bool
    /// The active context built from a request's `@context` (its JSON text), kept until a
    /// stored context changes in any process.
    func builtContext(_ text: String, build: () async throws -> LDContext) async throws -> LDContext
}

public struct StoredContext: Sendable, Equatable {
    public enum Kind: String, Sendable { case hosted = "Hosted", cached = "Cached" }

    /// The URL clients name it by (for a hosted one, the broker's own `/jsonldContexts/{id}`).
    public var url: String
    /// The id under `/jsonldContexts/`.
    public var id: String
    public var kind: Kind
    /// The whole document (`{"@context": …}`).
    public var body: JSON
    public var createdAt: Date

    public init(url: String, id: String, kind: Kind, body: JSON, createdAt: Date) {
        self.url = url
        self.id = id
        self.kind = kind
        self.body = body
        self.createdAt = createdAt
    }
}

extension CityStore: ContextDocumentStore {
    public func contextDocument(_ url: String) async throws -> StoredContext? {
        try await database.query(SQL("SELECT url, id, kind, body, created_at FROM context_documents WHERE url = ? OR id = ?", [.text(url), .text(url)]))
            .first.map(Self.contextDocument)
    }

    public func contextDocuments() async throws -> [StoredContext] {
        try await database.query(SQL("SELECT url, id, kind, body, created_at FROM context_documents ORDER BY created_at, url")).map(Self.contextDocument)
    }

    public func saveContextDocument(_ document: StoredContext, context: ChangeContext) async throws {
        let body = document.body.text
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: [
                        SQL("DELETE FROM context_documents WHERE url = ?", [.text(document.url)]),
                        SQL(
                            "INSERT INTO context_documents (url, id, kind, body, created_at) VALUES (?, ?, ?, ?, ?)",
                            [.text(document.url), .text(document.id), .text(document.kind.rawValue), .text(body), .date(document.createdAt)]),
                    ],
                    audit: AuditDraft(
                        action: "jsonld-context.\(document.kind == .hosted ? "create" : "cache")", entityType: "jsonld-context", entityID: document.url,
                        before: nil, after: document.kind == .hosted ? body : nil),
                    result: ())
            }, context: context)
    }

    public func deleteContextDocument(_ url: String, context: ChangeContext) async throws -> Bool {
        let read = SQL("SELECT url, id, kind, body, created_at FROM context_documents WHERE url = ? OR id = ?", [.text(url), .text(url)])
        return try await database.perform(
            Mutation(read: read) { rows in
                guard let row = rows.first else { return Plan(statements: [], audit: nil, result: false) }
                let document = try Self.contextDocument(row)
                return Plan(
                    statements: [SQL("DELETE FROM context_documents WHERE url = ?", [.text(document.url)])],
                    audit: AuditDraft(action: "jsonld-context.delete", entityType: "jsonld-context", entityID: document.url, before: document.body.text, after: nil),
                    result: true)
            }, context: context)
    }

    public func builtContext(_ text: String, build: () async throws -> LDContext) async throws -> LDContext {
        try await cache.context(text, database: database, build: build)
    }

    static func contextDocument(_ row: SQLRow) throws -> StoredContext {
        guard let kind = StoredContext.Kind(rawValue: try row.text("kind")), let body = JSON.parse(Array(try row.text("body").utf8)) else {
            throw StoreError.corruptRow("context_documents")
        }
        return StoredContext(url: try row.text("url"), id: try row.text("id"), kind: kind, body: body, createdAt: try row.date("created_at"))
    }
}
