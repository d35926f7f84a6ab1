import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird

/// Reading an NGSI-LD request (media types, the @context from `Link` or the body, the tenant,
/// the query's options) and writing the answer as the client accepts it.
extension NGSILDController {
    static let contextRelation = "http://www.w3.org/ns/json-ld#context"
    /// The largest body taken (an entity, a batch of them).
    static let bodyLimit = 4 * 1024 * 1024

    /// The body as JSON, with the active context: `application/json` takes the context from
    /// the `Link` header, `application/ld+json` from `@context` in the body (and not from both).
    /// A batch (`batch`) in JSON-LD is an array whose entities each carry their own `@context`:
    /// the context returned is then the core one, and each member's is read by the batch.
    func body(_ request: Request, _ context: AppRequestContext, mergePatch: Bool = false, batch: Bool = false) async throws -> (JSON, LDContext) {
        let type = (request.headers[.contentType] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let ld = type == "application/ld+json"
        guard ld || type == "application/json" || (mergePatch && type == "application/merge-patch+json") else {
            throw NGSIError(.unsupportedMediaType, "Send application/json or application/ld+json.", detail: type.isEmpty ? "No Content-Type was given." : type)
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.bodyLimit)
        } catch {
            throw NGSIError(.payloadTooLarge, "The body is larger than \(Self.bodyLimit / 1024 / 1024) MB.")
        }
        guard let payload = JSON.parse(buffer.readableBytesView) else { throw NGSIError.invalid("The body is not valid JSON.") }
        let (linked, _) = try linkedContext(request)
        let inBody = payload["@context"]
        if ld {
            guard linked == nil else { throw NGSIError.badData("With application/ld+json the @context goes in the body, not in a Link header.") }
            if batch, inBody == nil, payload.array != nil { return (payload, try await contexts.active(nil)) }
            guard let inBody else { throw NGSIError.badData("An application/ld+json body needs its @context.") }
            return (payload, try await contexts.active(inBody))
        }
        guard inBody == nil else { throw NGSIError.badData("With application/json the @context goes in a Link header; send application/ld+json to put it in the body.") }
        return (payload, try await contexts.active(linked))
    }

