import CityIOCDomain
import Foundation

/// The chat messages already taken as reports, by platform and message id. Platforms deliver a
/// webhook again when the answer is slow or lost (Zalo for 12 hours), so the same message must
/// not become a second report: the first delivery claims the id, later ones get its report.
public protocol MessageLedger: Sendable {
    /// Claims a message: `.new` for the first delivery (then `record` or `release` it), else the
    /// report it became (nil while the first delivery is still being handled).
    func claimMessage(platform: String, id: String, now: Date) async throws -> MessageClaim
    func recordMessage(platform: String, id: String, report: Report.ID) async throws
    /// Forgets a claim whose report could not be stored, so a later delivery can try again.
    func releaseMessage(platform: String, id: String) async throws
    func sweepMessages(before: Date) async throws
}

public enum MessageClaim: Sendable, Equatable {
    case new
    case seen(Report.ID?)
}

extension CityStore: MessageLedger {
    public func claimMessage(platform: String, id: String, now: Date) async throws -> MessageClaim {
        let key: [SQLValue] = [.text(platform), .text(id)]
        do {
            return try await database.perform(
                Mutation(read: SQL("SELECT report_id FROM intake_messages WHERE platform = ? AND message_id = ?", key)) { rows in
                    if let row = rows.first { return Plan(statements: [], audit: nil, result: .seen(row.optionalText("report_id").map { Report.ID($0) })) }
                    return Plan(
                        statements: [SQL("INSERT INTO intake_messages (platform, message_id, received_at) VALUES (?, ?, ?)", key + [.date(now)])],
                        // Bookkeeping; the report it becomes is audited.
                        audit: nil, result: .new)
                }, context: ChangeContext(principal: .system("messaging"), now: now))
        } catch StoreError.duplicate {
            // Another server took the same delivery a moment ago.
            return .seen(nil)
        }
    }

    public func recordMessage(platform: String, id: String, report: Report.ID) async throws {
        try await bookkeeping(SQL("UPDATE intake_messages SET report_id = ? WHERE platform = ? AND message_id = ?", [.text(report.rawValue), .text(platform), .text(id)]))
    }

    public func releaseMessage(platform: String, id: String) async throws {
        try await bookkeeping(SQL("DELETE FROM intake_messages WHERE platform = ? AND message_id = ? AND report_id IS NULL", [.text(platform), .text(id)]))
    }

    public func sweepMessages(before: Date) async throws {
        try await bookkeeping(SQL("DELETE FROM intake_messages WHERE received_at < ?", [.date(before)]))
    }

    private func bookkeeping(_ statement: SQL) async throws {
        try await database.perform(
            Mutation { _ in Plan(statements: [statement], audit: nil, result: ()) }, context: ChangeContext(principal: .system("messaging")))
    }
}
