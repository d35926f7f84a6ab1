import CityIOCDomain
import Foundation

/// The @contexts the broker resolves: the NGSI-LD core context (v1.8, and v1.6 for clients that
/// name it) from the server's resources, the documents in its `ContextDocumentStore` (hosted
/// through `/jsonldContexts`, preloaded at start for a control room with no way out, or fetched
/// before), and, when the server may fetch (`remote`), any other http(s) URL, fetched once and
/// kept in the store as `Cached`. A context that cannot be had is `LdContextNotAvailable`.
struct ContextLibrary: Sendable {
    /// The core context's `@context` value, by every URL clients use for it.
    private let documents: [String: JSON]
    /// The core context alone: what a request without a user context works with.
    let core: LDContext
    let store: any ContextDocumentStore
    /// Nil: remote contexts are not fetched (`serve --no-remote-contexts`, tests).
    let remote: RemoteContexts?

    static let coreURL = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld"
    static let coreURLs = [
        "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld": "ngsi-ld-core-context-v1.8",
        coreURL: "ngsi-ld-core-context-v1.8",
        "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld": "ngsi-ld-core-context-v1.6",
    ]
    /// How deep contexts may name other contexts.
    static let nesting = 8
    /// When this process loaded the core context: its `createdAt` in `/jsonldContexts` details.
    let loadedAt = Date()

    init(store: any ContextDocumentStore, remote: RemoteContexts? = nil) throws {
        self.store = store
        self.remote = remote
        var documents: [String: JSON] = [:]
        for (url, name) in Self.coreURLs {
            guard
                let file = Bundle.module.url(forResource: name, withExtension: "jsonld", subdirectory: "Resources/ngsi-ld")
                    ?? Bundle.module.url(forResource: name, withExtension: "jsonld"),
                let value = JSON.parse(Array(try Data(contentsOf: file)))?["@context"]
            else { throw StoreError.unavailable("the NGSI-LD core context \(name) is missing from the server's resources") }
            documents[url] = value
        }
        self.documents = documents
        let coreDocument = documents[Self.coreURL]!
        core = try LDContext(coreDocument) { url throws(LDContext.Problem) in
            throw LDContext.Problem("The core context names another context (\(url)).")
        }
    }

    /// The core context as `/jsonldContexts` serves it, by one of its URLs or by its file's name
    /// (`ngsi-ld-core-context-v1.8`): the whole document, the URL, the name.
    func coreDocument(_ key: String) -> (document: JSON, url: String, name: String)? {
        let url = Self.coreURLs[key] != nil ? key : Self.coreURLs.filter { $0.value == key }.keys.sorted().first
        guard let url, let name = Self.coreURLs[url], let value = documents[url] else { return nil }
        return (["@context": value], url, name)
    }

    /// The active context for a request: the user's terms (from `Link` or `@context`), then the
    /// core context over them, so its terms cannot be redefined.
    /// Built contexts are kept by the store until a stored context changes in any process.
    func active(_ user: JSON?) async throws -> LDContext {
        guard let user else { return core }
        return try await store.builtContext(user.text) { try await build(user) }
    }

    private func build(_ user: JSON) async throws -> LDContext {
        var found: [String: JSON] = [:]
        try await gather(user, into: &found, depth: 0)
        let known = found
        do {
            let context = try LDContext(user) { url throws(LDContext.Problem) in
                guard let value = known[url] else { throw LDContext.Problem("The @context at \(url) is not known.", unavailable: true) }
                return value
            }
            return context.merged(with: core)
        } catch {
            throw NGSIError(error.isUnavailable ? .ldContextNotAvailable : .badRequestData, "The @context cannot be used.", detail: error.message)
        }
    }

    /// Every document a context names, read before the (synchronous) expansion needs them.
    private func gather(_ value: JSON, into found: inout [String: JSON], depth: Int) async throws {
        guard depth < Self.nesting else { throw NGSIError.badData("The @context names other contexts too deeply.") }
        switch value {
        case .string(let url):
            guard found[url] == nil else { return }
            let document = try await self.document(url)
            found[url] = document
            try await gather(document, into: &found, depth: depth + 1)
        case .array(let items):
            for item in items { try await gather(item, into: &found, depth: depth + 1) }
        default: return
        }
    }

