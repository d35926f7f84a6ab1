import Testing

@testable import CityIOCDomain

/// When agencies' figures are due, and days between civil days.
@Suite struct ReportingDeadlineTests {
    @Test func aPeriodsFiguresAreDueOnTheDayOfTheMonthAfterItEnds() {
        #expect(Period("2026-11")!.reportingDeadline() == CivilDay(2026, 12, 25))
        #expect(Period("2026-12")!.reportingDeadline() == CivilDay(2027, 1, 25))
        #expect(Period("2026-Q3")!.reportingDeadline(day: 10) == CivilDay(2026, 10, 10))
        #expect(Period("2025")!.reportingDeadline() == CivilDay(2026, 1, 25))
        #expect(Period("2026-02-28")!.reportingDeadline() == CivilDay(2026, 3, 1))
        // a day the shortest month does not have is not asked for
        #expect(Period("2026-01")!.reportingDeadline(day: 31) == CivilDay(2026, 2, 28))
    }

    @Test func daysBetweenCivilDaysCountLeapYears() {
        #expect(CivilDay(1970, 1, 1).dayNumber == 0)
        #expect(CivilDay(2026, 12, 1).dayNumber == 20788)
        #expect(CivilDay(1969, 12, 31).dayNumber == -1)
        #expect(CivilDay.days(from: CivilDay(2024, 2, 28), to: CivilDay(2024, 3, 1)) == 2)
        #expect(CivilDay.days(from: CivilDay(2026, 12, 25), to: CivilDay(2026, 12, 2)) == -23)
    }
}
