import CityIOCDomain
import Foundation

/// Writing an entity's temporal representation (clauses 5.6.11, 5.6.12, 5.6.16): instances go
/// into the attribute history, and the newest instance of each attribute (and datasetId) is the
/// entity's current state, so `/entities` and `/temporal/entities` tell one story.
extension CityStore {
    /// Stores `readings` in the history and merges `current` (the newest of them, per attribute
    /// and datasetId) into the stored entity: an instance replaces the stored one unless the
    /// stored one was observed later. Creates the entity when there is none and `create` allows
    /// it (else `StoreError.notFound`). One transaction with its audit entry; true when created.
    public func writeTemporal(_ current: ContextEntity, readings: [AttributeReading], tenant: String, create: Bool, context: ChangeContext) async throws
        -> Bool
    {
        let read = SQL("SELECT \(Self.entityColumns) FROM context_entities WHERE tenant = ? AND id = ?", [.text(tenant), .text(current.id)])
        // One row per key: a representation may name an instant twice, and an upsert may not touch a row twice.
        var seen = Set<String>()
        var rows: [[SQLValue]] = []
        for reading in readings.reversed() {
            let key = "\(reading.attribute)\n\(reading.datasetID)\n\(Timestamp.utcMilliseconds(reading.observedAt))"
            if seen.insert(key).inserted { rows.append(Self.historyRow(reading, tenant: tenant, recordedAt: context.now)) }
        }
        let history = Self.multiRow(Self.historyInsert, rows.reversed(), then: Self.historyUpsert)
        let summary = Self.snapshot([
            "instances": "\(rows.count)", "attributes": Set(readings.map(\.attribute)).sorted().joined(separator: ","),
        ])
        return try await database.perform(
            Mutation(read: read) { found in
                let auditID = Self.auditID(current.id, tenant)
                guard let row = found.first else {
                    guard create else { throw StoreError.notFound }
                    // An attribute whose newest instance says it was deleted is not in the entity.
                    var created = current
                    created.attributes = current.attributes.compactMapValues { instances in
                        let kept = instances.filter { !Self.isDeletion($0) }
                        return kept.isEmpty ? nil : kept
                    }
                    let body = Self.entityBody(created)
                    return Plan(
                        statements: [Self.tenantInsert(tenant, context.now)] + Self.entityInserts([(created, body)], tenant: tenant) + history,
                        audit: AuditDraft(action: "entity.temporal.create", entityType: "context-entity", entityID: auditID, before: nil, after: summary),
                        result: true)
                }
                let stored = try Self.entity(row)
                let merged = Self.merged(current, into: stored, now: context.now)
                return Plan(
                    statements: Self.entityWrite(merged, replacing: stored, tenant: tenant) + history,
                    audit: AuditDraft(action: "entity.temporal.append", entityType: "context-entity", entityID: auditID, before: nil, after: summary),
                    result: false)
            }, context: context)
    }

    /// An instance of the temporal representation that records the attribute's deletion at
    /// its time (clause 4.5.7): its value is `urn:ngsi-ld:null`.
    static func isDeletion(_ instance: JSON) -> Bool {
        guard let kind = instance["type"]?.string.flatMap(ContextEntity.Kind.init(rawValue:)) else { return false }
        return instance[kind.valueMember] == .string("urn:ngsi-ld:null")
    }

    /// `stored` with the types of `incoming` added and each of its instances in place of the
    /// stored one of the same datasetId, unless that one was observed later; a deletion
    /// instance removes the stored one instead.
    static func merged(_ incoming: ContextEntity, into stored: ContextEntity, now: Date) -> ContextEntity {
        func observed(_ instance: JSON) -> Date? { instance["observedAt"]?.string.flatMap(instant) }
        var merged = stored
        merged.types = Array(Set(stored.types).union(incoming.types)).sorted()
        for (name, instances) in incoming.attributes {
            var kept = merged.attributes[name] ?? []
            for instance in instances {
                let dataset = instance["datasetId"]?.string
                guard let index = kept.firstIndex(where: { $0["datasetId"]?.string == dataset }) else {
                    if !isDeletion(instance) { kept.append(instance) }
                    continue
                }
                if let old = observed(kept[index]), let new = observed(instance), old > new { continue }
                if isDeletion(instance) {
                    kept.remove(at: index)
                    continue
                }
                var replacing = instance
                if case .object(var members) = replacing, let created = kept[index]["createdAt"] {
                    members["createdAt"] = created
                    replacing = .object(members)
                }
                kept[index] = replacing
            }
            merged.attributes[name] = kept.isEmpty ? nil : kept
        }
        merged.modifiedAt = now
        return merged
    }

