import CityIOCDomain
import Foundation

/// The @contexts the broker knows without the network: the NGSI-LD core context (v1.8, and
/// v1.6 for clients that name it), read from the server's resources once. Any other context
/// named by URL is not fetched yet and is answered with `LdContextNotAvailable`.
struct ContextLibrary: Sendable {
    /// The core context's `@context` value, by every URL clients use for it.
    private let documents: [String: JSON]
    /// The core context alone: what a request without a user context works with.
    let core: LDContext

    static let coreURL = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld"
    static let coreURLs = [
        "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld": "ngsi-ld-core-context-v1.8",
        coreURL: "ngsi-ld-core-context-v1.8",
        "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.6.jsonld": "ngsi-ld-core-context-v1.6",
    ]

    init() throws {
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
    func active(_ user: JSON?) throws(NGSIError) -> LDContext {
        guard let user else { return core }
        do {
            let context = try LDContext(user) { url throws(LDContext.Problem) in try self.document(url) }
            return context.merged(with: core)
        } catch {
            throw NGSIError(error.isUnavailable ? .ldContextNotAvailable : .badRequestData, "The @context cannot be used.", detail: error.message)
        }
    }

    private func document(_ url: String) throws(LDContext.Problem) -> JSON {
        if let known = documents[url] { return known }
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? "") else {
            throw LDContext.Problem("\(url) is not an http(s) URL of a @context.")
        }
        throw LDContext.Problem("The @context at \(url) is not known to this server, which does not fetch remote contexts yet.", unavailable: true)
    }
}
