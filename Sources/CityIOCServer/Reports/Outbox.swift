import CityIOCDomain
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A notification in the outbox: who is to hear about which report and what happened — or an
/// agency whose indicator figures are due (`indicators`, with the deadline and no report).
public struct OutboxMessage: Sendable, Equatable {
    public enum Audience: String, Sendable {
        case reporter, agency
        /// The holding agency, before its deadline passes.
        case reminder
        /// An agency's indicator figures not yet sent, before their reporting deadline.
        case indicators
    }

    public var id: Int64
    /// Nil for an indicator reminder.
    public var reportID: Report.ID?
    public var audience: Audience
    public var agencyID: Agency.ID?
    /// The report's status the message tells of; nil for an indicator reminder.
    public var status: ReportWorkflow.Status?
    public var createdAt: Date
    public var attempts: Int
    public var deliveredAt: Date?
    public var failedAt: Date?
    public var lastError: String?
    /// An indicator reminder's reporting deadline.
    public var deadline: CivilDay? = nil
}

/// One message ready for a gateway: the address resolved at sending time.
public struct OutgoingMessage: Sendable, Equatable, Codable {
    public enum Channel: String, Sendable, Codable { case email, sms }
    public var messageId: String
    public var channel: Channel
    public var to: String
    public var subject: String
    public var text: String
    public var reportId: String
}

/// Where messages go: an e-mail or SMS gateway behind a webhook, or a recorder in tests.
public protocol MessageTransport: Sendable {
    func send(_ message: OutgoingMessage) async throws
}

/// Posts each message as JSON to a gateway's URL (`--notify-webhook`); the `messageId` lets the
/// gateway drop a message it has already sent when a retry comes after a lost answer.
public struct WebhookTransport: MessageTransport {
    public let url: URL

    public init(url: URL) { self.url = url }

    public struct Refused: Error, Sendable, CustomStringConvertible {
        public var status: Int
        public var description: String { "gateway answered \(status)" }
    }

    public func send(_ message: OutgoingMessage) async throws {
        var request = URLRequest(url: url, timeoutInterval: 15)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(message.messageId, forHTTPHeaderField: "Idempotency-Key")
        request.httpBody = try JSONEncoder().encode(message)
        let (_, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else { throw Refused(status: status) }
    }
}

/// The outbox: written with each report step, delivered by the `notifications` job with
/// retries (1 min, 5 min, 30 min, 2 h, then every 6 h, giving up after 8 attempts), so a restart
/// or a gateway that is down loses nothing.
public protocol OutboxStore: Sendable {
    func outbox(limit: Int) async throws -> [OutboxMessage]
    /// Sends what is due through `transport`; returns how many were delivered.
    @discardableResult
    func deliverOutbox(through transport: any MessageTransport, now: Date) async throws -> Int
    /// Leaves a reminder for the agency of each report whose running deadline is now due soon
    /// (`Deadline.standing`), once per deadline; returns how many.
    @discardableResult
    func remindDueSoon(now: Date, calendar: WorkingCalendar) async throws -> Int
    /// Leaves one reminder per agency and reporting deadline `within` days ahead while some of
    /// its indicator figures are not sent; returns how many entries it tried to add.
    @discardableResult
    func remindIndicatorsDue(now: Date, calendar: WorkingCalendar, dueDay: Int, within days: Int) async throws -> Int
}

extension CityStore {
    /// The outbox rows for a step's actions: the reporter (when they left an address) and an
    /// agency given a report. The desk sees its queue and needs no message.
    static func notifications(for actions: [ReportWorkflow.Action], report: Report, at now: Date) -> [SQL] {
        var statements: [SQL] = []
        let reachable = report.reporter.email != nil || report.reporter.phone != nil
        for action in actions {
            switch action {
            case .notifyReporter(let status) where reachable:
                statements.append(
                    SQL(
                        "INSERT INTO outbox (report_id, audience, agency_id, status, created_at, next_attempt_at) VALUES (?, 'reporter', NULL, ?, ?, ?)",
                        [.text(report.id.rawValue), .text(status.rawValue), .date(now), .date(now)]))
            case .notifyAgency(let agency):
                statements.append(
                    SQL(
                        "INSERT INTO outbox (report_id, audience, agency_id, status, created_at, next_attempt_at) VALUES (?, 'agency', ?, ?, ?, ?)",
                        [.text(report.id.rawValue), .text(agency.rawValue), .text(report.workflow.status.rawValue), .date(now), .date(now)]))
            default: break
            }
        }
        // The answer is published: the reporters of the reports merged into this one hear it too.
        if actions.contains(.notifyReporter(.published)) {
            statements.append(
                SQL(
                    """
                    INSERT INTO outbox (report_id, audience, agency_id, status, created_at, next_attempt_at)
                    SELECT id, 'reporter', NULL, 'published', ?, ? FROM reports WHERE merged_into = ? AND status = 'merged'
                    """, [.date(now), .date(now), .text(report.id.rawValue)]))
        }
        return statements
    }

