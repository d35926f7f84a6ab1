import CityIOCDomain
import Foundation

/// How many reports one address may send through the public form in an hour: enough for a
/// family or a shop, not for a script. Counted in the database, so every server process shares
/// the count; windows older than a day are swept by the periodic job.
public protocol IntakeLimitStore: Sendable {
    /// Counts one more submission from `client` in the hour of `now`; false when that makes
    /// more than `limit`.
    func admit(client: String, limit: Int, now: Date) async throws -> Bool
    func sweepIntakeLimits(before: Date) async throws
}

extension CityStore: IntakeLimitStore {
    static func window(_ now: Date) -> String {
        SQLTimestamp.format(Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600))
    }

    public func admit(client: String, limit: Int, now: Date) async throws -> Bool {
        let key: [SQLValue] = [.text(client), .text(Self.window(now))]
        // Counted first, in one statement that two processes can run at once; then compared.
        // A refused attempt still counts, which only keeps its sender refused longer.
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: [
                        SQL(
                            """
                            INSERT INTO intake_limits (client, window_start, count) VALUES (?, ?, 1)
                            ON CONFLICT (client, window_start) DO UPDATE SET count = intake_limits.count + 1
                            """, key)
                    ],
                    // Bookkeeping, not a change of the city's records: no audit entry.
                    audit: nil, result: ())
            }, context: ChangeContext(principal: .system("intake-limit"), now: now))
        let count =
            try await database.query(SQL("SELECT count FROM intake_limits WHERE client = ? AND window_start = ?", key))
            .first?.optionalInt("count") ?? 0
        return count <= limit
    }

    public func sweepIntakeLimits(before: Date) async throws {
        try await database.perform(
            Mutation { _ in
                Plan(statements: [SQL("DELETE FROM intake_limits WHERE window_start < ?", [.text(Self.window(before))])], audit: nil, result: ())
            }, context: ChangeContext(principal: .system("intake-limit")))
    }
}