    /// The `@context` value of the document a URL names.
    func document(_ url: String) async throws -> JSON {
        if let core = documents[url] { return core }
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
            throw NGSIError.badData("The @context must be named by an http(s) URL.", url)
        }
        // This server's own hosted contexts, whatever host name the client reached it by.
        let hosted = "\(NGSILDController.base)/jsonldContexts/"
        let key = parsed.path.hasPrefix(hosted) ? String(parsed.path.dropFirst(hosted.count)) : url
        if let stored = try await store.contextDocument(key), let value = stored.body["@context"] { return value }
        if key != url, let stored = try await store.contextDocument(url), let value = stored.body["@context"] { return value }
        guard let remote else {
            throw NGSIError(
                .ldContextNotAvailable, "The @context is not available.",
                detail: "\(url) is neither hosted nor preloaded here, and this server does not fetch remote contexts (--no-remote-contexts).")
        }
        let document = try await fetch(parsed, remote)
        try await store.saveContextDocument(
            StoredContext(url: url, id: Self.cachedID(url), kind: .cached, body: document, createdAt: Date()),
            context: ChangeContext(principal: .system("ngsi-ld-contexts")))
        return document["@context"] ?? .null
    }

    /// Fetches a cached context again from its URL and replaces the copy (`DELETE
    /// /jsonldContexts/{id}?reload=true`); the old copy stays when the fetch fails.
    func reload(_ stored: StoredContext, context: ChangeContext) async throws {
        guard let remote, let url = URL(string: stored.url) else {
            throw NGSIError(.ldContextNotAvailable, "The @context cannot be reloaded.", detail: "This server does not fetch remote contexts (--no-remote-contexts).")
        }
        let document = try await fetch(url, remote)
        try await store.saveContextDocument(StoredContext(url: stored.url, id: stored.id, kind: .cached, body: document, createdAt: Date()), context: context)
    }

    private func fetch(_ url: URL, _ remote: RemoteContexts) async throws -> JSON {
        do {
            return try await remote.document(url)
        } catch {
            throw NGSIError(.ldContextNotAvailable, "The @context could not be fetched.", detail: "\(url.absoluteString): \(error.description)")
        }
    }

    /// The id under `/jsonldContexts/` of a copy of a remote context: stable, so every process
    /// names the same copy the same way.
    static func cachedID(_ url: String) -> String { String(Secret.sha256(url).prefix(16)).lowercased() }

    /// Loads `DIR/index.json` (`{"URL": "file.jsonld", …}`) into the store as cached copies of
    /// those URLs, so clients naming them work with no network. Returns how many were loaded.
    func preload(folder: String, context: ChangeContext) async throws -> Int {
        let root = URL(fileURLWithPath: folder)
        let index = root.appendingPathComponent("index.json")
        guard let manifest = JSON.parse(Array(try Data(contentsOf: index)))?.object else {
            throw StoreError.unavailable("\(index.path) must be a JSON object of URL → file name")
        }
        var count = 0
        for (url, file) in manifest.sorted(by: { $0.key < $1.key }) {
            guard let name = file.string, !name.contains("/"), URL(string: url)?.host != nil else {
                throw StoreError.unavailable("\(index.path): \(url) must name a file in the same folder")
            }
            let path = root.appendingPathComponent(name)
            guard let body = JSON.parse(Array(try Data(contentsOf: path))), let value = body["@context"] else {
                throw StoreError.unavailable("\(path.path) is not a JSON-LD document with a @context")
            }
            if let stored = try await store.contextDocument(url), stored.body == body { continue }
            try await store.saveContextDocument(
                StoredContext(url: url, id: Self.cachedID(url), kind: .cached, body: ["@context": value], createdAt: Date()),
                context: context)
            count += 1
        }
        return count
    }
}
