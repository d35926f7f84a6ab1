import CityIOCDomain
import Foundation

/// When agencies' figures are due and how each stands: what the entry form, the start page's
/// reminder and the reminder e-mails all go by.
enum IndicatorDeadlines {
    /// The day of the month after a period when its figures are due (`CITYIOC_INDICATOR_DUE_DAY`, 25 by default).
    static let dueDay = ProcessInfo.processInfo.environment["CITYIOC_INDICATOR_DUE_DAY"].flatMap { Int($0) }.map { min(max($0, 1), 28) } ?? 25
    /// Days before the deadline from which a missing figure is called due soon.
    static let dueSoonDays = 5

    /// How a due figure stands on `today`: sent, due in so many days, or late by so many.
    enum Standing: Equatable {
        case sent
        case dueIn(Int)
        case late(Int)
    }

    static func standing(_ period: Period, value: IndicatorValue?, today: CivilDay) -> Standing {
        if value != nil { return .sent }
        let deadline = period.reportingDeadline(day: dueDay)
        let days = CivilDay.days(from: today, to: deadline)
        return days >= 0 ? .dueIn(days) : .late(-days)
    }
}
