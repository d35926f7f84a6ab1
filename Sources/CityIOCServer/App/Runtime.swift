import CityIOCDomain
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Opening the database a command was pointed at, with the checks that turn every start-up
/// fault into one line saying what to do.
public struct Runtime: Sendable {
    public let location: DatabaseLocation
    public let database: any SQLDatabase
    public let logger: Logger

    /// Creates the data folder when needed and opens (without yet touching) the database.
    public static func open(database: String?, dataDirectory: String, logger: Logger) throws -> Runtime {
        let location = try DatabaseLocation.parse(database, dataDirectory: dataDirectory)
        switch location {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            try prepareFolder(folder.isEmpty ? "." : folder)
            do {
                // CITYIOC_SQLITE_CACHE_MB: pages each connection keeps (docs/operations.md).
                let cache = ProcessInfo.processInfo.environment["CITYIOC_SQLITE_CACHE_MB"].flatMap { Int($0) }.map { min(max($0, 1), 1024) }
                return Runtime(
                    location: location, database: try SQLiteDatabase(path: path, cacheMegabytes: cache ?? SQLiteDatabase.defaultCacheMegabytes),
                    logger: logger)
            } catch let error as StoreError {
                throw ConfigurationError(describe(error, location: location))
            }
        case .postgres(let settings):
            return Runtime(location: location, database: PostgresDatabase(location: settings, logger: logger), logger: logger)
        }
    }

    static func prepareFolder(_ folder: String) throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError("cannot create the data folder \(folder): choose another with --data or fix its permissions")
        }
        let probe = (folder as NSString).appendingPathComponent(".cityioc-write-test")
        guard manager.createFile(atPath: probe, contents: Data("ok".utf8)) else {
            throw ConfigurationError("the data folder \(folder) is not writable: choose another with --data or fix its permissions")
        }
        try? manager.removeItem(atPath: probe)
    }

    /// Runs `body` with the database's connection pool running (PostgreSQL needs it).
    public func withDatabase<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        if let postgres = database as? PostgresDatabase {
            return try await postgres.withRunning(body)
        }
        return try await body()
    }

    /// Checks the database answers and brings its schema up to date.
    public func prepare() async throws -> MigrationReport {
        do {
            let database = self.database
            if let postgres = database as? PostgresDatabase { try await postgres.probe() }
            try await withTimeout(.seconds(15)) { try await database.ping() }
            return try await CityStore(database: database).migrate()
        } catch {
            throw ConfigurationError(Self.describe(error, location: location))
        }
    }

    /// One line for a person at a terminal.
    public static func describe(_ error: any Error, location: DatabaseLocation) -> String {
        switch error {
        case let error as ConfigurationError: return error.description
        case StoreError.newerSchema(let database, let known):
            return
                "\(location.description) has schema version \(database), newer than this cityioc knows (\(known)): run a newer cityioc, or restore a backup made before the upgrade"
        case StoreError.unavailable(let reason):
            return "cannot use \(location.description): \(reason)"
        case is TimeoutError:
            return "\(location.description) did not answer within 15 seconds: check that the server runs and that --database is right"
        case let error as PSQLError:
            if let message = error.serverInfo?[.message] {
                return "\(location.description) refused: \(message)"
            }
            return "cannot reach \(location.description) (\(error.code)): check that the server runs and that --database is right"
        default:
            return "\(location.description): \(error)"
        }
    }
}
