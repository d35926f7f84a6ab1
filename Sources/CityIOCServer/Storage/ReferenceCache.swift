import CityIOCDomain
import Foundation

/// What nearly every request reads and almost nothing changes: the report categories, the
/// areas, the working calendar, whether ward outlines are loaded, the API keys. Taking a report
/// read all of them from the database each time; now each process keeps them in memory.
///
/// Nothing is kept only here: the database stays the one copy, and this one is dropped when it
/// may be out of date. Every change to these records writes an audit entry in its own
/// transaction, so the newest audit id of each kind says whether anything changed:
/// - a change made through this process drops the copy at once (`InvalidatingDatabase`);
/// - a change made by another server on the same PostgreSQL is seen at the next check of those
///   ids, at most `checkEvery` later (one small indexed query, shared by all requests meanwhile);
/// - whatever happens, a copy older than `maximumAge` is read again.
final class ReferenceCache: @unchecked Sendable {
    /// The audit entity types whose changes drop the copy.
    static let watched: Set<String> = ["service", "area", "calendar_day", "api_key", "jsonld-context", "indicator"]
    /// How many built @contexts are kept (clients may send any number of inline ones).
    static let contextCapacity = 256
    let checkEvery: TimeInterval
    let maximumAge: TimeInterval

    struct Copy {
        var services: [Service]?
        var indicators: [Indicator]?
        var areas: [Area]?
        var calendar: WorkingCalendar?
        var outlined: Bool?
        var boundaries: [Area.Code: Boundary]?
        var keys: [String: ApiKey] = [:]
        /// NGSI-LD active contexts by the text of the request's `@context`.
        var contexts: [String: LDContext] = [:]
    }

    private let lock = NSLock()
    private var copy = Copy()
    private var stamp: [Int64] = []
    private var checkedAt = Date.distantPast
    private var bornAt = Date()
    /// Raised on every drop: a value read before a drop is never kept after it.
    private var generation = 0

    init(checkEvery: TimeInterval = 0.25, maximumAge: TimeInterval = 30) {
        self.checkEvery = checkEvery
        self.maximumAge = maximumAge
    }

    func invalidate() {
        lock.withLock {
            copy = Copy()
            generation += 1
            bornAt = Date()
        }
    }

    /// The cached value, or `load()` kept for the next caller.
    func value<T>(_ path: WritableKeyPath<Copy, T?>, database: any SQLDatabase, load: () async throws -> T) async throws -> T {
        try await check(database)
        let (cached, seen) = lock.withLock { (copy[keyPath: path], generation) }
        if let cached { return cached }
        let loaded = try await load()
        lock.withLock { if generation == seen { copy[keyPath: path] = loaded } }
        return loaded
    }

    /// An API key by the hash of its secret (unknown secrets are not remembered).
    func key(hash: String, database: any SQLDatabase, load: () async throws -> ApiKey?) async throws -> ApiKey? {
        try await entry(\.keys, hash, database: database, load: load)
    }

    /// The active @context built from a request's `@context` value (its JSON text).
    func context(_ text: String, database: any SQLDatabase, build: () async throws -> LDContext) async throws -> LDContext {
        // `build` never gives nil, so neither does `entry` with it.
        try await entry(\.contexts, text, capacity: Self.contextCapacity, database: database, load: build)!
    }

    /// One entry of a map the copy keeps, loaded when missing and kept unless a drop came
    /// meanwhile (nil results are not kept); the map starts over when it holds `capacity`.
    private func entry<Value>(
        _ path: WritableKeyPath<Copy, [String: Value]>, _ key: String, capacity: Int = .max, database: any SQLDatabase,
        load: () async throws -> Value?
    ) async throws -> Value? {
        try await check(database)
        let (cached, seen) = lock.withLock { (copy[keyPath: path][key], generation) }
        if let cached { return cached }
        guard let loaded = try await load() else { return nil }
        lock.withLock {
            guard generation == seen else { return }
            if copy[keyPath: path].count >= capacity { copy[keyPath: path].removeAll(keepingCapacity: true) }
            copy[keyPath: path][key] = loaded
        }
        return loaded
    }

    /// A key's use was recorded: its copy says so, so it is not recorded again at once.
    func touched(_ id: ApiKey.ID, at: Date) {
        lock.withLock {
            for (hash, key) in copy.keys where key.id == id { copy.keys[hash]?.lastUsedAt = at }
        }
    }

    private func check(_ database: any SQLDatabase) async throws {
        let now = Date()
        let due = lock.withLock { now.timeIntervalSince(checkedAt) >= checkEvery }
        guard due else { return }
        let row = try await database.query(
            SQL(
                """
                SELECT (SELECT MAX(id) FROM audit_log WHERE entity_type = 'service') AS s,
                (SELECT MAX(id) FROM audit_log WHERE entity_type = 'area') AS a,
                (SELECT MAX(id) FROM audit_log WHERE entity_type = 'calendar_day') AS c,
                (SELECT MAX(id) FROM audit_log WHERE entity_type = 'api_key') AS k,
                (SELECT MAX(id) FROM audit_log WHERE entity_type = 'jsonld-context') AS j
                """)
        ).first
        let latest = ["s", "a", "c", "k", "j"].map { row?.optionalInt($0) ?? 0 }
        lock.withLock {
            if latest != stamp || now.timeIntervalSince(bornAt) > maximumAge {
                copy = Copy()
                generation += 1
                bornAt = now
                stamp = latest
            }
            checkedAt = now
        }
    }
}

/// The database as the stores see it: every change passes through, and one that touched a kind
/// of record the `ReferenceCache` keeps drops the cache once it is committed.
struct InvalidatingDatabase: SQLDatabase {
    let base: any SQLDatabase
    let cache: ReferenceCache

    var engine: DatabaseEngine { base.engine }

    func query(_ sql: SQL) async throws -> [SQLRow] { try await base.query(sql) }

    func perform<Result: Sendable>(_ mutation: Mutation<Result>, context: ChangeContext) async throws -> Result {
        let touched = TouchedKinds()
        let watching = Mutation(read: mutation.read) { rows in
            let plan = try mutation.plan(rows)
            if let kind = plan.audit?.entityType, ReferenceCache.watched.contains(kind) { touched.mark() }
            return plan
        }
        let result = try await base.perform(watching, context: context)
        if touched.marked { cache.invalidate() }
        return result
    }

    func migrate(_ migrations: [Migration]) async throws -> MigrationReport {
        defer { cache.invalidate() }
        return try await base.migrate(migrations)
    }

    func ping() async throws { try await base.ping() }
}

/// Whether a mutation's plan touched a cached kind (the plan may run on another thread).
private final class TouchedKinds: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func mark() { lock.withLock { value = true } }
    var marked: Bool { lock.withLock { value } }
}
