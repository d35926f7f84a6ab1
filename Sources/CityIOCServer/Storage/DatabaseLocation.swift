import Foundation
import Logging
import PostgresNIO

/// Where the data lives, from `--database` (or `CITYIOC_DATABASE`): nothing for the embedded
/// SQLite file in the data folder, `sqlite:PATH` for another file, `postgres://…` for a server.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    public static let fileName = "cityioc.sqlite"

    public static func parse(_ value: String?, dataDirectory: String) throws(ConfigurationError) -> DatabaseLocation {
        guard let value, !value.isEmpty else {
            return .sqlite(path: (dataDirectory as NSString).appendingPathComponent(fileName))
        }
        if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
            return .postgres(try PostgresLocation(url: value))
        }
        if value.hasPrefix("sqlite:") {
            var path = String(value.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw ConfigurationError("--database sqlite: needs a file path, e.g. sqlite:/var/lib/cityioc/city.sqlite") }
            return .sqlite(path: path)
        }
        throw ConfigurationError(
            "--database must be postgres://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:PATH, not \"\(DatabaseLocation.redacted(value))\"")
    }

    /// The URL with any password replaced, fit for logs and error messages.
    public static func redacted(_ value: String) -> String {
        guard var components = URLComponents(string: value), components.password != nil else { return value }
        components.password = "***"
        return components.string ?? value
    }

    public var description: String {
        switch self {
        case .sqlite(let path): return "SQLite \(path)"
        case .postgres(let location): return "PostgreSQL \(location.host):\(location.port)/\(location.database ?? location.username)"
        }
    }
}

public struct PostgresLocation: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String?
    public var sslMode: String
    public var maximumConnections: Int

    /// Accepts the libpq URL form: `postgres://user:password@host:port/database?sslmode=disable`.
    public init(url: String) throws(ConfigurationError) {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw ConfigurationError("the PostgreSQL URL is malformed; expected postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        guard let user = components.user, !user.isEmpty else {
            throw ConfigurationError("the PostgreSQL URL names no user; expected postgres://USER@HOST/DATABASE")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        self.database = path.isEmpty ? nil : path
        let items = components.queryItems ?? []
        self.sslMode = items.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        guard ["disable", "prefer", "require", "verify-full"].contains(sslMode) else {
            throw ConfigurationError("sslmode must be disable, prefer, require or verify-full, not \(sslMode)")
        }
        if let pool = items.first(where: { $0.name == "pool" })?.value {
            guard let size = Int(pool), (1...500).contains(size) else {
                throw ConfigurationError("pool must be a number of connections from 1 to 500")
            }
            self.maximumConnections = size
        } else {
            self.maximumConnections = 20
        }
    }

    var connectionTLS: PostgresConnection.Configuration.TLS {
        switch sslMode {
        case "disable": return .disable
        case "require", "verify-full":
            var configuration = TLSConfiguration.makeClientConfiguration()
            if sslMode == "require" { configuration.certificateVerification = .none }
            return (try? .require(.init(configuration: configuration))) ?? .disable
        default:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return (try? .prefer(.init(configuration: configuration))) ?? .disable
        }
    }

    var tls: PostgresClient.Configuration.TLS {
        switch sslMode {
        case "disable": return .disable
        case "require", "verify-full":
            var configuration = TLSConfiguration.makeClientConfiguration()
            if sslMode == "require" { configuration.certificateVerification = .none }
            return (try? .require(configuration)) ?? .disable
        default:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return .prefer(configuration)
        }
    }
}

/// A configuration mistake, told to the person starting CityIOC in one line.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
