import CityIOCDomain
import Foundation

/// Reminders to agencies whose indicator figures are due: one outbox entry per agency and
/// reporting deadline, left `within` days before it while some of its figures for the province
/// are not sent, delivered by the `notifications` job like every other message (the agency's
/// e-mail). What it lists is read when sending, so a figure sent meanwhile is not asked for.
extension CityStore {
    /// An agency's own figures due for the province on `today`, not yet sent, with their deadlines.
    func missingFigures(agency: Agency.ID, today: CivilDay, dueDay: Int) async throws -> [(indicator: Indicator, period: Period, deadline: CivilDay)] {
        let mine = try await indicators(includeInactive: false).filter { $0.agency == agency && $0.method != .computed }
        guard !mine.isEmpty, let province = try await areas(AreaQuery(level: .province)).first else { return [] }
        let sent = Set(try await values(IndicatorValueQuery(indicators: mine.map(\.code), areas: [province.code])).map { "\($0.indicator.rawValue) \($0.period)" })
        return mine.compactMap { indicator in
            let period = Period(indicator.frequency, containing: today).previous
            guard !sent.contains("\(indicator.code.rawValue) \(period)") else { return nil }
            return (indicator, period, period.reportingDeadline(day: dueDay))
        }
    }

    public func remindIndicatorsDue(now: Date, calendar: WorkingCalendar, dueDay: Int = 25, within days: Int = 5) async throws -> Int {
        let today = calendar.civilDay(of: now)
        let owners = Set(try await indicators(includeInactive: false).filter { $0.method != .computed }.compactMap(\.agency))
        var statements: [SQL] = []
        for agency in owners.sorted(by: { $0.rawValue < $1.rawValue }) {
            let deadlines = Set(
                try await missingFigures(agency: agency, today: today, dueDay: dueDay).map(\.deadline).filter {
                    (0...days).contains(CivilDay.days(from: today, to: $0))
                })
            for deadline in deadlines {
                statements.append(
                    SQL(
                        """
                        INSERT INTO outbox (report_id, audience, agency_id, status, created_at, next_attempt_at, deadline) VALUES (NULL, 'indicators', ?, '', ?, ?, ?)
                        ON CONFLICT (agency_id, deadline) WHERE audience = 'indicators' DO NOTHING
                        """, [.text(agency.rawValue), .date(now), .date(now), .text(deadline.description)]))
            }
        }
        guard !statements.isEmpty else { return 0 }
        let writes = statements
        try await database.perform(
            Mutation { _ in Plan(statements: writes, audit: nil, result: ()) }, context: ChangeContext(principal: .system("notifications"), now: now))
        return statements.count
    }

    /// The e-mail of an indicator reminder: the figures still missing for its deadline; none
    /// when all have been sent since, or the agency has no e-mail.
    func composeIndicatorReminder(_ message: OutboxMessage) async throws -> [OutgoingMessage] {
        guard let agencyID = message.agencyID, let deadline = message.deadline, let agency = try await agency(agencyID), let email = agency.email else { return [] }
        let calendar = try await workingCalendar()
        let missing = try await missingFigures(agency: agencyID, today: calendar.civilDay(of: message.createdAt), dueDay: IndicatorDeadlines.dueDay)
            .filter { $0.deadline == deadline }
        guard !missing.isEmpty else { return [] }
        let date = Format(language: .vi, timeZone: calendar.timeZone).day(deadline)
        let lines = missing.map { "- \($0.indicator.name) / \($0.indicator.nameEn.isEmpty ? $0.indicator.name : $0.indicator.nameEn) (\($0.period))" }
        return [
            OutgoingMessage(
                messageId: "\(message.id)-email", channel: .email, to: email,
                subject: "Hạn gửi số liệu chỉ tiêu \(date) / Indicator figures due \(date)",
                text: "Các chỉ tiêu chưa gửi số liệu / Figures not sent yet:\n\(lines.joined(separator: "\n"))\n\n/indicators/entry", reportId: "")
        ]
    }
}
