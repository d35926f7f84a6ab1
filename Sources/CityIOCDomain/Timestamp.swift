import Foundation

/// Instants written and read as RFC 3339 text by direct arithmetic, giving exactly what
/// Foundation's `Date.ISO8601FormatStyle` gives. Every date stored in SQLite, every log line and
/// every time in an Open311 list goes through here: a list of 1,000 requests holds 3,000 of them,
/// and the format style's parsing and writing showed at the top of those profiles.
public enum Timestamp {
    /// `2026-11-22T09:10:23.333Z`: UTC with milliseconds, cut rather than rounded.
    public static func utcMilliseconds(_ date: Date) -> String {
        let (seconds, milliseconds) = split(date)
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendCivil(seconds, to: &out)
        out.append(0x2E)
        appendDigits(Int(milliseconds), 3, to: &out)
        out.append(0x5A)
        return String(decoding: out, as: UTF8.self)
    }

    /// `2026-11-22T16:10:23+07:00`: whole seconds in the local time of a zone `offset` seconds
    /// east of UTC (`Z` for UTC), as `ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone:)`.
    public static func local(_ date: Date, offset: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(25)
        appendLocal(date, offset: offset, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `local`'s text appended to bytes, digit by digit (an Open311 list writes 3,000 of them).
    public static func appendLocal(_ date: Date, offset: Int, to out: inout [UInt8]) {
        let (seconds, _) = split(date)
        appendCivil(seconds + Int64(offset), to: &out)
        guard offset != 0 else { return out.append(0x5A) }
        let minutes = abs(offset) / 60
        out.append(offset < 0 ? 0x2D : 0x2B)
        appendDigits(minutes / 60, 2, to: &out)
        out.append(0x3A)
        appendDigits(minutes % 60, 2, to: &out)
    }

    /// `2026-11-22T09:10:23` for seconds since 1970, digit by digit (no string per field).
    private static func appendCivil(_ seconds: Int64, to out: inout [UInt8]) {
        let (days, inDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, second) = inDay < 0 ? (days - 1, Int(inDay + 86_400)) : (days, Int(inDay))
        let (year, month, dayOfMonth) = civilDate(daysSince1970: day)
        appendDigits(year, 4, to: &out)
        out.append(0x2D)
        appendDigits(month, 2, to: &out)
        out.append(0x2D)
        appendDigits(dayOfMonth, 2, to: &out)
        out.append(0x54)
        appendDigits(second / 3600, 2, to: &out)
        out.append(0x3A)
        appendDigits(second / 60 % 60, 2, to: &out)
        out.append(0x3A)
        appendDigits(second % 60, 2, to: &out)
    }

    /// `value` with at least `count` digits, zeros in front (a year past 9999 keeps all its
    /// digits, one before year 0 its sign, as `zeroPadded` writes them).
    private static func appendDigits(_ value: Int, _ count: Int, to out: inout [UInt8]) {
        var limit = 1
        for _ in 0..<count { limit *= 10 }
        guard value >= 0, value < limit else { return out.append(contentsOf: value.zeroPadded(count).utf8) }
        var divisor = limit / 10
        while divisor > 0 {
            out.append(UInt8(0x30 + value / divisor % 10))
            divisor /= 10
        }
    }

    /// Reads `utcMilliseconds`' own form directly (`YYYY-MM-DDTHH:MM:SS.mmmZ`, as SQLite keeps
    /// instants); any other ISO 8601 text goes to Foundation, with or without fractions.
    public static func parse(_ text: String) -> Date? {
        if let date = parseUTCMilliseconds(text) { return date }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    static func parseUTCMilliseconds(_ text: String) -> Date? {
        // Native strings are contiguous UTF-8; anything else takes the slow path.
        text.utf8.withContiguousStorageIfAvailable { bytes -> Date? in
            guard bytes.count == 24, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54, bytes[13] == 0x3A, bytes[16] == 0x3A,
                bytes[19] == 0x2E, bytes[23] == 0x5A
            else { return nil }
            func number(_ from: Int, _ count: Int) -> Int? {
                var value = 0
                for i in from..<from + count {
                    let digit = Int(bytes[i]) - 0x30
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                let minute = number(14, 2), let second = number(17, 2), let milliseconds = number(20, 3),
                (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
            else { return nil }
            let days = daysSince1970(year: year, month: month, day: day)
            // 31 February is no date: Foundation refuses it, so must this.
            guard civilDate(daysSince1970: Int64(days)) == (year, month, day) else { return nil }
            // The nearest instant a `Date` can hold may lie just below the millisecond, which
            // would then be written back one lower (writing cuts): take the next one up. Read
            // this way, stored text always writes back the same (Foundation's parse does not).
            let exact = (Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - 978_307_200) * 1000 + Int64(milliseconds)
            var interval = Double(exact) / 1000
            while millisecondsSince1970(Date(timeIntervalSinceReferenceDate: interval)) < exact + 978_307_200_000 { interval = interval.nextUp }
            return Date(timeIntervalSinceReferenceDate: interval)
        } ?? nil
    }

    /// Whole seconds since 1970 and the milliseconds past them, from the instant as `Date` holds
    /// it (seconds since 2001), as Foundation computes it.
    private static func split(_ date: Date) -> (Int64, Int64) {
        let (seconds, rest) = millisecondsSince1970(date).quotientAndRemainder(dividingBy: 1000)
        return rest < 0 ? (seconds - 1, rest + 1000) : (seconds, rest)
    }

    private static func millisecondsSince1970(_ date: Date) -> Int64 {
        let reference = date.timeIntervalSinceReferenceDate
        let whole = reference.rounded(.down)
        return (Int64(whole) + 978_307_200) * 1000 + Int64(((reference - whole) * 1000).rounded(.down))
    }

    /// Year, month and day from days since 1970-01-01 (Howard Hinnant's civil-from-days).
    public static func civilDate(daysSince1970 day: Int64) -> (Int, Int, Int) {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (Int(yoe + era * 400 + (month <= 2 ? 1 : 0)), month, Int(doy - (153 * mp + 2) / 5 + 1))
    }

    /// Days since 1970-01-01 of a civil date (the same author's days-from-civil).
    public static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
