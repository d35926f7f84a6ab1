import Foundation

/// One change, as the audit log keeps it: who, when, what, and the record before and after
/// (as JSON text, so any kind of record fits). Entries are only ever appended.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var id: Int64
    public var at: Date
    public var actorKind: Principal.Kind
    public var actorID: String
    public var actorName: String
    /// `user.create`, `agency.update`, `session.login_failed`…
    public var action: String
    public var entityType: String
    public var entityID: String
    public var before: String?
    public var after: String?
    public var requestID: String?

    enum CodingKeys: String, CodingKey {
        case id, at, actorKind, actorID = "actorId", actorName, action, entityType, entityID = "entityId", before, after
        case requestID = "requestId"
    }

    public init(
        id: Int64, at: Date, actorKind: Principal.Kind, actorID: String, actorName: String, action: String,
        entityType: String, entityID: String, before: String?, after: String?, requestID: String?
    ) {
        self.id = id
        self.at = at
        self.actorKind = actorKind
        self.actorID = actorID
        self.actorName = actorName
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.before = before
        self.after = after
        self.requestID = requestID
    }
}

/// What to look for in the audit log. Empty fields match everything.
public struct AuditFilter: Sendable, Equatable {
    public var actor: String?
    public var action: String?
    public var entityType: String?
    public var entityID: String?
    public var since: Date?
    public var until: Date?
    /// Entries older than this id (the next page of a newest-first list).
    public var beforeID: Int64?
    public var limit: Int

    public init(
        actor: String? = nil, action: String? = nil, entityType: String? = nil, entityID: String? = nil,
        since: Date? = nil, until: Date? = nil, beforeID: Int64? = nil, limit: Int = 50
    ) {
        self.actor = actor
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.since = since
        self.until = until
        self.beforeID = beforeID
        self.limit = max(1, min(limit, 500))
    }
}
