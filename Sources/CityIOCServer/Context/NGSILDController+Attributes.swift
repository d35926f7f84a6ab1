import CityIOCDomain
import Foundation
import Hummingbird

/// Changing an entity's attributes: append (`POST …/attrs`), update (`PATCH …/attrs`), a partial
/// update of one attribute, deleting one, replacing the whole entity (`PUT`) and merging into it
/// (`PATCH`). Each is one transaction under the entity's lock.
extension NGSILDController {
    /// The spec's 207 answer: which attributes were changed and why the others were not.
    struct UpdateResult: Sendable {
        var updated: [String] = []
        var notUpdated: [(String, String)] = []

        func response() -> Response {
            guard !notUpdated.isEmpty else { return Response(status: .noContent) }
            let body = JSON.object([
                "updated": .array(updated.map { .string($0) }),
                "notUpdated": .array(notUpdated.map { .object(["attributeName": .string($0.0), "reason": .string($0.1)]) }),
            ])
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: HTTPResponse.Status(code: 207, reasonPhrase: "Multi-Status"), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body.text)))
        }
    }

    /// The attributes of a payload (never its id or type), each read as instances.
    static func attributes(_ payload: JSON, _ ldContext: LDContext, now: Date) throws(NGSIError) -> [(short: String, name: String, instances: [JSON])] {
        guard case .object(let members) = payload else { throw .badData("The attributes must be sent as a JSON object.") }
        var result: [(String, String, [JSON])] = []
        for (short, value) in members.sorted(by: { $0.key < $1.key }) where !["id", "type", "@context", "scope"].contains(short) {
            result.append((short, try ContextEntity.attributeName(short, context: ldContext), try ContextEntity.instances(short, value, context: ldContext, now: now)))
        }
        return result
    }

    /// Replaces the instances with the same datasetIds, keeping the others and the first
    /// creation time of those replaced.
    static func put(_ new: [JSON], into old: [JSON]?) -> [JSON] {
        var result = old ?? []
        for instance in new {
            let dataset = instance["datasetId"]
            if let index = result.firstIndex(where: { $0["datasetId"] == dataset }) {
                var replaced = instance.object ?? [:]
                replaced["createdAt"] = result[index]["createdAt"]
                result[index] = .object(replaced)
            } else {
                result.append(instance)
            }
        }
        return result
    }

    @Sendable func append(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        try Self.allowOnly(q, ["options"])
        let noOverwrite = try Self.options(q).contains("noOverwrite")
        let (payload, ldContext) = try await body(request, context)
        let tenant = try await readTenant(request)
        let id = try Self.entityID(context)
        if let bodyID = payload["id"]?.string, bodyID != id { throw NGSIError.badData("The id in the body is not the entity's.", bodyID) }
        let changes = try Self.attributes(payload, ldContext, now: Date())
        let result = try await modify(id, tenant, "entity.append", context) { entity in
            var result = UpdateResult()
            for (short, name, instances) in changes {
                if noOverwrite, let existing = entity.attributes[name],
                    instances.contains(where: { new in existing.contains { $0["datasetId"] == new["datasetId"] } })
                {
                    result.notUpdated.append((short, "The attribute exists and noOverwrite was asked for."))
                    continue
                }
                entity.attributes[name] = Self.put(instances, into: entity.attributes[name])
                result.updated.append(short)
            }
            return result
        }
        return result.response()
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.allowOnly(request.uri.queryParameters, [])
        let (payload, ldContext) = try await body(request, context)
        let tenant = try await readTenant(request)
        let id = try Self.entityID(context)
        let changes = try Self.attributes(payload, ldContext, now: Date())
        let result = try await modify(id, tenant, "entity.update", context) { entity in
            var result = UpdateResult()
            for (short, name, instances) in changes {
                guard let existing = entity.attributes[name],
                    instances.allSatisfy({ new in existing.contains { $0["datasetId"] == new["datasetId"] } })
                else {
                    result.notUpdated.append((short, "The entity has no such attribute (or no instance with this datasetId)."))
                    continue
                }
                entity.attributes[name] = Self.put(instances, into: existing)
                result.updated.append(short)
            }
            return result
        }
        return result.response()
    }

    /// `PATCH …/attrs/{attr}`: the members sent replace those of the instance (with the
    /// payload's datasetId, or the default one); everything else of it stays.
    @Sendable func updateAttribute(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.allowOnly(request.uri.queryParameters, [])
        let (payload, ldContext) = try await body(request, context)
        guard case .object(let members) = payload, !members.filter({ $0.key != "@context" }).isEmpty else {
            throw NGSIError.badData("Send the attribute's members to change as a JSON object.")
        }
        let tenant = try await readTenant(request)
        let id = try Self.entityID(context)
        let short = try Self.parameter(context, "attr")
        let name = try ContextEntity.attributeName(short, context: ldContext)
        let now = Date()
        try await modify(id, tenant, "entity.attribute.update", context) { entity in
            guard var instances = entity.attributes[name],
                let index = instances.firstIndex(where: { $0["datasetId"] == members["datasetId"] })
            else { throw NGSIError.notFound("The entity has no attribute \(short) (with this datasetId).") }
            var merged = instances[index].object ?? [:]
            for (key, value) in members where key != "@context" { merged[key] = value }
            if members["type"] == nil, let kind = merged["type"]?.string.flatMap(ContextEntity.Kind.init(rawValue:)),
                members[kind.valueMember] == nil, let newKind = ContextEntity.Kind.allCases.first(where: { members[$0.valueMember] != nil && $0.valueMember != "value" })
            {
                merged["type"] = .string(newKind.rawValue)
                merged[kind.valueMember] = nil
            }
            var checked = try ContextEntity.attribute(short, .object(merged.filter { $0.key != "createdAt" && $0.key != "modifiedAt" }), context: ldContext, now: now).object ?? [:]
            checked["createdAt"] = instances[index]["createdAt"]
            instances[index] = .object(checked)
            entity.attributes[name] = instances
        }
        return Response(status: .noContent)
    }

    @Sendable func deleteAttribute(_ request: Request, context: AppRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        try Self.allowOnly(q, ["datasetId", "deleteAll"])
        let tenant = try await readTenant(request)
        let (user, _) = try linkedContext(request)
        let ldContext = try await contexts.active(user)
        let id = try Self.entityID(context)
        let short = try Self.parameter(context, "attr")
        let name = try ContextEntity.attributeName(short, context: ldContext)
        let dataset = q["datasetId"].map { JSON.string(String($0)) }
        let all = try Self.flag(q, "deleteAll")
        try await modify(id, tenant, "entity.attribute.delete", context) { entity in
            guard let instances = entity.attributes[name] else { throw NGSIError.notFound("The entity has no attribute \(short).") }
            let kept = all ? [] : instances.filter { $0["datasetId"] != dataset }
            guard kept.count < instances.count else { throw NGSIError.notFound("The attribute \(short) has no instance with this datasetId.") }
            entity.attributes[name] = kept.isEmpty ? nil : kept
        }
        return Response(status: .noContent)
    }

    /// `PUT /entities/{id}`: everything but the id (and the creation time) replaced.
    @Sendable func replace(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.allowOnly(request.uri.queryParameters, [])
        let (payload, ldContext) = try await body(request, context)
        let tenant = try await readTenant(request)
        let id = try Self.entityID(context)
        guard case .object(var members) = payload else { throw NGSIError.badData("An entity must be a JSON object.") }
        if let bodyID = members["id"]?.string, bodyID != id { throw NGSIError.badData("The id in the body is not the entity's.", bodyID) }
        members["id"] = .string(id)
        let now = Date()
        let replacement = try ContextEntity.parse(.object(members), context: ldContext, now: now)
        try await modify(id, tenant, "entity.replace", context) { entity in
            let created = entity.createdAt
            entity = replacement
            entity.createdAt = created
        }
        return Response(status: .noContent)
    }

    /// `PATCH /entities/{id}` (merge-patch): attributes sent are added or replaced, a `null`
    /// (the spec's `"urn:ngsi-ld:null"` too) removes one; a type sent is added to the types.
    @Sendable func merge(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.allowOnly(request.uri.queryParameters, ["options"])
        let (payload, ldContext) = try await body(request, context, mergePatch: true)
        let tenant = try await readTenant(request)
        let id = try Self.entityID(context)
        guard case .object(let members) = payload else { throw NGSIError.badData("A merge must be a JSON object.") }
        if let bodyID = members["id"]?.string, bodyID != id { throw NGSIError.badData("The id in the body is not the entity's.", bodyID) }
        let types = try members["type"].map { value throws(NGSIError) in try ContextEntity.typeNames(value, context: ldContext) }
        let removed = try members.filter { $0.value.isNull || $0.value == .string("urn:ngsi-ld:null") }.keys
            .filter { !["id", "type", "@context"].contains($0) }
            .map { short throws(NGSIError) in try ContextEntity.attributeName(short, context: ldContext) }
        let changes = try Self.attributes(.object(members.filter { !$0.value.isNull && $0.value != .string("urn:ngsi-ld:null") }), ldContext, now: Date())
        try await modify(id, tenant, "entity.merge", context) { entity in
            if let types { entity.types = Array(Set(entity.types + types)).sorted() }
            for name in removed { entity.attributes[name] = nil }
            for (_, name, instances) in changes { entity.attributes[name] = Self.put(instances, into: entity.attributes[name]) }
        }
        return Response(status: .noContent)
    }

    @discardableResult
    func modify<Result: Sendable>(
        _ id: String, _ tenant: String, _ action: String, _ context: AppRequestContext, _ body: @escaping @Sendable (inout ContextEntity) throws -> Result
    ) async throws -> Result {
        do {
            return try await services.entities.modifyEntity(id, tenant: tenant, action: action, context: change(context), body)
        } catch StoreError.notFound {
            throw NGSIError.notFound("There is no entity with this id.", id)
        }
    }
}
