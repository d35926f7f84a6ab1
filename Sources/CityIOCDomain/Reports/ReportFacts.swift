import Foundation

/// Working-time durations counted in buckets whose width grows with the value (each bucket is
/// about 5 % wider than the one before), so that the median and 90th percentile of a year of
/// reports are read from a few hundred counters instead of a million rows, each within 2.5 % of
/// the exact figure. Bucket 0 holds zero.
public enum DurationBuckets {
    /// Relative accuracy of a value read back from its bucket.
    public static let accuracy = 0.025
    static let gamma = (1 + accuracy) / (1 - accuracy)
    static let logGamma = log(gamma)

    public static func bucket(minutes: Int) -> Int {
        guard minutes > 0 else { return 0 }
        return 1 + Int((log(Double(minutes)) / logGamma).rounded(.up))
    }

    /// The value that stands for a bucket: within `accuracy` of every value in it.
    public static func value(ofBucket bucket: Int) -> Double {
        guard bucket > 0 else { return 0 }
        return 2 * pow(gamma, Double(bucket - 1)) / (gamma + 1)
    }

    /// The nearest-rank quantile (0 < q ≤ 1) of the counted durations, in working minutes;
    /// nil when nothing was counted.
    public static func quantile(_ q: Double, of counts: [Int: Int]) -> Double? {
        let total = counts.values.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = max(1, Int((q * Double(total)).rounded(.up)))
        var seen = 0
        for bucket in counts.keys.sorted() {
            seen += counts[bucket] ?? 0
            if seen >= rank { return value(ofBucket: bucket) }
        }
        return nil
    }
}

/// What one report adds to the statistics: its status, where it is counted (service, ward,
/// holding agency, channel), and once handled, how long acceptance and resolution took and
/// whether the answer came on time, and the citizen's stars. Reports are counted in the month
/// (and day) they were received, in the city's time zone; a step moves a report from one
/// counter to another, so statistics are always the current state of each month's reports.
public struct ReportFacts: Sendable, Equatable {
    public enum Dimension: String, CaseIterable, Sendable {
        /// Durations over every report.
        case all
        case service, ward, agency, channel
        /// Status counts per day, for the series.
        case day
    }

    /// One counter: in `period` (a month `2026-11`, or a day `2026-11-22` for `.day`), for the
    /// `key` of a dimension (a service code, ward code, agency id, channel; empty for none).
    public struct Key: Hashable, Sendable {
        public var dimension: Dimension
        public var period: String
        public var key: String
        public var measure: Measure
        public var bucket: Int

        public init(dimension: Dimension, period: String, key: String, measure: Measure, bucket: Int = 0) {
            self.dimension = dimension
            self.period = period
            self.key = key
            self.measure = measure
            self.bucket = bucket
        }
    }

    public enum Measure: Hashable, Sendable, RawRepresentable {
        case status(ReportWorkflow.Status)
        case onTime, late
        /// Working minutes from assignment to acceptance, by bucket (the whole city only).
        case accept
        /// Working minutes from receipt to the answer, by bucket (the whole city only).
        case resolve
        /// Per service, ward, agency and channel: how many were accepted, and the working
        /// minutes taken, summed (for means; a bucket per key and month would cost more rows than
        /// the reports themselves).
        case accepted, acceptMinutes, resolveMinutes
        /// The citizen's rating; the bucket is the number of stars.
        case stars

        public init?(rawValue: String) {
            switch rawValue {
            case "on_time": self = .onTime
            case "late": self = .late
            case "accept": self = .accept
            case "resolve": self = .resolve
            case "stars": self = .stars
            case "accepted": self = .accepted
            case "accept_minutes": self = .acceptMinutes
            case "resolve_minutes": self = .resolveMinutes
            default:
                guard rawValue.hasPrefix("status:"), let status = ReportWorkflow.Status(rawValue: String(rawValue.dropFirst(7))) else {
                    return nil
                }
                self = .status(status)
            }
        }

