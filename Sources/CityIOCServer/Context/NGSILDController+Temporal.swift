import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird

/// The temporal API's reads (clauses 5.7.3 and 5.7.4): how entities' attributes evolved, from
/// the attribute history every entity write records in the same transaction
/// (`AttributeHistoryStore`), and its writes: a temporal representation's instances go into
/// that history and its newest ones into the entity; an attribute's history or one instance
/// changed or deleted.
extension NGSILDController {
    /// The most instances one answer holds. Past it the answer is partial (206) and its
    /// `Content-Range` says which span of time it covers, so a client asks again from there.
    static let temporalInstanceLimit = 10_000

    static let temporalParameters: Set<String> = [
        "attrs", "pick", "omit", "options", "format", "lang", "timerel", "timeAt", "endTimeAt", "timeproperty", "lastN", "local", "datasetId",
        "aggrMethods", "aggrPeriodDuration",
    ]

    func registerTemporal(on router: Router<AppRequestContext>, read: Access, write: Access) {
        let base = "\(Self.base)/temporal/entities"
        router.on(.get, RouterPath(base), read, use: queryTemporal)
        router.on(.post, RouterPath(base), write, use: createTemporal)
        router.on(.post, RouterPath("\(Self.base)/temporal/entityOperations/query"), read, use: temporalQueryDocument)
        router.on(.get, RouterPath("\(base)/:id"), read, use: retrieveTemporal)
        router.on(.delete, RouterPath("\(base)/:id"), write, use: deleteTemporal)
        router.on(.post, RouterPath("\(base)/:id/attrs"), write, use: appendTemporal)
        router.on(.delete, RouterPath("\(base)/:id/attrs/:attr"), write, use: deleteTemporalAttribute)
        router.on(.patch, RouterPath("\(base)/:id/attrs/:attr/:instanceId"), write, use: modifyTemporalInstance)
        router.on(.delete, RouterPath("\(base)/:id/attrs/:attr/:instanceId"), write, use: deleteTemporalInstance)
    }

    // MARK: - Writes

    /// `POST /temporal/entities`: creates the entity with its history, or adds the history to
    /// the entity there is (201 and 204).
    @Sendable func createTemporal(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.allowOnly(request.uri.queryParameters, ["local"])
        let (payload, ldContext) = try await body(request, context)
        let tenant = try Self.tenant(request)
        let (current, readings) = try Self.temporalPayload(payload, ldContext: ldContext, now: Date())
        let created = try await services.entities.writeTemporal(current, readings: readings, tenant: tenant, create: true, context: change(context))
        guard created else { return Response(status: .noContent) }
        var headers = HTTPFields()
        headers[.location] = "\(Self.base)/temporal/entities/" + Self.pathSegment(current.id)
        return Response(status: .created, headers: headers)
    }

    /// `POST /temporal/entities/{id}/attrs`: more instances for an entity there is (204).
    @Sendable func appendTemporal(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.allowOnly(request.uri.queryParameters, ["local"])
        let (payload, ldContext) = try await body(request, context)
        let tenant = try await readTenant(request)
        let id = try Self.entityID(context)
        guard let stored = try await services.entities.entity(id, tenant: tenant) else { throw NGSIError.notFound("There is no entity with this id.", id) }
        let (current, readings) = try Self.temporalPayload(payload, ldContext: ldContext, now: Date(), id: id, types: stored.types)
        do {
            _ = try await services.entities.writeTemporal(current, readings: readings, tenant: tenant, create: false, context: change(context))
        } catch StoreError.notFound {
            throw NGSIError.notFound("There is no entity with this id.", id)
        }
        return Response(status: .noContent)
    }

    /// `DELETE /temporal/entities/{id}`: the entity and all its history.
    @Sendable func deleteTemporal(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.allowOnly(request.uri.queryParameters, ["local"])
        let tenant = try await readTenant(request)
        let id = try Self.entityID(context)
        guard try await services.entities.deleteTemporal(id, tenant: tenant, context: change(context)) else {
            throw NGSIError.notFound("There is no entity with this id.", id)
        }
        return Response(status: .noContent)
    }

