import CityIOCDomain
import Foundation

/// The operations room's walls and their tokens (only the SHA-256 of a token is kept).
public protocol WallStore: Sendable {
    func walls() async throws -> [Wall]
    /// An active wall by the hash of its token; nil for an unknown or revoked one.
    func wall(tokenHash: String) async throws -> Wall?
    /// Audited as `wall.create`.
    func createWall(_ wall: Wall, tokenHash: String, context: ChangeContext) async throws
    /// Audited as `wall.revoke`; its screens go dark at their next request.
    func revokeWall(_ id: Wall.ID, context: ChangeContext) async throws
}

extension CityStore: WallStore {
    static let wallColumns = "id, name, screens, created_at, revoked_at"

    public func walls() async throws -> [Wall] {
        try await database.query(SQL("SELECT \(Self.wallColumns) FROM walls ORDER BY created_at DESC")).map(Self.wall)
    }

    public func wall(tokenHash: String) async throws -> Wall? {
        try await database.query(SQL("SELECT \(Self.wallColumns) FROM walls WHERE token_hash = ? AND revoked_at IS NULL", [.text(tokenHash)]))
            .first.map(Self.wall)
    }

    public func createWall(_ wall: Wall, tokenHash: String, context: ChangeContext) async throws {
        let screens = String(decoding: try JSONEncoder().encode(wall.screens), as: UTF8.self)
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: [
                        SQL(
                            "INSERT INTO walls (id, name, token_hash, screens, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
                            [.text(wall.id.rawValue), .text(wall.name), .text(tokenHash), .text(screens), .date(wall.createdAt), .text(context.principal.name)])
                    ],
                    audit: AuditDraft(action: "wall.create", entityType: "wall", entityID: wall.id.rawValue, before: nil, after: Self.snapshot(wall)),
                    result: ())
            }, context: context)
    }

    public func revokeWall(_ id: Wall.ID, context: ChangeContext) async throws {
        try await database.perform(
            Mutation(read: SQL("SELECT \(Self.wallColumns) FROM walls WHERE id = ?", [.text(id.rawValue)])) { rows in
                guard let wall = try rows.first.map(Self.wall) else { throw StoreError.notFound }
                guard wall.isActive else { return Plan(statements: [], audit: nil, result: ()) }
                return Plan(
                    statements: [SQL("UPDATE walls SET revoked_at = ? WHERE id = ?", [.date(context.now), .text(id.rawValue)])],
                    audit: AuditDraft(action: "wall.revoke", entityType: "wall", entityID: id.rawValue, before: nil, after: nil), result: ())
            }, context: context)
    }

    static func wall(_ row: SQLRow) throws -> Wall {
        let screens: [Wall.Screen]
        do { screens = try JSONDecoder().decode([Wall.Screen].self, from: Data(try row.text("screens").utf8)) } catch {
            throw StoreError.corruptRow("screens")
        }
        return Wall(
            id: Wall.ID(try row.text("id")), name: try row.text("name"), screens: screens, createdAt: try row.date("created_at"),
            revokedAt: row.optionalDate("revoked_at"))
    }
}
