import CityIOCDomain
import Foundation

/// Dates and numbers as people in Vietnam read them: `22/11/2026 10:45` in the city's time
/// zone, `1.234.567` with dots; in English `22 Nov 2026 10:45` and `1,234,567`.
struct Format: Sendable {
    let language: Language
    var timeZone: TimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? .gmt

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    func dateTime(_ date: Date?) -> String {
        guard let date else { return "—" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let time = String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
        switch language {
        case .vi: return String(format: "%02d/%02d/%04d ", c.day ?? 0, c.month ?? 0, c.year ?? 0) + time
        case .en: return "\(c.day ?? 0) \(Self.months[(c.month ?? 1) - 1]) \(c.year ?? 0) " + time
        }
    }

    func time(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    /// A civil day as Vietnamese and British readers write it: 25/12/2026.
    func day(_ day: CivilDay) -> String {
        "\(day.day.zeroPadded(2))/\(day.month.zeroPadded(2))/\(day.year)"
    }

    func integer(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: language == .vi ? "." : ",")
    }

    func decimal(_ value: Double?, places: Int = 2) -> String {
        guard let value else { return "—" }
        // Small places of ordinary numbers directly (dashboards write hundreds per page).
        if (0...6).contains(places), value.isFinite, abs(value) < 1e12 {
            var scale = 1
            for _ in 0..<places { scale *= 10 }
            let scaled = Int((abs(value) * Double(scale)).rounded())
            let whole = integer(scaled / scale)
            let sign = value < 0 && scaled != 0 ? "-" : ""
            guard places > 0 else { return sign + whole }
            let fraction = String(scaled % scale)
            return sign + whole + (language == .vi ? "," : ".") + String(repeating: "0", count: places - fraction.count) + fraction
        }
        let text = String(format: "%.\(places)f", value)
        let parts = text.split(separator: ".")
        let whole = integer(Int(parts[0]) ?? 0)
        guard parts.count > 1 else { return whole }
        return whole + (language == .vi ? "," : ".") + parts[1]
    }

    /// Parses a date typed in a filter (`2026-11-22` from an `<input type=date>`), as the start
    /// of that day in the city's time zone.
    func day(_ text: String?) -> Date? {
        guard let text, !text.isEmpty else { return nil }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }
}