    /// A temporal representation (`{"id", "type", "speed": [instance, …], …}`; for an append,
    /// the attributes alone): every instance checked and expanded as an entity's attribute is,
    /// the readings for the history, and the newest instance of each attribute and datasetId as
    /// the entity's current state. An instance without `observedAt` is of `now`.
    static func temporalPayload(_ payload: JSON, ldContext: LDContext, now: Date, id: String? = nil, types: [String]? = nil) throws -> (
        current: ContextEntity, readings: [AttributeReading]
    ) {
        guard case .object(let members) = payload else { throw NGSIError.badData("A temporal representation is a JSON object.") }
        var skeleton = members.filter { ["id", "type", "scope"].contains($0.key) }
        if let id {
            if let given = members["id"], given != .string(id) { throw NGSIError.badData("The body names another entity than the path.", given.text) }
            skeleton["id"] = .string(id)
        }
        if let types, skeleton["type"] == nil { skeleton["type"] = .array(types.map { .string($0) }) }
        let attributes = members.filter { !["id", "type", "scope", "@context", "createdAt", "modifiedAt"].contains($0.key) }
        var readings: [AttributeReading] = []
        var base: ContextEntity?
        for (name, value) in attributes.sorted(by: { $0.key < $1.key }) {
            let instances = value.array ?? [value]
            guard !instances.isEmpty else { throw NGSIError.badData("The attribute \(name) has no instances.") }
            for instance in instances {
                guard instance.object != nil else { throw NGSIError.badData("Each instance of \(name) is an object with its type and value.", instance.text) }
                var one = skeleton
                one[name] = instance
                // Checked and expanded as the same attribute of an entity would be.
                let parsed = try ContextEntity.parse(.object(one), context: ldContext, now: now)
                if base == nil { base = parsed }
                for (expanded, kept) in parsed.attributes {
                    for stored in kept {
                        let observed = stored["observedAt"]?.string.flatMap(CityStore.instant) ?? now
                        let number = stored["type"]?.string == "Property" ? stored["value"]?.number : nil
                        readings.append(
                            AttributeReading(
                                entityID: parsed.id, attribute: expanded, datasetID: stored["datasetId"]?.string ?? "", observedAt: observed, number: number,
                                instance: stored))
                    }
                }
            }
        }
        guard var current = base else { throw NGSIError.badData("A temporal representation needs at least one attribute with its instances.") }
        // The newest instance of each attribute and datasetId is the current state.
        var newest: [String: AttributeReading] = [:]
        for reading in readings {
            let key = reading.attribute + "\n" + reading.datasetID
            if let seen = newest[key], seen.observedAt > reading.observedAt { continue }
            newest[key] = reading
        }
        current.attributes = [:]
        for reading in newest.values.sorted(by: { $0.datasetID < $1.datasetID }) { current.attributes[reading.attribute, default: []].append(reading.instance) }
        return (current, readings)
    }

    /// A time window of the temporal query language (clause 4.11): `timerel=before|after|between`
    /// with `timeAt` (and `endTimeAt`), over `observedAt`. Half-open: `after` and `between`
    /// include `timeAt`, `before` and `between` leave out the instant they end at, so `before` and
    /// `after` at the same instant split the history without overlap. No `timerel`: all of it.
    struct TemporalWindow {
        var from: Date?
        var to: Date?
        var lastN: Int?
    }

    static func temporalWindow(_ q: Parameters) throws(NGSIError) -> TemporalWindow {
        for unsupported in ["aggrMethods", "aggrPeriodDuration"] where q[Substring(unsupported)] != nil {
            throw NGSIError(.operationNotSupported, "Aggregated temporal values (\(unsupported)) are not supported by this server yet.")
        }
        switch q["timeproperty"].map(String.init) {
        case nil, "observedAt": break
        case "createdAt", "modifiedAt", "deletedAt":
            throw NGSIError(.operationNotSupported, "This server keeps the history by observedAt only.", detail: String(q["timeproperty"]!))
        case let other?: throw NGSIError.badData("timeproperty is observedAt, createdAt, modifiedAt or deletedAt.", other)
        }
        func instant(_ name: String) throws(NGSIError) -> Date? {
            guard let raw = q[Substring(name)].map(String.init) else { return nil }
            guard let date = CityStore.instant(raw) else { throw NGSIError.badData("\(name) must be a date and time (ISO 8601).", raw) }
            return date
        }
        var window = TemporalWindow()
        let timeAt = try instant("timeAt")
        let endTimeAt = try instant("endTimeAt")
        switch q["timerel"].map(String.init) {
        case nil:
            guard timeAt == nil, endTimeAt == nil else { throw NGSIError.badData("timeAt and endTimeAt need timerel (before, after or between).") }
        case "before":
            guard let timeAt else { throw NGSIError.badData("timerel=before needs timeAt.") }
            window.to = timeAt
        case "after":
            guard let timeAt else { throw NGSIError.badData("timerel=after needs timeAt.") }
            window.from = timeAt
        case "between":
            guard let timeAt, let endTimeAt else { throw NGSIError.badData("timerel=between needs timeAt and endTimeAt.") }
            guard timeAt <= endTimeAt else { throw NGSIError.badData("endTimeAt is before timeAt.") }
            window.from = timeAt
            window.to = endTimeAt
        case let other?: throw NGSIError.badData("timerel is before, after or between.", other)
        }
        if let raw = q["lastN"] {
            guard let value = Int(raw), value > 0 else { throw NGSIError.badData("lastN must be a whole number, 1 or more.", String(raw)) }
            window.lastN = value
        }
        return window
    }

