import CityIOCDomain
import Foundation
import Logging

public enum DatabaseEngine: String, Sendable {
    case sqlite
    case postgres
}

/// The part of a database engine the stores need: reads, and changes carried out atomically
/// together with their audit entry. One implementation per engine (`SQLiteDatabase`,
/// `PostgresDatabase`); everything above is written once and tested against both.
public protocol SQLDatabase: Sendable {
    var engine: DatabaseEngine { get }
    func query(_ sql: SQL) async throws -> [SQLRow]
    /// Runs the mutation in one transaction: reads its rows (locking them where the engine can),
    /// plans, runs the planned statements and appends the audit entry. All or nothing.
    func perform<Result: Sendable>(_ mutation: Mutation<Result>, context: ChangeContext) async throws -> Result
    /// Brings the schema up to date; refuses a database written by a newer CityIOC.
    func migrate(_ migrations: [Migration]) async throws -> MigrationReport
    /// Succeeds when the database answers a trivial query.
    func ping() async throws
}

/// Who is making a change and in which request: written into the audit entry.
public struct ChangeContext: Sendable {
    public var principal: Principal
    public var requestID: String?
    public var now: Date

    public init(principal: Principal, requestID: String? = nil, now: Date = Date()) {
        self.principal = principal
        self.requestID = requestID
        self.now = now
    }
}

/// A change described without I/O: what to read first, then, from those rows, which
/// statements to run, what to write in the audit log and what to return.
public struct Mutation<Result: Sendable>: Sendable {
    public var read: SQL?
    public var plan: @Sendable ([SQLRow]) throws -> Plan<Result>

    public init(read: SQL? = nil, plan: @escaping @Sendable ([SQLRow]) throws -> Plan<Result>) {
        self.read = read
        self.plan = plan
    }
}

public struct Plan<Result: Sendable>: Sendable {
    public var statements: [SQL]
    /// Nil only for bookkeeping that is not a change of the city's records (a session's last
    /// activity, a key's last use).
    public var audit: AuditDraft?
    public var result: Result

    public init(statements: [SQL], audit: AuditDraft?, result: Result) {
        self.statements = statements
        self.audit = audit
        self.result = result
    }
}

public struct AuditDraft: Sendable {
    public var action: String
    public var entityType: String
    public var entityID: String
    public var before: String?
    public var after: String?

    public init(action: String, entityType: String, entityID: String, before: String?, after: String?) {
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.before = before
        self.after = after
    }

    /// The audit entry as an insert, shared by both engines.
    func insert(_ context: ChangeContext) -> SQL {
        SQL(
            """
            INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, entity_type, entity_id, before, after, request_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .date(context.now), .text(context.principal.kind.rawValue), .text(context.principal.id),
                .text(context.principal.name), .text(action), .text(entityType), .text(entityID),
                SQLValue(before), SQLValue(after), SQLValue(context.requestID),
            ])
    }
}

/// Failures a store reports in CityIOC's terms, whatever the engine said.
public enum StoreError: Error, Sendable, Equatable {
    /// A unique key already holds this value (a username, an agency code).
    case duplicate
    /// The record points at one that does not exist (an unknown agency or area).
    case unknownReference
    case notFound
    /// The row read back lacks a column or holds a value of the wrong kind.
    case corruptRow(String)
    /// The database was written by a newer CityIOC.
    case newerSchema(database: Int, known: Int)
    case unavailable(String)
}
