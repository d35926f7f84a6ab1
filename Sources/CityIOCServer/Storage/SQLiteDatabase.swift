import CityIOCDomain
import Foundation
import GRDB
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

    public init(path: String, readers: Int = 8) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = readers
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
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
        // A cursor reuses one row over the statement (no copy of each row and of its column
        // names, which showed in the profile of a list of a thousand reports).
        let names = statement.columnNames
        let columns = SQLRow.Columns(names)
        let cursor = try Row.fetchCursor(statement, arguments: arguments(sql.binds))
        var rows: [SQLRow] = []
        while let row = try cursor.next() {
            var cells: [SQLValue] = []
            cells.reserveCapacity(names.count)
            for index in names.indices {
                let value: DatabaseValue = row[index]
                switch value.storage {
                case .null: cells.append(.null)
                case .int64(let number): cells.append(.int(number))
                case .double(let number): cells.append(.double(number))
                case .string(let text): cells.append(.text(text))
                case .blob(let data): cells.append(.text(String(decoding: data, as: UTF8.self)))
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