    /// `options=temporalValues` or `format=temporalValues` (also `simplified`/`keyValues`, the
    /// same representation for the temporal API): `[value, time]` pairs.
    static func wantsTemporalValues(_ q: Parameters) -> Bool {
        let formats: Set<String> = ["temporalValues", "simplified", "keyValues"]
        if let format = q["format"].map(String.init) { return formats.contains(format) }
        return !formats.isDisjoint(with: list(q, "options"))
    }

    @Sendable func retrieveTemporal(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        let (tenant, user, linked, ldContext) = try await reading(request, allowing: Self.temporalParameters)
        let window = try Self.temporalWindow(q)
        let view = try Self.view(q, ldContext, temporal: true)
        let id = try Self.entityID(context)
        guard let entity = try await services.entities.entity(id, tenant: tenant) else { throw NGSIError.notFound("There is no entity with this id.", id) }
        return try await temporalAnswer([entity], single: true, q, request, tenant: tenant, view: view, window: window, user: user, linked: linked, ldContext: ldContext)
    }

    @Sendable func queryTemporal(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        try Self.allowOnly(
            q,
            Self.temporalParameters.union([
                "id", "type", "idPattern", "q", "georel", "geometry", "coordinates", "geoproperty", "scopeQ", "csf", "limit", "offset", "count",
            ]))
        if q["csf"] != nil { throw NGSIError(.operationNotSupported, "csf is not supported by this server yet.") }
        let (tenant, user, linked, ldContext) = try await reading(request, allowing: nil)
        return try await temporalQueryAnswer(q, request, tenant: tenant, user: user, linked: linked, ldContext: ldContext)
    }

    /// A temporal query's answer from its parameters (the URL's, or those a Query document stands for).
    func temporalQueryAnswer(_ q: Parameters, _ request: Request, tenant: String, user: JSON?, linked: String?, ldContext: LDContext) async throws -> Response {
        let window = try Self.temporalWindow(q)
        let view = try Self.view(q, ldContext, temporal: true)
        let page = try await entityPage(q, ldContext, attributes: view.attributes, tenant: tenant)
        var response = try await temporalAnswer(
            page.entities, single: false, q, request, tenant: tenant, view: view, window: window, user: user, linked: linked, ldContext: ldContext)
        page.mark(&response, request)
        return response
    }

    /// The evolution of `entities` in the window, each as its temporal representation; partial
    /// (206, `Content-Range: date-time <first>-<last>/<lastN or *>`) when more instances match
    /// than one answer holds: the earliest ones, up to an instant where a next request starts.
    func temporalAnswer(
        _ entities: [ContextEntity], single: Bool, _ q: Parameters, _ request: Request, tenant: String, view: ContextEntity.View, window: TemporalWindow,
        user: JSON?, linked: String?, ldContext: LDContext
    ) async throws -> Response {
        let attributes = view.attributes.map { Array($0).sorted() }
        var readings = try await services.history.temporalReadings(
            tenant: tenant, entities: entities.map(\.id), attributes: attributes, from: window.from, to: window.to, lastN: window.lastN,
            limit: Self.temporalInstanceLimit + 1)
        let partial = readings.count > Self.temporalInstanceLimit
        if partial {
            // Whole instants only: the next request starts at the first one left out.
            let cut = readings[Self.temporalInstanceLimit].observedAt
            if readings[0].observedAt < cut {
                readings.removeAll { $0.observedAt >= cut }
            } else {
                readings.removeLast(readings.count - Self.temporalInstanceLimit)
            }
        }
        var histories: [String: [String: [JSON]]] = [:]
        for reading in readings {
            histories[reading.entityID, default: [:]][reading.attribute, default: []].append(Self.temporalInstance(reading))
        }
        let temporalValues = Self.wantsTemporalValues(q)
        let rendered = entities.map { entity in
            JSON.object(
                ContextEntity.temporalRendered(
                    id: entity.id, types: entity.types, history: histories[entity.id] ?? [:], view: view, temporalValues: temporalValues, context: ldContext))
        }
        var response = try respond(single ? rendered[0] : .array(rendered), request: request, user: user, linked: linked, geometry: nil, ldContext: ldContext)
        if partial, let first = readings.first, let last = readings.last {
            response.status = .partialContent
            response.headers[.contentRange] =
                "date-time \(Timestamp.utcMilliseconds(first.observedAt))-\(Timestamp.utcMilliseconds(last.observedAt))/\(window.lastN.map(String.init) ?? "*")"
        }
        return response
    }

