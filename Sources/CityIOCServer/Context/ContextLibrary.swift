import CityIOCDomain
import Foundation

/// The @contexts the broker resolves without the network: the NGSI-LD core context (v1.8, and
/// v1.6 for clients that name it) from the server's resources, and the documents in its
/// `ContextDocumentStore` (hosted through `/jsonldContexts`, or preloaded at start for a control
/// room with no way out). A context named by any other URL is answered with
/// `LdContextNotAvailable`: remote contexts are not fetched yet.
struct ContextLibrary: Sendable {
    /// The core context's `@context` value, by every URL clients use for it.
    private let documents: [String: JSON]
    /// The core context alone: what a request without a user context works with.
    let core: LDContext
    let store: any ContextDocumentStore

    static let coreURL = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld"
    static let coreURLs = [
        "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld": "ngsi-ld-core-context-v1.8",
        coreURL: "ngsi-ld-core-context-v1.8",
        "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld": "ngsi-ld-core-context-v1.6",
    ]
    /// How deep contexts may name other contexts.
    static let nesting = 8

    init(store: any ContextDocumentStore) throws {
        self.store = store
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

    /// The active context for a request: the user's terms (from `Link` or `@context`), then the
    /// core context over them, so its terms cannot be redefined.
    func active(_ user: JSON?) async throws -> LDContext {
        guard let user else { return core }
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
        throw NGSIError(
            .ldContextNotAvailable, "The @context is not available.",
            detail: "\(url) is neither hosted nor preloaded here, and this server does not fetch remote contexts yet.")
    }

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
                StoredContext(url: url, id: Secret.sha256(url).prefix(16).lowercased(), kind: .cached, body: ["@context": value], createdAt: Date()),
                context: context)
            count += 1
        }
        return count
    }
}
