import Foundation

/// How urgent a report is; each service has a default, the operator may change it.
public enum Priority: String, CaseIterable, Sendable, Codable {
    case urgent
    case normal
    case complex
}

/// The deadlines a service promises, editable per service by admins. The defaults are the
/// issue's: accept within 8 working hours; resolve urgent reports within 4 working hours, normal
/// ones within 3 working days, complex ones within 10 working days.
public struct ServiceTerms: Sendable, Equatable, Codable {
    public var acceptWithin: WorkingDuration
    public var resolveUrgent: WorkingDuration
    public var resolveNormal: WorkingDuration
    public var resolveComplex: WorkingDuration

    public init(
        acceptWithin: WorkingDuration = .hours(8), resolveUrgent: WorkingDuration = .hours(4),
        resolveNormal: WorkingDuration = .days(3), resolveComplex: WorkingDuration = .days(10)
    ) {
        self.acceptWithin = acceptWithin
        self.resolveUrgent = resolveUrgent
        self.resolveNormal = resolveNormal
        self.resolveComplex = resolveComplex
    }

    public static let standard = ServiceTerms()

    public func resolveWithin(_ priority: Priority) -> WorkingDuration {
        switch priority {
        case .urgent: resolveUrgent
        case .normal: resolveNormal
        case .complex: resolveComplex
        }
    }
}

/// A deadline and where a report stands against it.
public struct Deadline: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// The agency must accept (or return) the report.
        case accept
        /// The agency must answer.
        case resolve
    }

    public enum Standing: String, Sendable, Codable {
        case onTime = "on_time"
        case dueSoon = "due_soon"
        case overdue
        /// Met: the step was done before the deadline.
        case met
        /// Missed: the step was done, late.
        case missed
    }

    public var kind: Kind
    public var startedAt: Date
    public var due: Date
    public var metAt: Date?

    public init(kind: Kind, startedAt: Date, due: Date, metAt: Date? = nil) {
        self.kind = kind
        self.startedAt = startedAt
        self.due = due
        self.metAt = metAt
    }

    /// Due soon once three quarters of the working time allowed has gone, or when under two
    /// working hours remain, whichever comes first.
    public func standing(at now: Date, calendar: WorkingCalendar) -> Standing {
        if let metAt { return metAt <= due ? .met : .missed }
        if now > due { return .overdue }
        let allowed = calendar.workingMinutes(from: startedAt, to: due)
        let left = calendar.workingMinutes(from: now, to: due)
        return left * 4 <= allowed || left <= 120 ? .dueSoon : .onTime
    }
}
