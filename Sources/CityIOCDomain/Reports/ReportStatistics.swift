import Foundation

/// A calendar month, `2026-11`: the period statistics are kept and asked for in.
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int

    public init(_ year: Int, _ month: Int) {
        self.year = year
        self.month = month
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
            (1900...9999).contains(year), (1...12).contains(month)
        else { return nil }
        self.init(year, month)
    }

    public init(_ day: CivilDay) { self.init(day.year, day.month) }

    public var description: String { "\(year.zeroPadded(4))-\(month.zeroPadded(2))" }
    public var firstDay: CivilDay { CivilDay(year, month, 1) }
    public var lastDay: CivilDay {
        let days = [31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return CivilDay(year, month, days[month - 1])
    }

    public func adding(months: Int) -> YearMonth {
        let index = year * 12 + (month - 1) + months
        return YearMonth(index / 12, index % 12 + 1)
    }

    public static func < (a: YearMonth, b: YearMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }
}

/// The counters of a set of reports, read back: how many in each status, how many answered on
/// time, how long acceptance and answers took (median and 90th percentile, in working hours),
/// and what citizens thought.
public struct ReportTally: Sendable, Equatable {
    public var statuses: [ReportWorkflow.Status: Int] = [:]
    public var onTime = 0
    public var late = 0
    public var accept: [Int: Int] = [:]
    public var resolve: [Int: Int] = [:]
    public var stars: [Int: Int] = [:]
    public var accepted = 0
    public var acceptMinutes = 0
    public var resolveMinutes = 0
    /// Reports of the period whose running deadline has passed now (not a counter: read live).
    public var overdueNow = 0

    public init() {}

    public mutating func add(_ measure: ReportFacts.Measure, bucket: Int, count: Int) {
        switch measure {
        case .status(let status): Self.add(count, to: &statuses, status)
        case .onTime: onTime += count
        case .late: late += count
        case .accept: Self.add(count, to: &accept, bucket)
        case .resolve: Self.add(count, to: &resolve, bucket)
        case .stars: Self.add(count, to: &stars, bucket)
        case .accepted: accepted += count
        case .acceptMinutes: acceptMinutes += count
        case .resolveMinutes: resolveMinutes += count
        }
    }

    /// Counts that come to zero are dropped, so two tallies of the same reports are equal.
    private static func add<Key: Hashable>(_ count: Int, to counts: inout [Key: Int], _ key: Key) {
        let total = counts[key, default: 0] + count
        counts[key] = total == 0 ? nil : total
    }

    public var total: Int { statuses.values.reduce(0, +) }
    public var open: Int { statuses.filter { $0.key.isOpen }.values.reduce(0, +) }
    public var answered: Int { [.resolved, .published, .rated].reduce(0) { $0 + (statuses[$1] ?? 0) } }
    /// Of the answers given, the share given before the deadline.
    public var onTimeRate: Double? { onTime + late == 0 ? nil : Double(onTime) / Double(onTime + late) }
    public var ratings: Int { stars.values.reduce(0, +) }
    public var averageStars: Double? {
        ratings == 0 ? nil : Double(stars.reduce(0) { $0 + $1.key * $1.value }) / Double(ratings)
    }

    /// Mean working hours to accept and to answer.
    public var acceptMeanHours: Double? { accepted == 0 ? nil : Double(acceptMinutes) / Double(accepted) / 60 }
    public var resolveMeanHours: Double? { onTime + late == 0 ? nil : Double(resolveMinutes) / Double(onTime + late) / 60 }

    /// Quantiles of working time, in working hours (the whole city's figures only).
    public func acceptHours(_ q: Double) -> Double? { DurationBuckets.quantile(q, of: accept).map { $0 / 60 } }
    public func resolveHours(_ q: Double) -> Double? { DurationBuckets.quantile(q, of: resolve).map { $0 / 60 } }
}

/// Statistics of the reports received in a range of months, as the statistics page and API
/// show them.
public struct ReportStatistics: Sendable, Equatable {
    public enum Grain: String, CaseIterable, Sendable {
        case day, week, month
    }

    public struct Point: Sendable, Equatable {
        /// `2026-11-22`, `2026-W47` or `2026-11`.
        public var period: String
        public var received: Int
        /// Of those, still waiting for the centre or an agency.
        public var open: Int
    }

    public var from: YearMonth
    public var to: YearMonth
    public var overall = ReportTally()
    public var breakdown: [ReportFacts.Dimension: [String: ReportTally]] = [:]
    public var months: [YearMonth: ReportTally] = [:]
    /// Per day; empty when the statistics are one agency's (days are kept for the whole city).
    public var days: [CivilDay: ReportTally] = [:]

    public init(from: YearMonth, to: YearMonth) {
        self.from = from
        self.to = to
    }

    /// Received and still-open counts per day, ISO week or month, oldest first.
    public func series(_ grain: Grain) -> [Point] {
        switch grain {
        case .month:
            var points: [Point] = []
            var month = from
            while month <= to {
                let tally = months[month] ?? ReportTally()
                points.append(Point(period: month.description, received: tally.total, open: tally.open))
                month = month.adding(months: 1)
            }
            return points
        case .day, .week:
            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            var points: [Point] = []
            var day = from.firstDay
            let last = to.lastDay
            while day <= last {
                let tally = days[day] ?? ReportTally()
                let period: String
                if grain == .day {
                    period = day.description
                } else {
                    let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
                    let week = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
                    period = String(format: "%04d-W%02d", week.yearForWeekOfYear ?? day.year, week.weekOfYear ?? 1)
                }
                if let lastPoint = points.last, lastPoint.period == period {
                    points[points.count - 1].received += tally.total
                    points[points.count - 1].open += tally.open
                } else {
                    points.append(Point(period: period, received: tally.total, open: tally.open))
                }
                day = day.next
            }
            return points
        }
    }
}