    static let retryDelays: [TimeInterval] = [60, 300, 1800, 7200, 21600, 21600, 21600]
}

extension CityStore: OutboxStore {
    static let outboxColumns = "id, report_id, audience, agency_id, status, created_at, attempts, delivered_at, failed_at, last_error, deadline"

    public func outbox(limit: Int) async throws -> [OutboxMessage] {
        try await database.query(SQL("SELECT \(Self.outboxColumns) FROM outbox ORDER BY id DESC LIMIT \(max(1, min(limit, 1000)))"))
            .map(Self.outboxMessage)
    }

    static func outboxMessage(_ row: SQLRow) throws -> OutboxMessage {
        guard let audience = OutboxMessage.Audience(rawValue: try row.text("audience")) else { throw StoreError.corruptRow("outbox") }
        let status = ReportWorkflow.Status(rawValue: try row.text("status"))
        guard audience == .indicators || (status != nil && row.optionalText("report_id") != nil) else { throw StoreError.corruptRow("outbox") }
        return OutboxMessage(
            id: try row.int("id"), reportID: row.optionalText("report_id").map { Report.ID($0) }, audience: audience,
            agencyID: row.optionalText("agency_id").map { Agency.ID($0) }, status: status, createdAt: try row.date("created_at"),
            attempts: Int(try row.int("attempts")), deliveredAt: row.optionalDate("delivered_at"), failedAt: row.optionalDate("failed_at"),
            lastError: row.optionalText("last_error"), deadline: row.optionalText("deadline").flatMap(CivilDay.init))
    }

    public func deliverOutbox(through transport: any MessageTransport, now: Date) async throws -> Int {
        let due = try await database.query(
            SQL("SELECT \(Self.outboxColumns) FROM outbox WHERE next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 50", [.date(now)]))
        var delivered = 0
        for row in due {
            let message = try Self.outboxMessage(row)
            // Claimed for five minutes: another process skips it meanwhile.
            let claimed: Bool = try await database.perform(
                Mutation(read: SQL("SELECT id FROM outbox WHERE id = ? AND next_attempt_at <= ?", [.int(message.id), .date(now)])) { rows in
                    guard !rows.isEmpty else { return Plan(statements: [], audit: nil, result: false) }
                    return Plan(
                        statements: [SQL("UPDATE outbox SET next_attempt_at = ? WHERE id = ?", [.date(now.addingTimeInterval(300)), .int(message.id)])],
                        audit: nil, result: true)
                }, context: ChangeContext(principal: .system("notifications"), now: now))
            guard claimed else { continue }
            let outcome: SQL
            do {
                let outgoing = try await compose(message)
                for item in outgoing { try await transport.send(item) }
                // Nobody to tell (no address given, an agency without e-mail): done, and said so.
                let note: SQLValue = outgoing.isEmpty ? .text("no address") : .null
                outcome = SQL(
                    "UPDATE outbox SET delivered_at = ?, next_attempt_at = NULL, attempts = attempts + 1, last_error = ? WHERE id = ?",
                    [.date(now), note, .int(message.id)])
                delivered += 1
            } catch {
                let attempts = message.attempts + 1
                let reason = String(String(describing: error).prefix(300))
                if attempts >= 8 {
                    outcome = SQL(
                        "UPDATE outbox SET failed_at = ?, next_attempt_at = NULL, attempts = ?, last_error = ? WHERE id = ?",
                        [.date(now), .int(Int64(attempts)), .text(reason), .int(message.id)])
                } else {
                    outcome = SQL(
                        "UPDATE outbox SET next_attempt_at = ?, attempts = ?, last_error = ? WHERE id = ?",
                        [.date(now.addingTimeInterval(Self.retryDelays[attempts - 1])), .int(Int64(attempts)), .text(reason), .int(message.id)])
                }
            }
            try await database.perform(
                Mutation { _ in Plan(statements: [outcome], audit: nil, result: ()) }, context: ChangeContext(principal: .system("notifications"), now: now))
        }
        return delivered
    }

