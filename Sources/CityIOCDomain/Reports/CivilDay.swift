import Foundation

/// A date on the city's wall calendar (no time, no time zone): a public holiday, a make-up
/// working Saturday, the day a report arrived.
public struct CivilDay: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(_ year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `2026-02-16`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        self.init(parts[0], parts[1], parts[2])
    }

    public var description: String { "\(year.zeroPadded(4))-\(month.zeroPadded(2))-\(day.zeroPadded(2))" }

    /// The day after.
    public var next: CivilDay {
        let last = YearMonth(year, month).lastDay.day
        if day < last { return CivilDay(year, month, day + 1) }
        return month == 12 ? CivilDay(year + 1, 1, 1) : CivilDay(year, month + 1, 1)
    }

    /// The day before.
    public var previous: CivilDay {
        if day > 1 { return CivilDay(year, month, day - 1) }
        return month == 1 ? CivilDay(year - 1, 12, 31) : YearMonth(year, month - 1).lastDay
    }

    public static func < (lhs: CivilDay, rhs: CivilDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = CivilDay(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected YYYY-MM-DD"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Int {
    /// `7.zeroPadded(2)` is `"07"`: what `String(format: "%02d")` gives, without parsing a format
    /// (it showed in the intake's profile, where every report writes a dozen of them).
    public func zeroPadded(_ width: Int) -> String {
        let digits = String(self.magnitude)
        let room = self < 0 ? width - 1 : width  // as printf, the sign takes a place
        let padded = digits.count >= room ? digits : String(repeating: "0", count: room - digits.count) + digits
        return self < 0 ? "-" + padded : padded
    }
}

extension CivilDay {
    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    public var dayNumber: Int { Timestamp.daysSince1970(year: year, month: month, day: day) }

    /// Whole days from `start` to `end` (negative when `end` is earlier).
    public static func days(from start: CivilDay, to end: CivilDay) -> Int { end.dayNumber - start.dayNumber }
}
