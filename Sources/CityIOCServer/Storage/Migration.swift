import Foundation

/// One numbered step of the schema, in both dialects side by side so they stay in step.
/// Append-only: a released migration is never edited; a fix is a new migration.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var sqlite: String
    public var postgres: String

    public init(version: Int, name: String, sqlite: String, postgres: String) {
        self.version = version
        self.name = name
        self.sqlite = sqlite
        self.postgres = postgres
    }

    /// A step written in SQL both engines read the same way.
    public init(version: Int, name: String, both sql: String) {
        self.init(version: version, name: name, sqlite: sql, postgres: sql)
    }

    public func sql(for engine: DatabaseEngine) -> String {
        engine == .sqlite ? sqlite : postgres
    }
}

public struct MigrationReport: Sendable, Equatable {
    public var from: Int
    public var to: Int
    public var applied: [Int] { from < to ? Array((from + 1)...to) : [] }
}

/// Shared by both engines' migrators.
enum MigrationPlan {
    static let tableSQLite = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)
        """
    static let tablePostgres = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)
        """

    /// Which migrations to run on a database at `current`, or why not to run at all.
    static func pending(_ migrations: [Migration], current: Int) throws -> [Migration] {
        let known = migrations.map(\.version).max() ?? 0
        if current > known { throw StoreError.newerSchema(database: current, known: known) }
        return migrations.filter { $0.version > current }.sorted { $0.version < $1.version }
    }
}
