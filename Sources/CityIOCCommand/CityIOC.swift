import ArgumentParser
import CityIOCDomain
import CityIOCServer
import Foundation
import Logging

@main
struct CityIOC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cityioc",
        abstract: "CityIOC: an open Intelligent Operations Center for Vietnamese cities and provinces.",
        discussion: """
            Every option can also be set from the environment (CITYIOC_HOST, CITYIOC_PORT, CITYIOC_DATA,
            CITYIOC_DATABASE, CITYIOC_DEMO, CITYIOC_LOG_LEVEL, CITYIOC_SECURE_COOKIES, CITYIOC_BCRYPT_COST).
            A flag on the command line wins over the environment, which wins over the default.
            """,
        version: CityIOCVersion.current,
        subcommands: [Serve.self, Migrate.self, Demo.self, UserCommand.self, ApiKeyCommand.self],
        defaultSubcommand: nil)
}

/// Where the data lives: shared by every command.
struct StorageOptions: ParsableArguments {
    @Option(name: .long, help: "Data folder for the embedded database and files (env CITYIOC_DATA; default ./data).")
    var data: String?

    @Option(
        name: .long,
        help: "postgres://USER:PASSWORD@HOST:PORT/DB[?sslmode=disable] or sqlite:PATH (env CITYIOC_DATABASE; default: SQLite in the data folder).")
    var database: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error (env CITYIOC_LOG_LEVEL; default info).")
    var logLevel: String?

    var resolvedData: String { data ?? Environment.value("CITYIOC_DATA") ?? "./data" }

    /// Photos and videos: the given folder, else `CITYIOC_ATTACHMENTS`, else the data folder's `attachments`.
    func attachmentsFolder(_ given: String?) -> String {
        given ?? Environment.value("CITYIOC_ATTACHMENTS") ?? (resolvedData as NSString).appendingPathComponent("attachments")
    }
    var resolvedDatabase: String? { database ?? Environment.value("CITYIOC_DATABASE") }

    func level() throws -> Logger.Level {
        let raw = logLevel ?? Environment.value("CITYIOC_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: raw.lowercased()) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        return level
    }

    /// Sets up logging and opens the database, or exits with one line saying what to fix.
    func runtime() throws -> Runtime {
        let level = try level()
        LoggingBootstrap.once(level: level)
        var logger = Logger(label: "cityioc")
        logger.logLevel = level
        return try Failure.guarding { try Runtime.open(database: resolvedDatabase, dataDirectory: resolvedData, logger: logger) }
    }

    func hasher() throws -> PasswordHasher {
        let raw = Environment.value("CITYIOC_BCRYPT_COST") ?? "12"
        guard let cost = UInt8(raw), (4...16).contains(cost) else {
            throw ValidationError("CITYIOC_BCRYPT_COST must be a number from 4 to 16")
        }
        return PasswordHasher(cost: cost)
    }
}

enum Environment {
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// A whole number from its flag, else its variable, else the default; outside `range`, the
    /// command stops with a line naming the flag.
    static func integer(_ given: Int?, flag: String, variable: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        let text = given.map(String.init) ?? value(variable) ?? String(fallback)
        guard let number = Int(text), range.contains(number) else {
            throw Failure.exit("\(flag) must be a number from \(range.lowerBound) to \(range.upperBound), not \(text)")
        }
        return number
    }

    static func flag(_ name: String) throws -> Bool? {
        guard let value = value(name)?.lowercased() else { return nil }
        switch value {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ValidationError("\(name) must be true or false, not \(value)")
        }
    }
}

/// Bootstraps swift-log; a command calls it once, before its first logger.
enum LoggingBootstrap {
    static func once(level: Logger.Level) {
        LoggingSystem.bootstrap { label in LogfmtHandler(label: label, level: level) }
    }
}

/// Turns the errors a person can fix into one line and a non-zero exit.
enum Failure {
    static func guarding<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ConfigurationError { throw exit(error.description) }
    }

    static func exit(_ message: String) -> any Error {
        FileHandle.standardError.write(Data("cityioc: error: \(message)\n".utf8))
        return ExitCode(1)
    }
}