    /// The user's @context named in a `Link` header (`<URL>; rel="http://www.w3.org/ns/json-ld#context"`),
    /// as the `@context` value and its URL.
    func linkedContext(_ request: Request) throws(NGSIError) -> (JSON?, String?) {
        guard let header = request.headers[.link] else { return (nil, nil) }
        for link in header.split(separator: ",") {
            let parts = link.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let target = parts.first, target.hasPrefix("<"), target.hasSuffix(">"), target.count > 2 else {
                throw NGSIError.badData("The Link header is not <URL>; rel=….", header)
            }
            let relations = parts.dropFirst().filter { $0.lowercased().hasPrefix("rel=") }
                .map { $0.dropFirst(4).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            if relations.contains(Self.contextRelation) {
                let url = String(target.dropFirst().dropLast())
                return (.string(url), url)
            }
        }
        return (nil, nil)
    }

    /// The `NGSILD-Tenant` header; the default tenant when it is absent.
    static func tenant(_ request: Request) throws(NGSIError) -> String {
        guard let tenant = request.headers[.ngsildTenant] else { return "" }
        guard (1...64).contains(tenant.count), tenant.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) })
        else { throw NGSIError.badData("NGSILD-Tenant must be 1 to 64 letters, digits, '_', '-' or '.'.", tenant) }
        return tenant
    }

    /// The tenant of a request that reads or changes what exists: it must exist.
    func readTenant(_ request: Request) async throws -> String {
        let tenant = try Self.tenant(request)
        guard try await services.entities.tenantExists(tenant) else { throw NGSIError(.nonexistentTenant, "There is no tenant \(tenant).") }
        return tenant
    }

    /// What every read starts with: only the operation's own parameters (`allowing`; nil when
    /// the caller checked them), a tenant that exists, and the caller's context as named and as
    /// the active context.
    func reading(_ request: Request, allowing names: Set<String>?) async throws -> (tenant: String, user: JSON?, linked: String?, ldContext: LDContext) {
        if let names { try Self.allowOnly(request.uri.queryParameters, names) }
        let tenant = try await readTenant(request)
        let (user, linked) = try linkedContext(request)
        return (tenant, user, linked, try await contexts.active(user))
    }

    static func parameter(_ context: AppRequestContext, _ name: String) throws(NGSIError) -> String {
        guard let raw = context.parameters.get(name) else { throw NGSIError.badData("\(name) is missing from the path.") }
        return raw.removingPercentEncoding ?? raw
    }

    static func entityID(_ context: AppRequestContext) throws(NGSIError) -> String {
        let id = try parameter(context, "id")
        guard ContextEntity.isURI(id) else { throw NGSIError.badData("The entity id must be a URI.", id) }
        return id
    }

    /// An entity id as one path segment.
    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? id
    }

    /// Refuses parameters the operation does not have: a typo must not silently widen a query.
    /// The request itself is wrong, not its data: InvalidRequest (the suite's 059_01).
    static func allowOnly(_ q: Parameters, _ names: Set<String>) throws(NGSIError) {
        for (name, _) in q where !names.contains(String(name)) {
            throw NGSIError.invalid("This operation has no parameter \(name).")
        }
    }

    static func list(_ q: Parameters, _ name: String) -> [String] {
        q.getAll(name).flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func options(_ q: Parameters, temporal: Bool = false) throws(NGSIError) -> Set<String> {
        let options = Set(list(q, "options"))
        var known: Set<String> = ["sysAttrs", "keyValues", "simplified", "normalized", "concise", "noOverwrite", "replace", "update", "noDeleted"]
        if temporal { known.insert("temporalValues") }
        if let unknown = options.first(where: { !known.contains($0) }) { throw NGSIError.badData("Unknown option \(unknown).") }
        return options
    }

    static func flag(_ q: Parameters, _ name: String) throws(NGSIError) -> Bool {
        switch q[Substring(name)].map({ $0.lowercased() }) {
        case nil, "false": return false
        case "true": return true
        case let other?: throw NGSIError.badData("\(name) must be true or false.", other)
        }
    }

    static func whole(_ q: Parameters, _ name: String) throws(NGSIError) -> Int? {
        guard let raw = q[Substring(name)] else { return nil }
        guard let value = Int(raw), value >= 0 else { throw NGSIError.badData("\(name) must be a whole number, 0 or more.", String(raw)) }
        return value
    }

    /// What of each entity to write back: representation (`format` or `options`), attributes
    /// (`attrs`/`pick`, `omit`), system attributes, language. For the temporal API (`temporal`),
    /// `temporalValues` too, whose pairs `wantsTemporalValues` tells apart; its instances are
    /// rendered normalized.
    static func view(_ q: Parameters, _ ldContext: LDContext, temporal: Bool = false) throws(NGSIError) -> ContextEntity.View {
        let options = try options(q, temporal: temporal)
        var view = ContextEntity.View()
        let formats = ["keyValues", "simplified", "normalized", "concise"] + (temporal ? ["temporalValues"] : [])
        let format = q["format"].map(String.init) ?? options.first { formats.contains($0) }
        switch format {
        case nil, "normalized": view.representation = .normalized
        case "temporalValues" where temporal: view.representation = .normalized
        case "keyValues", "simplified": view.representation = temporal ? .normalized : .keyValues
        case "concise": view.representation = .concise
        case let other?: throw NGSIError.badData("Unknown format \(other).")
        }
        view.systemAttributes = options.contains("sysAttrs")
        let members: Set<String> = ["id", "type", "scope"]
        let pick = list(q, "pick")
        let picked = list(q, "attrs") + pick.filter { !members.contains($0) }
        if !picked.isEmpty || !pick.isEmpty {
            view.attributes = Set(try picked.map { name throws(NGSIError) in try ContextEntity.attributeName(name, context: ldContext) })
        }
        let omit = list(q, "omit")
        view.omitted = Set(try omit.filter { !members.contains($0) }.map { name throws(NGSIError) in try ContextEntity.attributeName(name, context: ldContext) })
        // `pick` keeps only what it names, `id` and `type` too; `omit` may drop them.
        view.droppedMembers = members.filter { (!pick.isEmpty && !pick.contains($0)) || omit.contains($0) }
        view.language = q["lang"].map(String.init)
        let datasets = list(q, "datasetId")
        if !datasets.isEmpty {
            for dataset in datasets where dataset != "@none" && !ContextEntity.isURI(dataset) { throw NGSIError.badData("datasetId must list URIs or @none.", dataset) }
            view.datasetIDs = Set(datasets)
        }
        return view
    }

    enum Answer {
        case json, ld, geo

        var rank: Int {
            switch self {
            case .json: 0
            case .ld: 1
            case .geo: 2
            }
        }
    }

    /// The client's choice among JSON, JSON-LD and GeoJSON; 406 when it accepts none.
    static func answer(_ request: Request) throws(NGSIError) -> Answer {
        guard let accept = request.headers[.accept], !accept.trimmingCharacters(in: .whitespaces).isEmpty else { return .json }
        var best: (Answer, Double)?
        for item in accept.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            let kind: Answer? =
                switch parts[0] {
                case "application/json", "*/*", "application/*": .json
                case "application/ld+json": .ld
                case "application/geo+json": .geo
                default: nil
                }
            // Equal weights go by the spec's order (6.3.4): JSON, then JSON-LD, then GeoJSON.
            if let kind, quality > 0, best == nil || quality > best!.1 || (quality == best!.1 && kind.rank < best!.0.rank) { best = (kind, quality) }
        }
        guard let best else {
            throw NGSIError(.notAcceptable, "This server answers application/json, application/ld+json or application/geo+json.", detail: accept)
        }
        return best.0
    }

    /// Writes entities (an object or an array): JSON with a `Link` to the context, JSON-LD with
    /// `@context` in each, or GeoJSON features.
    func respond(_ value: JSON, request: Request, user: JSON?, linked: String?, geometry: String?, ldContext: LDContext) throws -> Response {
        var headers = HTTPFields()
        var body = value
        // The context JSON-LD and GeoJSON answers carry in their body.
        let contextValue = user ?? .string(ContextLibrary.coreURL)
        switch try Self.answer(request) {
        case .json:
            headers[.contentType] = "application/json"
            headers[.link] = "<\(linked ?? ContextLibrary.coreURL)>; rel=\"\(Self.contextRelation)\"; type=\"application/ld+json\""
        case .ld:
            headers[.contentType] = "application/ld+json"
            func withContext(_ item: JSON) -> JSON {
                guard case .object(var members) = item else { return item }
                members["@context"] = contextValue
                return .object(members)
            }
            body = value.array.map { .array($0.map(withContext)) } ?? withContext(value)
        case .geo:
            headers[.contentType] = "application/geo+json"
            let property = geometry.map { ldContext.compact(ldContext.expand($0)) } ?? "location"
            func feature(_ item: JSON) -> JSON {
                let members = item.object ?? [:]
                let geometryValue = members[property].flatMap { $0["value"] ?? ($0.object == nil ? nil : $0) } ?? .null
                return .object([
                    "id": members["id"] ?? .null, "type": "Feature", "geometry": GeoJSON.isGeometry(geometryValue) ? geometryValue : .null,
                    "properties": .object(members.filter { $0.key != "id" }),
                ])
            }
            // GeoJSON has no Link to read the terms from: the @context travels in the document,
            // at its top (the Feature, or the FeatureCollection).
            let collection = value.array.map { JSON.object(["type": "FeatureCollection", "features": .array($0.map(feature))]) } ?? feature(value)
            body = collection.object.map { .object($0.merging(["@context": contextValue]) { _, new in new }) } ?? collection
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body.text)))
    }
}