    /// A stored reading as an instance of the temporal representation: its `instanceId`, and
    /// when it carries no `observedAt`, the time it was written as its `modifiedAt`.
    static func temporalInstance(_ reading: AttributeReading) -> JSON {
        guard case .object(var members) = reading.instance else { return reading.instance }
        members["instanceId"] = .string(reading.instanceID)
        if members["observedAt"] == nil, members["modifiedAt"] == nil { members["modifiedAt"] = .string(Timestamp.utcMilliseconds(reading.observedAt)) }
        return .object(members)
    }

    // MARK: - Attributes and instances of the history

    /// `DELETE /temporal/entities/{id}/attrs/{attr}` (clause 5.6.13): the attribute's history
    /// and its instance in the entity, for the default instance, one `datasetId`, or all of
    /// them (`deleteAll=true`).
    @Sendable func deleteTemporalAttribute(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        let (tenant, _, _, ldContext) = try await reading(request, allowing: ["datasetId", "deleteAll", "local"])
        let id = try Self.entityID(context)
        let attribute = try ContextEntity.attributeName(try Self.parameter(context, "attr"), context: ldContext)
        let all = try Self.flag(q, "deleteAll")
        let dataset = q["datasetId"].map(String.init)
        if let dataset, !ContextEntity.isURI(dataset) { throw NGSIError.badData("datasetId must be a URI.", dataset) }
        guard
            try await services.entities.deleteTemporalAttribute(
                id, attribute: attribute, datasetID: all ? nil : (dataset ?? ""), tenant: tenant, context: change(context))
        else { throw NGSIError.notFound("The entity has no history of this attribute.", attribute) }
        return Response(status: .noContent)
    }

    /// `PATCH /temporal/entities/{id}/attrs/{attr}/{instanceId}` (clause 5.6.14): one instance
    /// of the history replaced by the body (a bare instance, checked as the attribute would be).
    @Sendable func modifyTemporalInstance(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.allowOnly(request.uri.queryParameters, ["local"])
        let (payload, ldContext) = try await body(request, context)
        let tenant = try await readTenant(request)
        let id = try Self.entityID(context)
        let name = try Self.parameter(context, "attr")
        let instanceID = try Self.parameter(context, "instanceId")
        guard let stored = try await services.entities.entity(id, tenant: tenant) else { throw NGSIError.notFound("There is no entity with this id.", id) }
        guard payload.object != nil else { throw NGSIError.badData("The body is the instance: an object with its type and value.") }
        let (_, readings) = try Self.temporalPayload(.object([name: payload]), ldContext: ldContext, now: Date(), id: id, types: stored.types)
        guard
            try await services.entities.changeTemporalInstance(
                id, attribute: readings[0].attribute, instanceID: instanceID, replacement: readings[0], tenant: tenant, context: change(context))
        else { throw NGSIError.notFound("The attribute has no instance with this instanceId.", instanceID) }
        return Response(status: .noContent)
    }

    /// `DELETE /temporal/entities/{id}/attrs/{attr}/{instanceId}` (clause 5.6.15).
    @Sendable func deleteTemporalInstance(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (tenant, _, _, ldContext) = try await reading(request, allowing: ["local"])
        let id = try Self.entityID(context)
        let attribute = try ContextEntity.attributeName(try Self.parameter(context, "attr"), context: ldContext)
        let instanceID = try Self.parameter(context, "instanceId")
        guard
            try await services.entities.changeTemporalInstance(
                id, attribute: attribute, instanceID: instanceID, replacement: nil, tenant: tenant, context: change(context))
        else { throw NGSIError.notFound("The attribute has no instance with this instanceId.", instanceID) }
        return Response(status: .noContent)
    }
}

extension AttributeReading {
    /// The instance's id in the temporal API: `urn:ngsi-ld:Instance:` and the instant it was
    /// observed (milliseconds since 1970) after a digest of entity, attribute and datasetId, so
    /// the same instance has the same id in every process and the id finds its row again.
    public var instanceID: String {
        let series = Secret.sha256("\(entityID)\n\(attribute)\n\(datasetID)").prefix(16)
        return "urn:ngsi-ld:Instance:\(series)-\(Int64((observedAt.timeIntervalSince1970 * 1000).rounded()))"
    }

    /// The instant an `instanceID` names, when it is one of ours.
    static func instant(ofInstance id: String) -> Date? {
        guard id.hasPrefix("urn:ngsi-ld:Instance:"), let dash = id.lastIndex(of: "-"), let millis = Int64(id[id.index(after: dash)...]) else { return nil }
        return Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}
