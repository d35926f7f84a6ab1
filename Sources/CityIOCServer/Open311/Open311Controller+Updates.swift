import CityIOCDomain
import Foundation
import Hummingbird

/// `servicerequestupdates.{fmt}`, the extension FixMyStreet uses to follow what happened to the
/// reports it sent: every step of every report in a time window, with mySociety's status words.
/// Only what the public may read: no agency's internal reasons, the answer only once published.
extension Open311Controller {
    /// The status word FixMyStreet knows for the state a step led to; nil for steps that are
    /// not news to the public (the receipt itself, a rating).
    static func updateStatus(_ status: ReportWorkflow.Status) -> String? {
        switch status {
        case .received, .rated: nil
        case .classified: "open"
        case .assigned: "action_scheduled"
        case .accepted: "investigating"
        case .inProgress, .resolved: "in_progress"
        case .published: "fixed"
        case .refused: "no_further_action"
        case .returned, .escalated: "internal_referral"
        case .merged: "duplicate"
        case .reopened: "reopen"
        }
    }

    /// The last 24 hours by default; at most 31 days and 1000 updates (the oldest first, so a
    /// client asks again from the last `updated_datetime` it saw).
    func updates(_ request: Request, _ context: AppRequestContext) async throws -> Open311Document {
        let q = request.uri.queryParameters
        let now = Date()
        let end = try Self.date(q, "end_date") ?? now
        let start = try Self.date(q, "start_date") ?? end.addingTimeInterval(-86400)
        guard start <= end else { throw Self.bad("start_date sau end_date.", "start_date is after end_date.") }
        guard end.timeIntervalSince(start) <= 31 * 86400 else {
            throw Self.bad("Khoảng thời gian tối đa 31 ngày.", "Ask for at most 31 days at a time.")
        }
        let limit = 1000
        var query = ReportQuery(updatedSince: start, order: .updated, limit: limit)
        query.withReporter = false
        let reports = try await services.reports.reports(query)
        let calendar = try await services.calendar.workingCalendar()
        var updates: [(Date, Open311Document)] = []
        for report in reports {
            let workflow = report.workflow
            for (index, step) in workflow.steps.enumerated() where index > 0 && step.at >= start && step.at <= end {
                guard let status = Self.updateStatus(step.status) else { continue }
                let description: String? =
                    switch step.status {
                    case .published: workflow.answer
                    case .refused, .merged, .reopened: step.note
                    default: nil
                    }
                updates.append(
                    (
                        step.at,
                        .object([
                            ("update_id", .text("\(report.id.rawValue)-\(index)")),
                            ("service_request_id", .text(report.id.rawValue)),
                            ("status", .text(status)),
                            ("updated_datetime", Self.time(step.at, calendar)),
                            ("description", description.map { .text($0) } ?? .null),
                            ("media_url", .null),
                            ("external_status_code", .text(step.status.rawValue)),
                        ])
                    ))
            }
        }
        return .list(item: "request_update", updates.sorted { $0.0 < $1.0 }.prefix(limit).map(\.1))
    }
}
