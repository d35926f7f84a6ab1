import CityIOCDomain
import Foundation
import GRDB
import GRDBSQLite
import Metrics

/// The embedded engine: one SQLite file in the data folder, opened as a GRDB `DatabasePool`
/// in WAL mode (many readers, one writer). `synchronous = FULL` so that a change the server
/// acknowledged survives a crash of the process or of the machine.
public final class SQLiteDatabase: SQLDatabase {
    public let engine = DatabaseEngine.sqlite
    public let path: String
    let pool: DatabasePool
    let metrics: DatabaseMetrics
    let committer: GroupCommit

    /// SQLite's own default is 2 MB.
    public static let defaultCacheMegabytes = 16

    public init(path: String, readers: Int = 8, cacheMegabytes: Int = defaultCacheMegabytes) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = readers
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Pages kept per connection: a week of a million reports' list reads some thousand
            // scattered pages, and re-reading them from the kernel's cache on every request was
            // an eighth of its profile with SQLite's 2 MB. At most this × (readers + writer),
            // filled only as pages are read.
            try db.execute(sql: "PRAGMA cache_size = -\(cacheMegabytes * 1024)")
            // Sorts in memory: a thousand open reports sorted newest first went through a file
            // in /var/tmp on every request (a tenth of that list's time in pwrite). What the
            // stores sort is a page (SQLite keeps only LIMIT + OFFSET rows of an ORDER BY with a
            // LIMIT) or groups of counters.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        self.path = path
        self.metrics = DatabaseMetrics(engine: .sqlite, poolSize: readers + 1)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // Opening is lazy about the file's contents; reading the schema proves it is SQLite.
            _ = try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            committer = GroupCommit(pool: pool)
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
    }

    /// Outside a transaction: a query is one statement, which SQLite answers from one snapshot
    /// anyway, so BEGIN and COMMIT around it were two more statements for nothing. On a
    /// reader's own queue, not the calling thread: a long read (a year of statistics) must not
    /// hold one of the few threads every other request runs on.
    public func query(_ sql: SQL) async throws -> [SQLRow] {
        try await metrics.measure(.read) {
            do {
                return try await pool.unsafeRead { db in try Self.fetch(db, sql) }
            } catch let error as DatabaseError {
                throw Self.translate(error)
            }
        }
    }

    public func perform<Result: Sendable>(_ mutation: Mutation<Result>, context: ChangeContext) async throws -> Result {
        try await metrics.measure(.write) {
            do {
                return try await committer.write { db in
                    let rows = try mutation.read.map { try Self.fetch(db, $0) } ?? []
                    let plan = try mutation.plan(rows)
                    // Prepared once per connection and reused: parsing the same few statements
                    // for every report showed in the intake's profile.
                    for statement in plan.statements {
                        try db.cachedStatement(sql: statement.text).execute(arguments: Self.arguments(statement.binds))
                    }
                    if let audit = plan.audit {
                        let insert = audit.insert(context)
                        try db.cachedStatement(sql: insert.text).execute(arguments: Self.arguments(insert.binds))
                    }
                    return plan.result
                }
            } catch let error as DatabaseError {
                throw Self.translate(error)
            }
        }
    }

    public func migrate(_ migrations: [Migration]) async throws -> MigrationReport {
        do {
            return try await pool.write { db in
                try db.execute(sql: MigrationPlan.tableSQLite)
                let current = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM schema_migrations") ?? 0
                let pending = try MigrationPlan.pending(migrations, current: current)
                for migration in pending {
                    try db.execute(sql: migration.sqlite)
                    try db.execute(
                        sql: "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                        arguments: [migration.version, migration.name, SQLTimestamp.format(Date())])
                }
                return MigrationReport(from: current, to: pending.last?.version ?? current)
            }
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
    }

    public func ping() async throws {
        _ = try await query("SELECT 1 AS one")
    }

    // MARK: - Conversions

    static func fetch(_ db: Database, _ sql: SQL) throws -> [SQLRow] {
        // Cached per connection: the stores send the same statements over and over.
        let statement = try db.cachedStatement(sql: sql.text)
        // The statement is stepped by GRDB's cursor and its columns read straight from SQLite
        // (no `DatabaseValue` per cell, no NUL scan of every text): those conversions were a
        // sixth of the profile of a list of a thousand reports.
        let count = statement.columnCount
        let columns = SQLRow.Columns(statement.columnNames)
        let handle = statement.sqliteStatement
        let cursor = try Row.fetchCursor(statement, arguments: arguments(sql.binds))
        var rows: [SQLRow] = []
        while try cursor.next() != nil {
            var cells: [SQLValue] = []
            cells.reserveCapacity(count)
            for index in 0..<Int32(count) {
                switch sqlite3_column_type(handle, index) {
                case SQLITE_NULL: cells.append(.null)
                case SQLITE_INTEGER: cells.append(.int(sqlite3_column_int64(handle, index)))
                case SQLITE_FLOAT: cells.append(.double(sqlite3_column_double(handle, index)))
                default:
                    // Text, and a blob read as its bytes' UTF-8 (what every store writes).
                    let start = sqlite3_column_text(handle, index)
                    let length = Int(sqlite3_column_bytes(handle, index))
                    cells.append(.text(String(decoding: UnsafeBufferPointer(start: start, count: start == nil ? 0 : length), as: UTF8.self)))
                }
            }
            rows.append(SQLRow(columns: columns, cells: cells))
        }
        return rows
    }

    static func arguments(_ binds: [SQLValue]) -> StatementArguments {
        StatementArguments(
            binds.map { value -> (any DatabaseValueConvertible)? in
                switch value {
                case .null: return nil
                case .int(let number): return number
                case .double(let number): return number
                case .text(let text): return text
                case .bool(let flag): return flag ? 1 : 0
                case .date(let date): return SQLTimestamp.format(date)
                }
            })
    }

    static func translate(_ error: DatabaseError) -> any Error {
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY: return StoreError.duplicate
        case .SQLITE_CONSTRAINT_FOREIGNKEY: return StoreError.unknownReference
        default: break
        }
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return StoreError.unavailable("the file is not a readable SQLite database (corrupt or another format)")
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM:
            return StoreError.unavailable("the database file cannot be opened for writing (check the folder's permissions)")
        case .SQLITE_FULL: return StoreError.unavailable("the disk is full")
        default: return error
        }
    }
}
