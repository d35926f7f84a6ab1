import CityIOCDomain
import Foundation

/// The records of the city in one database, whichever engine. Conforms to each capability's
/// store protocol in its own file (`CityStore+Organisation.swift`…); controllers depend on those
/// protocols only.
public struct CityStore: Sendable {
    public let database: any SQLDatabase
    /// Categories, areas, the calendar and keys, read once and dropped on change.
    let cache: ReferenceCache

    public init(database: any SQLDatabase) {
        let cache = ReferenceCache()
        self.cache = cache
        self.database = InvalidatingDatabase(base: database, cache: cache)
    }

    public func migrate() async throws -> MigrationReport {
        let report = try await database.migrate(Schema.migrations)
        if report.applied.contains(Schema.reportStatistics.version) {
            // Reports stored before the counters existed are counted once.
            try await rebuildReportStatistics(calendar: try await workingCalendar())
        }
        return report
    }

    /// Creates or replaces one record with its audit entry (`PREFIX.create` or `PREFIX.update`,
    /// with before and after); writes nothing at all when the record is unchanged.
    func save<Record: Equatable & Encodable & Sendable>(
        _ record: Record, read: SQL, decode: @escaping @Sendable (SQLRow) throws -> Record, insert: SQL, update: SQL,
        action prefix: String, entityType: String, entityID: String, context: ChangeContext
    ) async throws {
        try await database.perform(
            Mutation(read: read) { rows in
                let before = try rows.first.map(decode)
                if before == record { return Plan(statements: [], audit: nil, result: ()) }
                return Plan(
                    statements: [before == nil ? insert : update],
                    audit: AuditDraft(
                        action: "\(prefix).\(before == nil ? "create" : "update")", entityType: entityType, entityID: entityID,
                        before: before.flatMap(Self.snapshot), after: Self.snapshot(record)),
                    result: ())
            }, context: context)
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