    /// Removes an entity's temporal representation: its history and the entity. False when
    /// there was neither.
    public func deleteTemporal(_ id: String, tenant: String, context: ChangeContext) async throws -> Bool {
        let read = SQL(
            "SELECT (SELECT COUNT(*) FROM context_entities WHERE tenant = ? AND id = ?) AS entities, (SELECT COUNT(*) FROM context_attribute_history WHERE tenant = ? AND entity_id = ?) AS readings",
            [.text(tenant), .text(id), .text(tenant), .text(id)])
        return try await database.perform(
            Mutation(read: read) { rows in
                let entities = try rows.first?.int("entities") ?? 0
                let readings = try rows.first?.int("readings") ?? 0
                guard entities + readings > 0 else { return Plan(statements: [], audit: nil, result: false) }
                return Plan(
                    statements: Self.entityRemoval(id, tenant: tenant) + [
                        SQL("DELETE FROM context_attribute_history WHERE tenant = ? AND entity_id = ?", [.text(tenant), .text(id)])
                    ],
                    audit: AuditDraft(
                        action: "entity.temporal.delete", entityType: "context-entity", entityID: Self.auditID(id, tenant), before: Self.snapshot(["readings": "\(readings)"]),
                        after: nil),
                    result: true)
            }, context: context)
    }

    public func deleteTemporalAttribute(_ id: String, attribute: String, datasetID: String?, tenant: String, context: ChangeContext) async throws -> Bool {
        var history = SQL("SELECT COUNT(*) AS n FROM context_attribute_history WHERE tenant = ? AND entity_id = ? AND attribute = ?", [.text(tenant), .text(id), .text(attribute)])
        var removal = SQL("DELETE FROM context_attribute_history WHERE tenant = ? AND entity_id = ? AND attribute = ?", [.text(tenant), .text(id), .text(attribute)])
        if let datasetID {
            history.append(" AND dataset_id = ?", .text(datasetID))
            removal.append(" AND dataset_id = ?", .text(datasetID))
        }
        let counted = try await database.query(history).first?.int("n") ?? 0
        let historyRemoval = removal
        let read = SQL("SELECT \(Self.entityColumns) FROM context_entities WHERE tenant = ? AND id = ?", [.text(tenant), .text(id)])
        return try await database.perform(
            Mutation(read: read) { rows in
                var statements = [historyRemoval]
                var removedCurrent = false
                if let row = rows.first {
                    let stored = try Self.entity(row)
                    var entity = stored
                    let kept = (entity.attributes[attribute] ?? []).filter { datasetID != nil && ($0["datasetId"]?.string ?? "") != datasetID }
                    removedCurrent = kept.count != (entity.attributes[attribute] ?? []).count
                    entity.attributes[attribute] = kept.isEmpty ? nil : kept
                    if removedCurrent {
                        entity.modifiedAt = context.now
                        statements = Self.entityWrite(entity, replacing: stored, tenant: tenant) + statements
                    }
                }
                guard counted > 0 || removedCurrent else { return Plan(statements: [], audit: nil, result: false) }
                return Plan(
                    statements: statements,
                    audit: AuditDraft(
                        action: "entity.temporal.attribute.delete", entityType: "context-entity", entityID: Self.auditID(id, tenant),
                        before: Self.snapshot(["attribute": attribute, "datasetId": datasetID ?? "*", "readings": "\(counted)"]), after: nil),
                    result: true)
            }, context: context)
    }

    public func changeTemporalInstance(
        _ id: String, attribute: String, instanceID: String, replacement: AttributeReading?, tenant: String, context: ChangeContext
    ) async throws -> Bool {
        guard let instant = AttributeReading.instant(ofInstance: instanceID) else { return false }
        let read = SQL(
            "SELECT dataset_id, observed_at FROM context_attribute_history WHERE tenant = ? AND entity_id = ? AND attribute = ? AND observed_at = ?",
            [.text(tenant), .text(id), .text(attribute), .date(instant)])
        return try await database.perform(
            Mutation(read: read) { rows in
                let found = try rows.map { row in
                    AttributeReading(
                        entityID: id, attribute: attribute, datasetID: try row.text("dataset_id"), observedAt: try row.date("observed_at"), number: nil,
                        instance: .null)
                }
                guard let old = found.first(where: { $0.instanceID == instanceID }) else { return Plan(statements: [], audit: nil, result: false) }
                var statements = [
                    SQL(
                        "DELETE FROM context_attribute_history WHERE tenant = ? AND entity_id = ? AND attribute = ? AND dataset_id = ? AND observed_at = ?",
                        [.text(tenant), .text(id), .text(attribute), .text(old.datasetID), .date(old.observedAt)])
                ]
                if var replacement {
                    replacement.datasetID = old.datasetID
                    statements += Self.multiRow(Self.historyInsert, [Self.historyRow(replacement, tenant: tenant, recordedAt: context.now)], then: Self.historyUpsert)
                }
                return Plan(
                    statements: statements,
                    audit: AuditDraft(
                        action: replacement == nil ? "entity.temporal.instance.delete" : "entity.temporal.instance.update", entityType: "context-entity",
                        entityID: Self.auditID(id, tenant), before: Self.snapshot(["attribute": attribute, "instanceId": instanceID]),
                        after: replacement.map { $0.instance.text }),
                    result: true)
            }, context: context)
    }
}
