import Foundation

/// The stretch of time one value of an indicator covers: a day, a month, a quarter or a year,
/// written `2026-11-30`, `2026-11`, `2026-Q4`, `2026` (in the API, in imports and in the
/// database, where that text sorts as time does within one frequency).
public struct Period: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public enum Frequency: String, CaseIterable, Sendable, Codable {
        case day, month, quarter, year

        public func name(_ language: Language) -> String {
            switch (self, language) {
            case (.day, .vi): "ngày"
            case (.day, .en): "daily"
            case (.month, .vi): "tháng"
            case (.month, .en): "monthly"
            case (.quarter, .vi): "quý"
            case (.quarter, .en): "quarterly"
            case (.year, .vi): "năm"
            case (.year, .en): "yearly"
            }
        }
    }

    public let frequency: Frequency
    /// The period's first day.
    public let start: CivilDay

    /// The period of `frequency` that holds `day`.
    public init(_ frequency: Frequency, containing day: CivilDay) {
        self.frequency = frequency
        switch frequency {
        case .day: start = day
        case .month: start = CivilDay(day.year, day.month, 1)
        case .quarter: start = CivilDay(day.year, (day.month - 1) / 3 * 3 + 1, 1)
        case .year: start = CivilDay(day.year, 1, 1)
        }
    }

    /// Reads any of the four forms; nil for anything else (`2026-13`, `2026-Q5`, `2026-02-30`).
    /// On the bytes: a dashboard reads thousands of stored periods per page.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes.count >= 4, let year = digits(0..<4), (1900...9999).contains(year) else { return nil }
        let dash = UInt8(ascii: "-")
        switch bytes.count {
        case 4:
            self.init(.year, containing: CivilDay(year, 1, 1))
        case 7 where bytes[4] == dash && (bytes[5] == UInt8(ascii: "Q") || bytes[5] == UInt8(ascii: "q")):
            guard let quarter = digits(6..<7), (1...4).contains(quarter) else { return nil }
            self.init(.quarter, containing: CivilDay(year, quarter * 3 - 2, 1))
        case 7 where bytes[4] == dash:
            guard let month = digits(5..<7), (1...12).contains(month) else { return nil }
            self.init(.month, containing: CivilDay(year, month, 1))
        case 10 where bytes[4] == dash && bytes[7] == dash:
            guard let month = digits(5..<7), (1...12).contains(month), let day = digits(8..<10), day >= 1,
                day <= YearMonth(year, month).lastDay.day
            else { return nil }
            self.init(.day, containing: CivilDay(year, month, day))
        default:
            return nil
        }
    }

    /// Reads the text as a period of the given frequency only (an import row of `2026-11` for a
    /// yearly indicator is a mistake, not a year).
    public init?(_ text: String, as frequency: Frequency) {
        guard let period = Period(text.trimmingCharacters(in: .whitespaces)), period.frequency == frequency else { return nil }
        self = period
    }

    public var description: String {
        switch frequency {
        case .day: start.description
        case .month: "\(start.year.zeroPadded(4))-\(start.month.zeroPadded(2))"
        case .quarter: "\(start.year.zeroPadded(4))-Q\((start.month - 1) / 3 + 1)"
        case .year: start.year.zeroPadded(4)
        }
    }

    /// "Tháng 11/2026", "Quý IV/2026", "Năm 2026", "30/11/2026"; "November 2026", "Q4 2026"…
    public func label(_ language: Language) -> String {
        let quarter = (start.month - 1) / 3 + 1
        switch (frequency, language) {
        case (.day, .vi): return "\(start.day.zeroPadded(2))/\(start.month.zeroPadded(2))/\(start.year)"
        case (.day, .en): return "\(start.day) \(Self.monthsEn[start.month - 1]) \(start.year)"
        case (.month, .vi): return "Tháng \(start.month)/\(start.year)"
        case (.month, .en): return "\(Self.monthsEn[start.month - 1]) \(start.year)"
        case (.quarter, .vi): return "Quý \(["I", "II", "III", "IV"][quarter - 1])/\(start.year)"
        case (.quarter, .en): return "Q\(quarter) \(start.year)"
        case (.year, .vi): return "Năm \(start.year)"
        case (.year, .en): return "\(start.year)"
        }
    }

    static let monthsEn = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]

    /// The period before (the month before, the quarter before…).
    public var previous: Period { shifted(by: -1) }
    public var next: Period { shifted(by: 1) }

    /// The same period a year earlier (29 February goes to the 28th).
    public var sameLastYear: Period {
        let year = start.year - 1
        let day = min(start.day, YearMonth(year, start.month).lastDay.day)
        return Period(frequency, containing: CivilDay(year, start.month, day))
    }

    /// `count` periods further on (back when negative).
    public func shifted(by count: Int) -> Period {
        switch frequency {
        case .day:
            var day = start
            if count >= 0 {
                for _ in 0..<count { day = day.next }
            } else {
                for _ in 0..<(-count) { day = day.previous }
            }
            return Period(.day, containing: day)
        case .month, .quarter:
            let months = (frequency == .month ? 1 : 3) * count
            let index = start.year * 12 + (start.month - 1) + months
            return Period(frequency, containing: CivilDay(Int((Double(index) / 12).rounded(.down)), ((index % 12) + 12) % 12 + 1, 1))
        case .year:
            return Period(.year, containing: CivilDay(start.year + count, 1, 1))
        }
    }

    /// The last `count` periods up to and including this one, oldest first.
    public func trailing(_ count: Int) -> [Period] {
        (0..<max(0, count)).reversed().map { shifted(by: -$0) }
    }

    public static func < (lhs: Period, rhs: Period) -> Bool {
        lhs.start == rhs.start ? lhs.frequency.rawValue < rhs.frequency.rawValue : lhs.start < rhs.start
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let period = Period(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected 2026, 2026-Q4, 2026-11 or 2026-11-30"))
        }
        self = period
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Period {
    /// The day a period's figures are due from the agencies: the `day` (25 by default, as the
    /// provincial socio-economic report asks) of the month after the period ends; the day
    /// after, for a daily figure.
    public func reportingDeadline(day: Int = 25) -> CivilDay {
        let after = next.start
        if frequency == .day { return after }
        return CivilDay(after.year, after.month, min(max(day, 1), 28))
    }
}
