import CityIOCDomain
import Foundation
import Hummingbird

/// `/entityOperations/{create, upsert, update, delete, merge}`: many entities in one request and
/// one transaction, each member succeeding or failing on its own (201/204 when all succeed, 207
/// with the spec's BatchOperationResult otherwise), and `/types`, `/attributes` discovery.
extension NGSILDController {
    /// Most entities in one batch.
    static let batchLimit = 1000

    struct BatchResult: Sendable {
        var success: [String] = []
        var errors: [(String, NGSIError)] = []

        /// `created` ids answer 201 (create, upsert that created), the rest 204; any error 207.
        func response(created: Bool) -> Response {
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            if errors.isEmpty {
                guard created else { return Response(status: .noContent) }
                return Response(status: .created, headers: headers, body: .init(byteBuffer: ByteBuffer(string: JSON.array(success.map { .string($0) }).text)))
            }
            let body = JSON.object([
                "success": .array(success.map { .string($0) }),
                "errors": .array(
                    errors.map { id, error in
                        var problem: [String: JSON] = ["type": .string(error.kind.type), "title": .string(error.title), "status": .number(Double(error.kind.status))]
                        if !error.detail.isEmpty { problem["detail"] = .string(error.detail) }
                        return .object(["entityId": .string(id), "error": .object(problem)])
                    }),
            ])
            return Response(status: HTTPResponse.Status(code: 207, reasonPhrase: "Multi-Status"), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body.text)))
        }
    }

    func registerBatch(on router: Router<AppRequestContext>, read: Access, write: Access) {
        let operations = "\(Self.base)/entityOperations"
        router.on(.post, RouterPath("\(operations)/create"), write) { request, context in try await batch(request, context, .create) }
        router.on(.post, RouterPath("\(operations)/upsert"), write) { request, context in try await batch(request, context, .upsert) }
        router.on(.post, RouterPath("\(operations)/update"), write) { request, context in try await batch(request, context, .update) }
        router.on(.post, RouterPath("\(operations)/merge"), write) { request, context in try await batch(request, context, .merge) }
        router.on(.post, RouterPath("\(operations)/delete"), write) { request, context in try await batch(request, context, .delete) }
        router.on(.get, RouterPath("\(Self.base)/types"), read, use: types)
        router.on(.get, RouterPath("\(Self.base)/types/:type"), read, use: typeInfo)
        router.on(.get, RouterPath("\(Self.base)/attributes"), read, use: attributeList)
        router.on(.get, RouterPath("\(Self.base)/attributes/:attr"), read, use: attributeInfo)
    }

    enum BatchOperation: String { case create, upsert, update, merge, delete }

    func batch(_ request: Request, _ context: AppRequestContext, _ operation: BatchOperation) async throws -> Response {
        let q = request.uri.queryParameters
        try Self.allowOnly(q, ["options", "local"])
        let options = try Self.options(q)
        let (payload, ldContext) = try await body(request, context, batch: true)
        guard let items = payload.array, !items.isEmpty else { throw NGSIError.badData("A batch is a non-empty JSON array.") }
        guard items.count <= Self.batchLimit else { throw NGSIError.badData("A batch may hold at most \(Self.batchLimit) entities.", "\(items.count)") }
        // The array itself must be valid (clause 5.5.4): a null or a number among entities fails the whole request.
        if let stray = items.firstIndex(where: { operation == .delete ? $0.string == nil : $0.object == nil }) {
            throw NGSIError.badData(
                operation == .delete ? "A batch delete is an array of entity ids." : "A batch is an array of entity objects.", "item \(stray + 1): \(items[stray].text)")
        }
        let ldMembers = (request.headers[.contentType] ?? "").lowercased().hasPrefix("application/ld+json")
        let tenant = operation == .create || operation == .upsert ? try Self.tenant(request) : try await readTenant(request)
        let now = Date()
        var result = BatchResult()
        // Each member read first: a member that is not valid is an error of its own.
        var members: [(id: String, entity: ContextEntity?, attributes: [(String, String, [JSON])], removed: [String])] = []
        for item in items {
            let id = (operation == .delete ? item.string : (item["id"] ?? item["@id"])?.string) ?? ""
            do {
                if operation == .delete {
                    guard ContextEntity.isURI(id) else { throw NGSIError.badData("The entity id must be a URI.", item.text) }
                    members.append((id, nil, [], []))
                } else {
                    var memberContext = ldContext
                    if let own = item["@context"] {
                        memberContext = try await contexts.active(own)
                    } else if ldMembers {
                        throw NGSIError.badData("In an application/ld+json batch each entity carries its @context.", id)
                    }
                    if operation == .update || operation == .merge {
                        guard ContextEntity.isURI(id) else { throw NGSIError.badData("The entity id must be a URI.", (item["id"] ?? .null).text) }
                        // A merge removes what it sets to null (clause 5.6.17: "urn:ngsi-ld:null").
                        var removed: [String] = []
                        var kept = item
                        if operation == .merge, case .object(let fields) = item {
                            let cleared = fields.filter { $0.value.isNull || $0.value == .string("urn:ngsi-ld:null") }.keys.filter { !["id", "type", "@context"].contains($0) }
                            removed = try cleared.sorted().map { short throws(NGSIError) in try ContextEntity.attributeName(short, context: memberContext) }
                            kept = .object(fields.filter { !cleared.contains($0.key) })
                        }
                        members.append((id, nil, try Self.attributes(kept, memberContext, now: now), removed))
                    } else {
                        members.append((id, try ContextEntity.parse(item, context: memberContext, now: now), [], []))
                    }
                }
            } catch let error as NGSIError {
                if error.kind == .ldContextNotAvailable { throw error }
                result.errors.append((id, error))
            }
        }
        let replace = !options.contains("update")
        let noOverwrite = options.contains("noOverwrite")
        let planned = members
        let decisions = try await services.entities.writeEntities(planned.map(\.id), tenant: tenant, action: "entity.batch.\(operation.rawValue)", context: change(context)) {
            index, stored in
            let member = planned[index]
            let id = member.id
            switch operation {
            case .create:
                guard stored == nil else { return .refuse(NGSIError(.alreadyExists, "An entity with this id exists already.", detail: id)) }
                return member.entity.map { .store($0) } ?? .keep
            case .upsert:
                guard var entity = member.entity else { return .keep }
                if let stored, !replace {
                    var merged = stored
                    merged.types = Array(Set(stored.types + entity.types)).sorted()
                    for (name, instances) in entity.attributes { merged.attributes[name] = Self.put(instances, into: stored.attributes[name]) }
                    entity = merged
                }
                return .store(entity)
            case .update, .merge:
                guard var entity = stored else { return .refuse(.notFound("There is no entity with this id.", id)) }
                for name in member.removed { entity.attributes[name] = nil }
                for (_, name, instances) in member.attributes {
                    if noOverwrite, entity.attributes[name] != nil { continue }
                    entity.attributes[name] = Self.put(instances, into: entity.attributes[name])
                }
                return .store(entity)
            case .delete:
                return stored == nil ? .refuse(.notFound("There is no entity with this id.", id)) : .remove
            }
        }
        // Upsert answers 201 with the ids it created when it created any, 204 when all existed.
        var created: [String] = []
        for (member, outcome) in zip(planned, decisions) {
            switch outcome.decision {
            case .refuse(let error): result.errors.append((member.id, error))
            case .store, .remove, .keep:
                result.success.append(member.id)
                if !outcome.existed { created.append(member.id) }
            }
        }
        if operation == .upsert, !created.isEmpty, result.errors.isEmpty { result.success = created }
        return result.response(created: operation == .create || (operation == .upsert && !created.isEmpty))
    }

    // MARK: - Discovery

    @Sendable func types(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        let (tenant, user, linked, ldContext) = try await reading(request, allowing: ["details", "local"])
        let summaries = try await services.entities.entityTypes(tenant: tenant)
        let value: JSON
        if try Self.flag(q, "details") {
            value = .array(
                summaries.map { summary in
                    .object([
                        "id": .string(summary.type), "type": "EntityType", "typeName": .string(ldContext.compact(summary.type)),
                        "attributeNames": .array(summary.attributes.keys.sorted().map { .string(ldContext.compact($0)) }),
                    ])
                })
        } else {
            value = .object([
                "id": .string("urn:ngsi-ld:EntityTypeList:" + UUID().uuidString.lowercased()), "type": "EntityTypeList",
                "typeList": .array(summaries.map { .string(ldContext.compact($0.type)) }),
            ])
        }
        return try respond(value, request: request, user: user, linked: linked, geometry: nil, ldContext: ldContext)
    }

    @Sendable func typeInfo(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (tenant, user, linked, ldContext) = try await reading(request, allowing: ["local"])
        let short = try Self.parameter(context, "type")
        guard ContextEntity.isValidName(short) else { throw NGSIError.badData("The type \(short) is not a valid name.") }
        let type = ldContext.expand(short)
        guard let summary = try await services.entities.entityTypes(tenant: tenant).first(where: { $0.type == type }) else {
            throw NGSIError.notFound("No entity has the type \(short).")
        }
        let value = JSON.object([
            "id": .string(type), "type": "EntityTypeInfo", "typeName": .string(ldContext.compact(type)), "entityCount": .number(Double(summary.entityCount)),
            "attributeDetails": .array(
                summary.attributes.keys.sorted().map { name in
                    .object([
                        "id": .string(name), "type": "Attribute", "attributeName": .string(ldContext.compact(name)),
                        "attributeTypes": .array(summary.attributes[name]!.sorted().map { .string($0) }),
                    ])
                }),
        ])
        return try respond(value, request: request, user: user, linked: linked, geometry: nil, ldContext: ldContext)
    }

    @Sendable func attributeList(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        let (tenant, user, linked, ldContext) = try await reading(request, allowing: ["details", "local"])
        let summaries = try await services.entities.attributeSummaries(tenant: tenant)
        let value: JSON =
            try Self.flag(q, "details")
            ? .array(summaries.map { Self.attributeDocument($0, ldContext, withCounts: false) })
            : .object([
                "id": .string("urn:ngsi-ld:AttributeList:" + UUID().uuidString.lowercased()), "type": "AttributeList",
                "attributeList": .array(summaries.map { .string(ldContext.compact($0.name)) }),
            ])
        return try respond(value, request: request, user: user, linked: linked, geometry: nil, ldContext: ldContext)
    }

    @Sendable func attributeInfo(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (tenant, user, linked, ldContext) = try await reading(request, allowing: ["local"])
        let short = try Self.parameter(context, "attr")
        let name = try ContextEntity.attributeName(short, context: ldContext)
        guard let summary = try await services.entities.attributeSummaries(tenant: tenant).first(where: { $0.name == name }) else {
            throw NGSIError.notFound("No entity has the attribute \(short).")
        }
        return try respond(Self.attributeDocument(summary, ldContext, withCounts: true), request: request, user: user, linked: linked, geometry: nil, ldContext: ldContext)
    }

    static func attributeDocument(_ summary: AttributeSummary, _ ldContext: LDContext, withCounts: Bool) -> JSON {
        var members: [String: JSON] = [
            "id": .string(summary.name), "type": "Attribute", "attributeName": .string(ldContext.compact(summary.name)),
            "attributeTypes": .array(summary.kinds.sorted().map { .string($0) }),
            "typeNames": .array(summary.types.sorted().map { .string(ldContext.compact($0)) }),
        ]
        if withCounts { members["attributeCount"] = .number(Double(summary.entityCount)) }
        return .object(members)
    }
}
