import CityIOCDomain
import Foundation

/// What a batch operation decides for one entity, from what is stored.
public enum EntityDecision: Sendable {
    /// Store this entity (created or replaced).
    case store(ContextEntity)
    /// Remove the stored entity.
    case remove
    /// Leave it as it is.
    case keep
    /// Not done, with the reason the client is given.
    case refuse(NGSIError)
}

/// Reads for `/types` and `/attributes`: what types and attribute names a tenant holds.
public struct EntityTypeSummary: Sendable, Equatable {
    public var type: String
    public var entityCount: Int
    /// Attribute IRI → the attribute kinds seen (`Property`, `Relationship`…).
    public var attributes: [String: Set<String>]
}

public struct AttributeSummary: Sendable, Equatable {
    public var name: String
    public var entityCount: Int
    public var kinds: Set<String>
    public var types: Set<String>
}

extension CityStore {
    /// The batch operations (`/entityOperations/…`): every entity named is read in one
    /// transaction, `decide` says what becomes of each (by its place in `ids`, which may name an
    /// entity twice: the second sees what the first made of it), and all the decisions are
    /// written together with one audit entry; a refused member changes nothing of its entity.
    public func writeEntities(
        _ ids: [String], tenant: String, action: String, context: ChangeContext,
        _ decide: @escaping @Sendable (Int, ContextEntity?) -> EntityDecision
    ) async throws -> [(decision: EntityDecision, existed: Bool)] {
        guard !ids.isEmpty else { return [] }
        var read = SQL("SELECT \(Self.entityColumns) FROM context_entities WHERE tenant = ? AND id IN (", [.text(tenant)])
        read.text += Set(ids).map { _ in "?" }.joined(separator: ", ") + ")"
        read.binds += Set(ids).map { .text($0) }
        return try await database.perform(
            Mutation(read: read) { rows in
                var stored: [String: ContextEntity] = [:]
                for row in rows {
                    let entity = try Self.entity(row)
                    stored[entity.id] = entity
                }
                var statements: [SQL] = [Self.tenantInsert(tenant, context.now)]
                var decisions: [(decision: EntityDecision, existed: Bool)] = []
                var changed: [String] = []
                // Entities new to the database are written together at the end, many rows to a
                // statement; one named again later in the batch is changed there, before it is written.
                var inserts: [String: ContextEntity] = [:]
                var insertOrder: [String] = []
                for (index, id) in ids.enumerated() {
                    let existed = stored[id] != nil
                    let decision = decide(index, stored[id])
                    switch decision {
                    case .store(var entity):
                        if let before = stored[id] { entity.createdAt = before.createdAt }
                        entity.modifiedAt = context.now
                        if inserts[id] != nil || stored[id] == nil {
                            if inserts[id] == nil { insertOrder.append(id) }
                            inserts[id] = entity
                        } else {
                            statements += Self.entityWrite(entity, replacing: stored[id], tenant: tenant)
                        }
                        stored[id] = entity
                        changed.append(id)
                    case .remove:
                        if stored.removeValue(forKey: id) != nil {
                            if inserts.removeValue(forKey: id) != nil {
                                insertOrder.removeAll { $0 == id }
                            } else {
                                statements += Self.entityRemoval(id, tenant: tenant)
                            }
                            changed.append(id)
                        }
                    case .keep, .refuse: break
                    }
                    decisions.append((decision, existed))
                }
                statements += Self.entityInserts(insertOrder.map { (inserts[$0]!, Self.entityBody(inserts[$0]!)) }, tenant: tenant)
                guard !changed.isEmpty else { return Plan(statements: [], audit: nil, result: decisions) }
                let summary = JSON.object(["count": .number(Double(changed.count)), "ids": .array(changed.prefix(100).map { .string($0) })]).text
                return Plan(
                    statements: statements,
                    audit: AuditDraft(action: action, entityType: "context-entity", entityID: Self.auditID(changed[0], tenant), before: nil, after: summary),
                    result: decisions)
            }, context: context)
    }

    public func entityTypes(tenant: String) async throws -> [EntityTypeSummary] {
        let counts = try await database.query(
            SQL("SELECT type, COUNT(*) AS n FROM context_entity_types WHERE tenant = ? GROUP BY type ORDER BY type", [.text(tenant)]))
        let attributes = try await database.query(
            SQL(
                """
                SELECT t.type AS type, a.name AS name, a.kinds AS kinds FROM context_entity_types t
                JOIN context_entity_attributes a ON a.tenant = t.tenant AND a.entity_id = t.entity_id
                WHERE t.tenant = ? GROUP BY t.type, a.name, a.kinds
                """, [.text(tenant)]))
        var byType: [String: [String: Set<String>]] = [:]
        for row in attributes {
            let kinds = try row.text("kinds").split(separator: " ").map(String.init)
            byType[try row.text("type"), default: [:]][try row.text("name"), default: []].formUnion(kinds)
        }
        return try counts.map { row in
            let type = try row.text("type")
            return EntityTypeSummary(type: type, entityCount: Int(try row.int("n")), attributes: byType[type] ?? [:])
        }
    }

    public func attributeSummaries(tenant: String) async throws -> [AttributeSummary] {
        let rows = try await database.query(
            SQL(
                """
                SELECT a.name AS name, a.kinds AS kinds, t.type AS type, COUNT(*) AS n FROM context_entity_attributes a
                JOIN context_entity_types t ON t.tenant = a.tenant AND t.entity_id = a.entity_id
                WHERE a.tenant = ? GROUP BY a.name, a.kinds, t.type ORDER BY a.name
                """, [.text(tenant)]))
        let counts = try await database.query(
            SQL("SELECT name, COUNT(*) AS n FROM context_entity_attributes WHERE tenant = ? GROUP BY name", [.text(tenant)]))
        var summaries: [String: AttributeSummary] = [:]
        for row in counts {
            let name = try row.text("name")
            summaries[name] = AttributeSummary(name: name, entityCount: Int(try row.int("n")), kinds: [], types: [])
        }
        for row in rows {
            let name = try row.text("name")
            summaries[name]?.kinds.formUnion(try row.text("kinds").split(separator: " ").map(String.init))
            summaries[name]?.types.insert(try row.text("type"))
        }
        return summaries.values.sorted { $0.name < $1.name }
    }
}
