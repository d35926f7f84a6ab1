import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird

/// The NGSI-LD API (ETSI GS CIM 009 v1.8) at `/ngsi-ld/v1`: entities and their attributes.
/// By default reads need a key or session allowed to read context data and writes an
/// integrator's (or admin's) key; `serve --open-ngsi-ld` opens both, for a closed network or a
/// conformance run. Every error is a ProblemDetails document with the spec's type URI.
struct NGSILDController: Sendable {
    static let base = "/ngsi-ld/v1"
    let services: AppServices
    let contexts: ContextLibrary
    let openAccess: Bool

    func register(on router: Router<AppRequestContext>) {
        let read: Access = openAccess ? .anyone : .permission(.readContextData)
        let write: Access = openAccess ? .anyone : .permission(.pushData)
        let entities = "\(Self.base)/entities"
        router.on(.post, RouterPath(entities), write, use: create)
        router.on(.get, RouterPath(entities), read, use: query)
        router.on(.post, RouterPath("\(Self.base)/entityOperations/query"), read, use: queryDocument)
        router.on(.get, RouterPath("\(entities)/:id"), read, use: retrieve)
        router.on(.delete, RouterPath("\(entities)/:id"), write, use: delete)
        router.on(.put, RouterPath("\(entities)/:id"), write, use: replace)
        router.on(.patch, RouterPath("\(entities)/:id"), write, use: merge)
        router.on(.post, RouterPath("\(entities)/:id/attrs"), write, use: append)
        router.on(.patch, RouterPath("\(entities)/:id/attrs"), write, use: update)
        router.on(.patch, RouterPath("\(entities)/:id/attrs/:attr"), write, use: updateAttribute)
        router.on(.delete, RouterPath("\(entities)/:id/attrs/:attr"), write, use: deleteAttribute)
        registerBatch(on: router, read: read, write: write)
        registerContexts(on: router, read: read, write: write)
        registerTemporal(on: router, read: read, write: write)
        // The parts of the API not built yet answer as the spec says (OperationNotSupported),
        // not as a missing page, so a client can tell what this server offers. Of the temporal
        // API, the methods its paths do not have say so too.
        func notSupported(_ name: String, _ paths: [String], _ methods: [HTTPRequest.Method]) {
            for path in paths {
                for method in methods {
                    router.on(
                        method, RouterPath("\(Self.base)/\(path)"), read,
                        use: { (_: Request, _: AppRequestContext) -> Response in
                            throw NGSIError(.operationNotSupported, "\(name) \(name.hasSuffix("s") ? "are" : "is") not supported by this server yet.")
                        })
                }
            }
        }
        let every: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]
        for (part, name) in [
            ("subscriptions", "Subscriptions"), ("csourceRegistrations", "Context source registrations"),
            ("csourceSubscriptions", "Context source subscriptions"), ("entityMaps", "Entity maps"),
        ] {
            notSupported(name, [part, "\(part)/**"], every)
        }
        notSupported("Changing the temporal history this way", ["temporal/entities"], [.put, .patch, .delete])
        notSupported("Changing the temporal history this way", ["temporal/entities/:id"], [.post, .put, .patch])
        notSupported("Changing the temporal history this way", ["temporal/entities/:id/attrs"], [.get, .put, .patch, .delete])
        notSupported("Changing the temporal history this way", ["temporal/entities/:id/attrs/:attr"], [.get, .post, .put, .patch])
        notSupported("Changing the temporal history this way", ["temporal/entities/:id/attrs/:attr/:instanceId"], [.get, .post, .put])
        notSupported("This part of the temporal API", ["temporal", "temporal/entityOperations/**"], every)
        notSupported("This part of the temporal API", ["temporal/entityOperations/query"], [.get, .put, .patch, .delete])
    }

    // MARK: - Entities

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (payload, ldContext) = try await body(request, context)
        let tenant = try Self.tenant(request)
        let entity = try ContextEntity.parse(payload, context: ldContext, now: Date())
        do {
            try await services.entities.createEntity(entity, tenant: tenant, context: change(context))
        } catch StoreError.duplicate {
            throw NGSIError(.alreadyExists, "An entity with this id exists already.", detail: entity.id)
        }
        var headers = HTTPFields()
        headers[.location] = "\(Self.base)/entities/" + Self.pathSegment(entity.id)
        return Response(status: .created, headers: headers)
    }

    @Sendable func retrieve(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        let (tenant, user, linked, ldContext) = try await reading(
            request, allowing: ["attrs", "pick", "omit", "options", "format", "lang", "geometryProperty", "local", "containedBy", "join", "joinLevel", "datasetId"])
        let view = try Self.view(q, ldContext)
        guard let entity = try await services.entities.entity(try Self.entityID(context), tenant: tenant) else {
            throw NGSIError.notFound("There is no entity with this id.", try Self.entityID(context))
        }
        let rendered = entity.rendered(view, context: ldContext)
        return try respond(.object(rendered), request: request, user: user, linked: linked, geometry: q["geometryProperty"].map(String.init), ldContext: ldContext)
    }

    @Sendable func query(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        try Self.allowOnly(
            q,
            [
                "id", "type", "attrs", "pick", "omit", "limit", "offset", "count", "options", "format", "lang", "idPattern", "q", "georel",
                "geometry", "coordinates", "geoproperty", "geometryProperty", "scopeQ", "csf", "orderBy", "local", "datasetId", "containedBy", "join",
                "joinLevel", "entityMap", "expandValues",
            ])
        for unsupported in ["csf", "containedBy", "join", "entityMap"] where q[Substring(unsupported)] != nil {
            throw NGSIError(.operationNotSupported, "\(unsupported) is not supported by this server yet.")
        }
        let (tenant, user, linked, ldContext) = try await reading(request, allowing: nil)
        return try await answer(q, request, tenant: tenant, user: user, linked: linked, ldContext: ldContext)
    }

    /// A query's answer from its parameters (the URL's, or those a Query document stands for).
    func answer(_ q: Parameters, _ request: Request, tenant: String, user: JSON?, linked: String?, ldContext: LDContext) async throws -> Response {
        let view = try Self.view(q, ldContext)
        let page = try await entityPage(q, ldContext, attributes: view.attributes, tenant: tenant)
        var response = try respond(
            .array(page.entities.map { .object($0.rendered(view, context: ldContext)) }), request: request, user: user, linked: linked,
            geometry: q["geometryProperty"].map(String.init), ldContext: ldContext)
        page.mark(&response, request)
        return response
    }

    /// One page of the entities a query selects, and what its answer says of the rest.
    struct EntityPage {
        var entities: [ContextEntity]
        var total: Int?
        var more: Bool
        var limit: Int
        var offset: Int

        /// `NGSILD-Results-Count` when counted, and the paging links.
        func mark(_ response: inout Response, _ request: Request) {
            if let total { response.headers[.ngsildResultsCount] = String(total) }
            for link in NGSILDController.pageLinks(request, offset: offset, limit: limit, more: more) {
                response.headers.append(HTTPField(name: .link, value: link))
            }
        }
    }

    func entityPage(_ q: Parameters, _ ldContext: LDContext, attributes: Set<String>?, tenant: String) async throws -> EntityPage {
        let selection = try Self.entityQuery(q, ldContext, attributes: attributes)
        var (found, total) = try await services.entities.entities(selection.query, tenant: tenant)
        let more = found.count > selection.limit
        if more { found.removeLast(found.count - selection.limit) }
        return EntityPage(entities: found, total: total, more: more, limit: selection.limit, offset: selection.offset)
    }

    /// The entities a query's parameters select (`id`, `type`, `idPattern`, `attrs`, `q`, `scopeQ`,
    /// a geo-query, `orderBy`), and the page asked for (`limit`, `offset`, `count`); one more
    /// than the page is asked of the store, to tell whether a next page exists.
    static func entityQuery(_ q: Parameters, _ ldContext: LDContext, attributes: Set<String>?) throws -> (query: EntityQuery, limit: Int, offset: Int) {
        var query = EntityQuery()
        query.ids = try Self.list(q, "id").map { id throws(NGSIError) in
            guard ContextEntity.isURI(id) else { throw .badData("id must list URIs.", id) }
            return id
        }
        if let text = q["type"].map(String.init), !text.isEmpty {
            let expression = try TypeExpression.parse(text, context: ldContext)
            query.types = expression.names
            // A plain list is answered by the index alone; an expression with `;` is tested too.
            if !expression.isList { query.typeExpression = expression }
        }
        query.attributes = attributes.map { Array($0).sorted() } ?? []
        if let text = q["q"].map(String.init) { query.filter = try EntityFilter.parse(text, context: ldContext) }
        if let text = q["scopeQ"].map(String.init) { query.scopes = try ScopeQuery.parse(scopes: text) }
        if let pattern = q["idPattern"].map(String.init) {
            guard (try? Regex(pattern)) != nil else { throw NGSIError.badData("idPattern is not a regular expression.", pattern) }
            query.idPattern = pattern
        }
        let geoParameters = ["georel", "geometry", "coordinates"].map { q[Substring($0)].map(String.init) }
        if geoParameters.contains(where: { $0 != nil }) {
            guard let georel = geoParameters[0], let geometry = geoParameters[1], let coordinates = geoParameters[2] else {
                throw NGSIError.badData("A geo-query needs georel, geometry and coordinates together.")
            }
            let property = try q["geoproperty"].map { name throws(NGSIError) in try ContextEntity.attributeName(String(name), context: ldContext) }
            query.geo = try GeoQuery.parse(georel: georel, geometry: geometry, coordinates: coordinates, property: property ?? LDContext.coreLocation)
        }
        guard
            !query.ids.isEmpty || !query.types.isEmpty || !query.attributes.isEmpty || query.filter != nil || query.geo != nil || query.idPattern != nil
                || query.scopes != nil
        else { throw NGSIError.badData("Give at least one of type, id, idPattern, attrs, q or a geo-query to query entities.") }
        if let text = q["orderBy"].map(String.init) { query.order = try Self.order(text, ldContext, geo: query.geo) }
        let count = try Self.flag(q, "count")
        let limit = try Self.whole(q, "limit") ?? 20
        let offset = try Self.whole(q, "offset") ?? 0
        guard limit > 0 || count else { throw NGSIError.badData("limit=0 is only allowed with count=true.") }
        guard limit <= 1000 else { throw NGSIError(.tooManyResults, "limit may be at most 1000.", detail: "\(limit)") }
        // One more than asked: whether a next page exists, without counting them all.
        query.limit = limit == 0 ? 0 : limit + 1
        query.offset = offset
        query.count = count
        return (query, limit, offset)
    }

    /// The spec's paging links (clause 5.5.9): `rel="next"` while more entities follow,
    /// `rel="prev"` after the first page; the request's own query with `limit` and `offset` set.
    static func pageLinks(_ request: Request, offset: Int, limit: Int, more: Bool) -> [String] {
        guard limit > 0 else { return [] }
        let kept = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("offset=") && !$0.hasPrefix("limit=") }.map(String.init)
        func page(_ start: Int, _ relation: String) -> String {
            "<\(request.uri.path)?\((kept + ["limit=\(limit)", "offset=\(start)"]).joined(separator: "&"))>; rel=\"\(relation)\"; type=\"application/ld+json\""
        }
        var links: [String] = []
        if offset > 0 { links.append(page(max(0, offset - limit), "prev")) }
        if more { links.append(page(offset + limit, "next")) }
        return links
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.allowOnly(request.uri.queryParameters, ["local"])
        let tenant = try await readTenant(request)
        let id = try Self.entityID(context)
        guard try await services.entities.deleteEntity(id, tenant: tenant, context: change(context)) else {
            throw NGSIError.notFound("There is no entity with this id.", id)
        }
        return Response(status: .noContent)
    }

    /// `orderBy=pm25;desc,name`: attribute names (or `id`), each `;asc` (the default) or `;desc`;
    /// a GeoProperty with `;dist-asc` or `;dist-desc` goes by its distance to the geo-query's geometry.
    static func order(_ text: String, _ ldContext: LDContext, geo: GeoQuery?) throws(NGSIError) -> [EntityOrder] {
        var keys: [EntityOrder] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count <= 2, let name = pieces.first, !name.isEmpty else { throw .badData("orderBy lists attribute names, each ;asc or ;desc.", text) }
            let direction = pieces.count == 2 ? pieces[1] : "asc"
            guard ["asc", "desc", "dist-asc", "dist-desc"].contains(direction) else {
                throw .badData("An orderBy direction is asc, desc, dist-asc or dist-desc.", direction)
            }
            let byDistance = direction.hasPrefix("dist-")
            guard !byDistance || (geo != nil && name != "id") else {
                throw .badData("Ordering by distance needs a GeoProperty and a geo-query (georel, geometry, coordinates) to measure from.", text)
            }
            let path = name == "id" ? "@id" : try ContextEntity.attributeName(name, context: ldContext)
            keys.append(EntityOrder(path: path, descending: direction.hasSuffix("desc"), distanceTo: byDistance ? geo : nil))
        }
        return keys
    }

    func change(_ context: AppRequestContext) -> ChangeContext {
        ChangeContext(principal: context.principal, requestID: context.id)
    }
}

extension HTTPField.Name {
    static let ngsildResultsCount = HTTPField.Name("NGSILD-Results-Count")!
    static let ngsildTenant = HTTPField.Name("NGSILD-Tenant")!
    static let link = HTTPField.Name("Link")!
}
