import CityIOCDomain
import Foundation

/// Reading the audit log. Writing happens only inside the stores' own transactions
/// (`Mutation`'s `AuditDraft`), so no change can be stored without its entry.
public protocol AuditStore: Sendable {
    func auditEntries(_ filter: AuditFilter) async throws -> [AuditEntry]
}

extension CityStore: AuditStore {
    public func auditEntries(_ filter: AuditFilter) async throws -> [AuditEntry] {
        var sql = SQL(
            "SELECT id, at, actor_kind, actor_id, actor_name, action, entity_type, entity_id, before, after, request_id FROM audit_log WHERE 1 = 1"
        )
        if let actor = filter.actor.nonBlank { sql.append(" AND actor_name = ?", .text(actor)) }
        if let action = filter.action.nonBlank {
            // "user" finds every user.* action; "user.create" only that one.
            if action.contains(".") { sql.append(" AND action = ?", .text(action)) } else { sql.append(" AND action LIKE ?", .text(action + ".%")) }
        }
        if let type = filter.entityType.nonBlank { sql.append(" AND entity_type = ?", .text(type)) }
        if let id = filter.entityID.nonBlank { sql.append(" AND entity_id = ?", .text(id)) }
        if let since = filter.since { sql.append(" AND at >= ?", .date(since)) }
        if let until = filter.until { sql.append(" AND at < ?", .date(until)) }
        if let before = filter.beforeID { sql.append(" AND id < ?", .int(before)) }
        sql.append(" ORDER BY id DESC LIMIT \(filter.limit)")
        return try await database.query(sql).map { row in
            AuditEntry(
                id: try row.int("id"), at: try row.date("at"),
                actorKind: Principal.Kind(rawValue: try row.text("actor_kind")) ?? .system,
                actorID: try row.text("actor_id"), actorName: try row.text("actor_name"), action: try row.text("action"),
                entityType: try row.text("entity_type"), entityID: try row.text("entity_id"),
                before: row.optionalText("before"), after: row.optionalText("after"),
                requestID: row.optionalText("request_id"))
        }
    }
}
