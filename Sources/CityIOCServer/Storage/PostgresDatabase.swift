import CityIOCDomain
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The engine for production and scale-out: a `PostgresClient` connection pool. The client is
/// a service: it must be running (in the `ServiceGroup`, or `withRunning` in tools and tests)
/// for queries to proceed. Several `cityioc serve` processes may share one database; everything
/// that matters is in it.
public final class PostgresDatabase: SQLDatabase {
    public let engine = DatabaseEngine.postgres
    public let client: PostgresClient
    let logger: Logger
    let metrics: DatabaseMetrics
    /// An arbitrary constant naming CityIOC's migration lock among PostgreSQL advisory locks.
    static let migrationLock: Int64 = 0x0C17_10C0

    let location: PostgresLocation

    public init(location: PostgresLocation, schema: String? = nil, logger: Logger) {
        self.location = location
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.username,
            password: location.password, database: location.database, tls: location.tls)
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = location.maximumConnections
        if let schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        // The pool retries a lost server quietly; failures reach people through /ready and the
        // requests that fail, not as a line every few hundred milliseconds.
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: background)
        self.logger = logger
        self.metrics = DatabaseMetrics(engine: .postgres, poolSize: location.maximumConnections)
    }

    /// Runs the client's pool for the duration of `body`: for commands and tests that are not a
    /// `ServiceGroup`.
    public func withRunning<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    public func query(_ sql: SQL) async throws -> [SQLRow] {
        try await metrics.measure(.read) {
            do {
                let rows = try await client.query(try Self.query(sql), logger: logger)
                return try await Self.collect(rows)
            } catch {
                throw Self.translate(error)
            }
        }
    }

    public func perform<Result: Sendable>(_ mutation: Mutation<Result>, context: ChangeContext) async throws -> Result {
        try await metrics.measure(.write) {
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    var rows: [SQLRow] = []
                    if var read = mutation.read {
                        read.text += " FOR UPDATE"
                        rows = try await Self.collect(try await connection.query(try Self.query(read), logger: logger))
                    }
                    let plan = try mutation.plan(rows)
                    for statement in plan.statements {
                        try await connection.query(try Self.query(statement), logger: logger)
                    }
                    if let audit = plan.audit {
                        try await connection.query(try Self.query(audit.insert(context)), logger: logger)
                    }
                    return plan.result
                }
            } catch {
                throw Self.translate(error)
            }
        }
    }

    public func migrate(_ migrations: [Migration]) async throws -> MigrationReport {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                // Two servers starting together: the second waits here, then finds nothing to do.
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL: MigrationPlan.tablePostgres), logger: logger)
                let rows = try await connection.query(
                    "SELECT COALESCE(MAX(version), 0)::int8 AS version FROM schema_migrations", logger: logger)
                var current = 0
                for try await (version) in rows.decode(Int64.self) { current = Int(version) }
                let pending = try MigrationPlan.pending(migrations, current: current)
                for migration in pending {
                    for statement in Self.split(migration.postgres) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(migration.version), \(migration.name), now())",
                        logger: logger)
                }
                return MigrationReport(from: current, to: pending.last?.version ?? current)
            }
        } catch {
            throw Self.translate(error)
        }
    }

    public func ping() async throws {
        _ = try await query("SELECT 1 AS one")
    }

    /// Refreshes the planner's statistics of the reports tables after a bulk load, which
    /// autovacuum would otherwise reach only later: until then the planner guesses, and may scan
    /// a million rows where an index holds a few hundred.
    public func analyzeReports() async throws {
        do {
            try await client.withConnection { connection in
                for table in ["reports", "report_stats", "report_stats_delta"] {
                    try await connection.query(PostgresQuery(unsafeSQL: "ANALYZE \(table)"), logger: logger)
                }
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// One connection made and closed outside the pool: fails at once, with the server's or the
    /// network's reason, where the pool would keep retrying.
    public func probe() async throws {
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: location.connectionTLS)
        configuration.options.connectTimeout = .seconds(5)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw Self.translate(error)
        }
    }

    // MARK: - Conversions

    static func query(_ sql: SQL) throws -> PostgresQuery {
        var bindings = PostgresBindings(capacity: sql.binds.count)
        for value in sql.binds {
            switch value {
            case .null: bindings.appendNull()
            case .int(let number): bindings.append(number)
            case .double(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            case .bool(let flag): bindings.append(flag)
            case .date(let date): bindings.append(date)
            }
        }
        return PostgresQuery(unsafeSQL: sql.numberedPlaceholders, binds: bindings)
    }

    static func collect(_ rows: PostgresRowSequence) async throws -> [SQLRow] {
        var result: [SQLRow] = []
        var columns: SQLRow.Columns?
        for try await row in rows {
            var cells: [SQLValue] = []
            var names: [String] = []
            for cell in row {
                cells.append(try value(of: cell))
                if columns == nil { names.append(cell.columnName) }
            }
            if columns == nil { columns = SQLRow.Columns(names) }
            result.append(SQLRow(columns: columns!, cells: cells))
        }
        return result
    }

    static func value(of cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2: return .int(Int64(try cell.decode(Int16.self)))
        case .int4: return .int(Int64(try cell.decode(Int32.self)))
        case .int8: return .int(try cell.decode(Int64.self))
        case .float4, .float8, .numeric: return .double(try cell.decode(Double.self))
        case .bool: return .bool(try cell.decode(Bool.self))
        case .timestamptz, .timestamp, .date: return .date(try cell.decode(Date.self))
        default: return .text(try cell.decode(String.self))
        }
    }

    /// Splits a migration into statements: on `;` outside quotes and `$$` bodies.
    static func split(_ script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inQuote = false
        var inDollar = false
        var previous: Character = " "
        for character in script {
            current.append(character)
            if character == "'" && !inDollar { inQuote.toggle() }
            if character == "$" && previous == "$" && !inQuote { inDollar.toggle() }
            if character == ";" && !inQuote && !inDollar {
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if statement.count > 1 { statements.append(statement) }
                current = ""
            }
            previous = character
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        return statements
    }

    /// CityIOC's own errors pass through; the driver's become `StoreError` where they mean one.
    static func translate(_ error: any Error) -> any Error {
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError {
                return translate(inner)
            }
            return error
        }
        guard let error = error as? PSQLError else { return error }
        if let state = error.serverInfo?[.sqlState] {
            switch state {
            case "23505": return StoreError.duplicate
            case "23503": return StoreError.unknownReference
            default: break
            }
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .sslUnsupported:
            return StoreError.unavailable("no PostgreSQL answers there (\(error.code)): check that it runs and that --database is right")
        default:
            return error
        }
    }
}