        public var rawValue: String {
            switch self {
            case .status(let status): "status:" + status.rawValue
            case .onTime: "on_time"
            case .late: "late"
            case .accept: "accept"
            case .resolve: "resolve"
            case .stars: "stars"
            case .accepted: "accepted"
            case .acceptMinutes: "accept_minutes"
            case .resolveMinutes: "resolve_minutes"
            }
        }
    }

    public var day: CivilDay
    public var status: ReportWorkflow.Status
    public var service: String
    public var ward: String
    public var agency: String
    public var channel: String
    public var acceptMinutes: Int?
    public var resolveMinutes: Int?
    public var onTime: Bool?
    public var stars: Int?

    public init(_ report: Report, calendar: WorkingCalendar) {
        let flow = report.workflow
        day = calendar.civilDay(of: report.requestedAt)
        status = flow.status
        service = flow.service ?? report.service.rawValue
        ward = report.wardCode?.rawValue ?? ""
        agency = flow.agency?.rawValue ?? ""
        channel = report.channel.rawValue
        let handled: Set<ReportWorkflow.Status> = [.accepted, .inProgress, .resolved, .published, .rated]
        let answered: Set<ReportWorkflow.Status> = [.resolved, .published, .rated]
        if handled.contains(status), let accept = flow.deadlines.last(where: { $0.kind == .accept }), let met = accept.metAt {
            acceptMinutes = calendar.workingMinutes(from: accept.startedAt, to: met)
        }
        if answered.contains(status), let resolve = flow.deadlines.last(where: { $0.kind == .resolve }), let met = resolve.metAt {
            resolveMinutes = calendar.workingMinutes(from: report.requestedAt, to: met)
            onTime = met <= resolve.due
        }
        stars = status == .rated ? flow.stars : nil
    }

    public var month: String { "\(day.year.zeroPadded(4))-\(day.month.zeroPadded(2))" }

    /// The counters this report adds to (one, or its minutes for the sums).
    public var contributions: [Key: Int] {
        var counts: [Key: Int] = [:]
        let month = month
        counts[Key(dimension: .day, period: day.description, key: "", measure: .status(status))] = 1
        let keyed: [(Dimension, String)] = [(.service, service), (.ward, ward), (.agency, agency), (.channel, channel)]
        for (dimension, key) in keyed {
            counts[Key(dimension: dimension, period: month, key: key, measure: .status(status))] = 1
            if let onTime { counts[Key(dimension: dimension, period: month, key: key, measure: onTime ? .onTime : .late)] = 1 }
            if let stars { counts[Key(dimension: dimension, period: month, key: key, measure: .stars, bucket: stars)] = 1 }
            if let acceptMinutes {
                counts[Key(dimension: dimension, period: month, key: key, measure: .accepted)] = 1
                counts[Key(dimension: dimension, period: month, key: key, measure: .acceptMinutes)] = acceptMinutes
            }
            if let resolveMinutes { counts[Key(dimension: dimension, period: month, key: key, measure: .resolveMinutes)] = resolveMinutes }
        }
        if let acceptMinutes {
            counts[Key(dimension: .all, period: month, key: "", measure: .accept, bucket: DurationBuckets.bucket(minutes: acceptMinutes))] = 1
        }
        if let resolveMinutes {
            counts[Key(dimension: .all, period: month, key: "", measure: .resolve, bucket: DurationBuckets.bucket(minutes: resolveMinutes))] = 1
        }
        return counts
    }

    /// What changes in the counters when a report goes from `before` to `after` (nil: it did
    /// not exist); counters that do not change are left out.
    public static func delta(from before: ReportFacts?, to after: ReportFacts) -> [Key: Int] {
        var delta = after.contributions
        for (key, count) in before?.contributions ?? [:] { delta[key, default: 0] -= count }
        return delta.filter { $0.value != 0 }
    }
}
