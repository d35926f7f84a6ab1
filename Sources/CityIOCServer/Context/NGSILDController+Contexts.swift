import CityIOCDomain
import Foundation
import Hummingbird

/// `/jsonldContexts` (clause 5.13): @contexts that clients store here and then name by this
/// server's URL, and the copies the broker holds of remote ones (fetched, or preloaded at start).
extension NGSILDController {
    func registerContexts(on router: Router<AppRequestContext>, read: Access, write: Access) {
        let base = "\(Self.base)/jsonldContexts"
        router.on(.post, RouterPath(base), write, use: addContext)
        router.on(.get, RouterPath(base), read, use: listContexts)
        // A context is a public document: JSON-LD processors fetch it without a key.
        router.on(.get, RouterPath("\(base)/:contextId"), .anyone, use: serveContext)
        router.on(.delete, RouterPath("\(base)/:contextId"), write, use: deleteContext)
    }

    @Sendable func addContext(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.allowOnly(request.uri.queryParameters, [])
        let type = (request.headers[.contentType] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard type == "application/json" || type == "application/ld+json" else {
            throw NGSIError(.unsupportedMediaType, "Send the @context as application/json or application/ld+json.", detail: type)
        }
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: 512 * 1024) } catch { throw NGSIError(.payloadTooLarge, "A @context may be at most 512 KB.") }
        guard let body = JSON.parse(buffer.readableBytesView) else { throw NGSIError.invalid("The body is not valid JSON.") }
        guard let value = body["@context"], value.object != nil || value.array != nil else {
            throw NGSIError.badData("Send {\"@context\": {…}}: an object of term definitions (or an array of them).")
        }
        // It must be usable: its terms parse and any context it names is known here.
        _ = try await contexts.active(value)
        let id = UUID().uuidString.lowercased()
        let url =
            Open311Controller.baseURL(request, trustProxy: services.reportPolicy.trustProxy, secure: services.sessions.secureCookies)
            + "\(Self.base)/jsonldContexts/\(id)"
        try await services.contextDocuments.saveContextDocument(
            StoredContext(url: url, id: id, kind: .hosted, body: ["@context": value], createdAt: Date()), context: change(context))
        var headers = HTTPFields()
        headers[.location] = url
        return Response(status: .created, headers: headers)
    }

    @Sendable func listContexts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        try Self.allowOnly(q, ["details", "kind"])
        let kind = try q["kind"].map { raw throws(NGSIError) in
            guard let kind = StoredContext.Kind(rawValue: String(raw)) else { throw NGSIError.badData("kind must be Hosted or Cached.", String(raw)) }
            return kind
        }
        let documents = try await services.contextDocuments.contextDocuments().filter { kind == nil || $0.kind == kind }
        // The core context is the broker's own copy of the ETSI document: listed as Cached.
        let core = kind == nil || kind == .cached ? ContextLibrary.coreURLs.keys.sorted() : []
        let value: JSON =
            try Self.flag(q, "details")
            ? .array(
                core.compactMap { contexts.coreDocument($0).map { Self.details(url: $0.url, id: $0.name, kind: .cached, createdAt: contexts.loadedAt) } }
                    + documents.map { Self.details(url: $0.url, id: $0.id, kind: $0.kind, createdAt: $0.createdAt) })
            : .array(core.map { .string($0) } + documents.map { .string($0.url) })
        return Self.jsonResponse(value)
    }

    /// A context's entry with `details=true` (clause 5.13.4): where it is named, its id here,
    /// its kind and when the broker got it.
    static func details(url: String, id: String, kind: StoredContext.Kind, createdAt: Date) -> JSON {
        .object([
            "URL": .string(url), "localId": .string(id), "kind": .string(kind.rawValue),
            "createdAt": .string(Timestamp.utcMilliseconds(createdAt)),
        ])
    }

    static func jsonResponse(_ value: JSON) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: value.text)))
    }

    /// A context by its id here or by its URL (percent-encoded in the path), the core context's
    /// included; with `details=true` its entry instead of the document. Served as
    /// `application/json`, which JSON-LD processors accept for a context.
    @Sendable func serveContext(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        try Self.allowOnly(q, ["details"])
        let details = try Self.flag(q, "details")
        let id = try Self.parameter(context, "contextId")
        if let core = contexts.coreDocument(id) {
            return Self.jsonResponse(details ? Self.details(url: core.url, id: core.name, kind: .cached, createdAt: contexts.loadedAt) : core.document)
        }
        guard let document = try await services.contextDocuments.contextDocument(id) else {
            throw NGSIError.notFound("There is no @context with this id.", id)
        }
        return Self.jsonResponse(
            details ? Self.details(url: document.url, id: document.id, kind: document.kind, createdAt: document.createdAt) : document.body)
    }

    /// Deletes a context, or with `reload=true` fetches a cached one again from its URL.
    @Sendable func deleteContext(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        try Self.allowOnly(q, ["reload"])
        let id = try Self.parameter(context, "contextId")
        let reload = try Self.flag(q, "reload")
        // The core context is built into the server (it must work with no network): it cannot be
        // deleted, and reloading it keeps the built-in copy.
        if contexts.coreDocument(id) != nil {
            guard reload else { throw NGSIError.badData("The NGSI-LD core context cannot be deleted.", id) }
            return Response(status: .noContent)
        }
        if reload {
            guard let document = try await services.contextDocuments.contextDocument(id) else {
                throw NGSIError.notFound("There is no @context with this id.", id)
            }
            guard document.kind == .cached else {
                throw NGSIError.badData("A hosted @context has no other copy to reload from; only cached ones can be reloaded.", id)
            }
            try await contexts.reload(document, context: change(context))
            return Response(status: .noContent)
        }
        guard try await services.contextDocuments.deleteContextDocument(id, context: change(context)) else {
            throw NGSIError.notFound("There is no @context with this id.", id)
        }
        return Response(status: .noContent)
    }
}