    public func remindDueSoon(now: Date, calendar: WorkingCalendar) async throws -> Int {
        // The thousand soonest deadlines not yet passed, in index order (overdue reports, however
        // many, do not crowd them out); those now due soon get one.
        let candidates = try await reports(ReportQuery(statuses: ReportWorkflow.Status.atAgency, dueFrom: now, order: .due, limit: 1000))
        var reminded = 0
        for report in candidates {
            guard let deadline = report.workflow.openDeadline, deadline.standing(at: now, calendar: calendar) == .dueSoon,
                let agency = report.workflow.agency
            else { continue }
            let inserted: Bool = try await database.perform(
                Mutation(
                    read: SQL(
                        "SELECT id FROM outbox WHERE report_id = ? AND audience = 'reminder' AND created_at >= ?",
                        [.text(report.id.rawValue), .date(deadline.startedAt)])
                ) { rows in
                    guard rows.isEmpty else { return Plan(statements: [], audit: nil, result: false) }
                    return Plan(
                        statements: [
                            SQL(
                                "INSERT INTO outbox (report_id, audience, agency_id, status, created_at, next_attempt_at) VALUES (?, 'reminder', ?, ?, ?, ?)",
                                [.text(report.id.rawValue), .text(agency.rawValue), .text(report.workflow.status.rawValue), .date(now), .date(now)])
                        ], audit: nil, result: true)
                }, context: ChangeContext(principal: .system("notifications"), now: now))
            if inserted { reminded += 1 }
        }
        return reminded
    }

    /// The messages for one outbox entry, in Vietnamese and English, to the addresses known now.
    /// None when there is nobody to tell (the reporter left no address, the agency has no e-mail).
    func compose(_ message: OutboxMessage) async throws -> [OutgoingMessage] {
        if message.audience == .indicators { return try await composeIndicatorReminder(message) }
        guard let reportID = message.reportID, let reportStatus = message.status, let report = try await report(reportID) else { return [] }
        let status = Text.status(reportStatus)
        let id = String(message.id)
        // A deadline as the clerk reads it: the city's time, in both languages.
        let zone = try await workingCalendar().timeZone
        let due = { (date: Date) in "\(Format(language: .vi, timeZone: zone).dateTime(date)) / \(Format(language: .en, timeZone: zone).dateTime(date))" }
        switch message.audience {
        case .reporter:
            let subject = "Phản ánh \(report.id.rawValue): \(status(.vi)) / Report \(report.id.rawValue): \(status(.en))"
            var text = "Phản ánh \(report.id.rawValue) của bạn: \(status(.vi)).\nYour report \(report.id.rawValue): \(status(.en))."
            // A duplicate's reporter gets the answer given to the report it was merged into.
            var answered = report
            if report.workflow.status == .merged, let target = report.workflow.mergedInto, let into = try await self.report(Report.ID(target)) {
                answered = into
                text += "\n(\(report.id.rawValue) → \(into.id.rawValue))"
            }
            if [.published, .rated].contains(reportStatus), let answer = answered.workflow.answer { text += "\n\n\(answer)" }
            if reportStatus == .refused, let reason = report.workflow.steps.last(where: { $0.status == .refused })?.note { text += "\n\n\(reason)" }
            var out: [OutgoingMessage] = []
            if let email = report.reporter.email {
                out.append(OutgoingMessage(messageId: id + "-email", channel: .email, to: email, subject: subject, text: text, reportId: report.id.rawValue))
            }
            if let phone = report.reporter.phone {
                out.append(
                    OutgoingMessage(
                        messageId: id + "-sms", channel: .sms, to: phone, subject: "",
                        text: "CityIOC: phan anh \(report.id.rawValue) - \(TextFolding.searchKey(status(.vi)))", reportId: report.id.rawValue))
            }
            return out
        case .reminder:
            // Nothing to remind of once the report has moved on.
            guard report.workflow.status == reportStatus, let deadline = report.workflow.openDeadline, let agencyID = message.agencyID,
                let agency = try await self.agency(agencyID), let email = agency.email
            else { return [] }
            return [
                OutgoingMessage(
                    messageId: id + "-email", channel: .email, to: email,
                    subject: "Sắp đến hạn / Due soon: \(report.id.rawValue) (\(due(deadline.due)))",
                    text: "\(report.description)\n\n\(report.address ?? "")\n/reports/\(report.id.rawValue)", reportId: report.id.rawValue)
            ]
        case .indicators:
            return []
        case .agency:
            guard let agencyID = message.agencyID, let agency = try await self.agency(agencyID), let email = agency.email else { return [] }
            let deadline = report.workflow.openDeadline.map { " · hạn / due \(due($0.due))" } ?? ""
            return [
                OutgoingMessage(
                    messageId: id + "-email", channel: .email, to: email,
                    subject: "Phản ánh mới cần xử lý / New report to handle: \(report.id.rawValue)",
                    text: "\(report.description)\n\n\(report.address ?? "")\(deadline)\n/reports/\(report.id.rawValue)", reportId: report.id.rawValue)
            ]
        }
    }
}
