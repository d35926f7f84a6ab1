import CityIOCDomain
import Foundation

/// The records of the city in one database, whichever engine. Conforms to each capability's
/// store protocol in its own file (`CityStore+Organisation.swift`…); controllers depend on those
/// protocols only.
public struct CityStore: Sendable {
    public let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    public func migrate() async throws -> MigrationReport {
        try await database.migrate(Schema.migrations)
    }

    /// Before/after images for the audit log: the record as JSON, keys sorted.
    static func snapshot(_ value: some Encodable) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }
}

extension Optional where Wrapped == String {
    /// Nil for missing and blank text.
    var nonBlank: String? {
        guard let self else { return nil }
        let trimmed = self.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
