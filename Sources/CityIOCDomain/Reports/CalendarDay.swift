import Foundation

/// An exception to the ordinary week on the city's working calendar: a public holiday (or a
/// bridging day off), or a weekend day worked in exchange ("làm bù").
public struct CalendarDay: Sendable, Equatable, Codable {
    public enum Kind: String, CaseIterable, Sendable, Codable {
        case holiday
        case workingDay = "working_day"
    }

    public var day: CivilDay
    public var kind: Kind
    /// What people call it: "Tết Nguyên đán", "Làm bù cho ngày 02/5".
    public var name: String

    public init(day: CivilDay, kind: Kind, name: String) {
        self.day = day
        self.kind = kind
        self.name = name
    }

    public func validate() throws(ValidationError) {
        guard (2000...2100).contains(day.year) else { throw ValidationError(field: "day", reason: .outOfRange) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let components = DateComponents(year: day.year, month: day.month, day: day.day)
        guard components.isValidDate(in: calendar) else { throw ValidationError(field: "day", reason: .invalidValue) }
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ValidationError(field: "name", reason: .required) }
        guard trimmed.count <= 120 else { throw ValidationError(field: "name", reason: .tooLong) }
    }
}

extension WorkingCalendar {
    /// The ordinary week with these exceptions.
    public init(days: [CalendarDay], timeZone: TimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? .gmt) {
        self.init(
            timeZone: timeZone, holidays: Set(days.filter { $0.kind == .holiday }.map(\.day)),
            makeUpWorkingDays: Set(days.filter { $0.kind == .workingDay }.map(\.day)))
    }
}
