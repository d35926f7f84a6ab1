import CityIOCDomain
import Foundation
import Logging
import Testing

@testable import CityIOCServer

/// The engines the contract suite runs on: SQLite always, PostgreSQL when
/// `CITYIOC_TEST_DATABASE_URL` names a server (CI starts one with `scripts/postgres.sh`).
enum TestEngine: String, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static var all: [TestEngine] {
        ProcessInfo.processInfo.environment["CITYIOC_TEST_DATABASE_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] }
            ?? [.sqlite]
    }

    var testDescription: String { rawValue }
}

let testLogger: Logger = {
    var logger = Logger(label: "cityioc-test")
    logger.logLevel = .warning
    return logger
}()

/// Runs `body` against a new, migrated, empty database: a temporary SQLite file, or a fresh
/// schema of the test PostgreSQL database (dropped afterwards), so tests can run in parallel.
func withDatabase<T: Sendable>(_ engine: TestEngine, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
    switch engine {
    case .sqlite:
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cityioc-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try SQLiteDatabase(path: folder.appendingPathComponent("test.sqlite").path)
        _ = try await database.migrate(Schema.migrations)
        return try await body(database)
    case .postgres:
        let url = ProcessInfo.processInfo.environment["CITYIOC_TEST_DATABASE_URL"]!
        var location = try PostgresLocation(url: url)
        location.maximumConnections = 4
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let admin = PostgresDatabase(location: location, logger: testLogger)
        return try await admin.withRunning {
            try await admin.execute("CREATE SCHEMA \(schema)")
            do {
                let database = PostgresDatabase(location: location, schema: schema, logger: testLogger)
                let result = try await database.withRunning {
                    _ = try await database.migrate(Schema.migrations)
                    return try await body(database)
                }
                try await admin.execute("DROP SCHEMA \(schema) CASCADE")
                return result
            } catch {
                try? await admin.execute("DROP SCHEMA \(schema) CASCADE")
                throw error
            }
        }
    }
}

extension SQLDatabase {
    /// A statement outside the stores, for tests: runs without an audit entry.
    func execute(_ text: String) async throws {
        try await perform(
            Mutation { _ in Plan(statements: [SQL(text)], audit: nil, result: ()) },
            context: ChangeContext(principal: .system("test")))
    }
}

let testHasher = PasswordHasher(cost: 4)
let system = ChangeContext(principal: .system("test"))

/// Services over a fresh database, with cheap bcrypt.
func withServices<T: Sendable>(_ engine: TestEngine, _ body: (AppServices) async throws -> T) async throws -> T {
    try await withDatabase(engine) { database in
        try await body(try AppServices(database: database, hasher: testHasher, sessions: SessionPolicy()))
    }
}

/// A small city made by the test: a province, two wards, two agencies, and people.
struct Fixture {
    static let password = "mật khẩu đủ dài 2025"

    static func seed(_ services: AppServices) async throws {
        let organisation = services.organisation
        try await organisation.saveArea(Area(code: "22", name: "Tỉnh Quảng Ninh", level: .province, parentCode: nil), context: system)
        try await organisation.saveArea(
            Area(code: "06685", name: "Phường Hồng Gai", level: .ward, parentCode: "22", latitude: 20.9485, longitude: 107.0462),
            context: system)
        try await organisation.saveArea(Area(code: "06994", name: "Đặc khu Vân Đồn", level: .specialZone, parentCode: "22"), context: system)
        try await organisation.createAgency(
            Agency(id: "ubnd-06685", name: "UBND phường Hồng Gai", nameEn: "Hong Gai Ward", kind: .wardCommittee, areaCode: "06685"),
            context: system)
        try await organisation.createAgency(
            Agency(id: "so-xay-dung", name: "Sở Xây dựng", nameEn: "Department of Construction", kind: .department, areaCode: "22"),
            context: system)
        let people: [(String, Role, Agency.ID?)] = [
            ("admin", .admin, nil), ("lanhdao", .leader, nil), ("dieuhanh", .operator, nil),
            ("canbo.honggai", .agencyStaff, "ubnd-06685"), ("canbo.xaydung", .agencyStaff, "so-xay-dung"),
        ]
        for (username, role, agency) in people {
            try await services.administration.createUser(
                .init(username: username, displayName: username, role: role, agencyID: agency, password: password), context: system)
        }
    }
}
