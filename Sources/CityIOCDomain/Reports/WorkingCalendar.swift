import Foundation

/// When the city's administration works: office sessions on working days, in the city's time
/// zone. Weekends are off, public holidays are off, and the make-up Saturdays that the
/// government sometimes swaps for a bridging day are on. Deadlines of citizen reports are
/// counted on it in working hours ("trong 8 giờ làm việc") and working days ("3 ngày làm việc").
///
/// A working day is counted as one day's worth of working hours, so a report received on Friday
/// at 16:00 with three working days is due on Wednesday at 16:00, and one received on a Sunday
/// starts counting at Monday's first session.
public struct WorkingCalendar: Sendable, Equatable {
    /// Minutes after midnight, local time.
    public struct Session: Sendable, Equatable, Codable {
        public var start: Int
        public var end: Int

        public init(_ start: (Int, Int), _ end: (Int, Int)) {
            self.start = start.0 * 60 + start.1
            self.end = end.0 * 60 + end.1
        }

        public var minutes: Int { end - start }
    }

    public var timeZone: TimeZone
    /// Office sessions of a working day, in order, not overlapping.
    public var sessions: [Session]
    /// Days of the week that are off: 1 is Sunday, 7 is Saturday (Gregorian calendar numbering).
    public var weekendDays: Set<Int>
    public var holidays: Set<CivilDay>
    /// Weekend days that are worked, in exchange for a bridging day off.
    public var makeUpWorkingDays: Set<CivilDay>

    public init(
        timeZone: TimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? .gmt,
        sessions: [Session] = [Session((7, 30), (11, 30)), Session((13, 0), (17, 0))],
        weekendDays: Set<Int> = [1, 7], holidays: Set<CivilDay> = [], makeUpWorkingDays: Set<CivilDay> = []
    ) {
        self.timeZone = timeZone
        self.sessions = sessions
        self.weekendDays = weekendDays
        self.holidays = holidays
        self.makeUpWorkingDays = makeUpWorkingDays
    }

    /// Working minutes in one working day (480 with the default sessions).
    public var minutesPerDay: Int { sessions.reduce(0) { $0 + $1.minutes } }

    /// The Gregorian calendar in the city's time zone.
    public var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    public func civilDay(of date: Date) -> CivilDay {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return CivilDay(c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    public func isWorkingDay(_ day: CivilDay) -> Bool {
        if makeUpWorkingDays.contains(day) { return true }
        if holidays.contains(day) { return false }
        guard let date = start(of: day) else { return false }
        return !weekendDays.contains(calendar.component(.weekday, from: date))
    }

    /// Midnight at the start of `day`, in the city's time zone.
    public func start(of day: CivilDay) -> Date? {
        calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
    }

    func next(_ day: CivilDay) -> CivilDay {
        guard let date = start(of: day), let following = calendar.date(byAdding: .day, value: 1, to: date) else { return day }
        return civilDay(of: following)
    }

    /// The instant when `minutes` of working time have passed after `start`. Time outside the
    /// sessions of working days does not count.
    public func adding(workingMinutes minutes: Int, to start: Date) -> Date {
        precondition(minutesPerDay > 0, "a working calendar needs at least one session")
        var remaining = TimeInterval(max(0, minutes) * 60)
        var day = civilDay(of: start)
        var cursor = start
        // Ten years of days off in a row is a configuration error, not a deadline.
        for _ in 0..<(366 * 10) {
            if isWorkingDay(day), let midnight = self.start(of: day) {
                for session in sessions {
                    let opens = midnight.addingTimeInterval(TimeInterval(session.start * 60))
                    let closes = midnight.addingTimeInterval(TimeInterval(session.end * 60))
                    let from = max(opens, cursor)
                    guard from < closes else { continue }
                    let available = closes.timeIntervalSince(from)
                    if remaining <= available { return from.addingTimeInterval(remaining) }
                    remaining -= available
                    cursor = closes
                }
            }
            day = next(day)
            cursor = max(cursor, self.start(of: day) ?? cursor)
        }
        return cursor
    }

    public func adding(_ duration: WorkingDuration, to start: Date) -> Date {
        adding(workingMinutes: duration.minutes(in: self), to: start)
    }

    /// Working minutes between two instants (zero when `end` is not after `start`): how long a
    /// report took, in the terms its deadline was set in.
    public func workingMinutes(from start: Date, to end: Date) -> Int {
        guard end > start else { return 0 }
        var total = 0.0
        var day = civilDay(of: start)
        let last = civilDay(of: end)
        while day <= last {
            if isWorkingDay(day), let midnight = self.start(of: day) {
                for session in sessions {
                    let opens = max(midnight.addingTimeInterval(TimeInterval(session.start * 60)), start)
                    let closes = min(midnight.addingTimeInterval(TimeInterval(session.end * 60)), end)
                    if closes > opens { total += closes.timeIntervalSince(opens) / 60 }
                }
            }
            day = next(day)
        }
        return Int(total.rounded(.down))
    }
}

/// A length of working time, as regulations state it.
public enum WorkingDuration: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    case hours(Int)
    case days(Int)

    public func minutes(in calendar: WorkingCalendar) -> Int {
        switch self {
        case .hours(let hours): return hours * 60
        case .days(let days): return days * calendar.minutesPerDay
        }
    }

    public var description: String {
        switch self {
        case .hours(let hours): return "\(hours)h"
        case .days(let days): return "\(days)d"
        }
    }

    /// Parses `8h` or `3d`, as admins type them.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = trimmed.last, let value = Int(trimmed.dropLast()), value > 0, value <= 1000 else { return nil }
        switch unit {
        case "h": self = .hours(value)
        case "d": self = .days(value)
        default: return nil
        }
    }

    /// In JSON as admins write it: `"8h"`, `"3d"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let value = WorkingDuration(try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a working duration such as 8h or 3d")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
