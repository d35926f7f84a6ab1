import CityIOCDomain
import Foundation
import Testing

@Suite struct WorkingCalendarTests {
    /// The 2025 National Day break (Mon 1 and Tue 2 September off) and the Saturday worked in
    /// exchange for Friday 2 May 2025: facts made for the test, not read from shipped data.
    let calendar = WorkingCalendar(
        holidays: [CivilDay(2025, 9, 1), CivilDay(2025, 9, 2), CivilDay(2025, 5, 2)],
        makeUpWorkingDays: [CivilDay(2025, 4, 26)])

    func at(_ day: CivilDay, _ hour: Int, _ minute: Int = 0) -> Date {
        var components = Calendar(identifier: .gregorian)
        components.timeZone = calendar.timeZone
        return components.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute))!
    }

    @Test func threeWorkingDaysFromFridayAfternoonEndOnWednesday() {
        let received = at(CivilDay(2025, 11, 14), 16)
        #expect(calendar.adding(.days(3), to: received) == at(CivilDay(2025, 11, 19), 16))
    }

    @Test func aWeekendAndThePublicHolidayDoNotCount() {
        // Friday 29 August, then Sat, Sun, and the two National Day holidays
        let received = at(CivilDay(2025, 8, 29), 10)
        #expect(calendar.adding(.days(1), to: received) == at(CivilDay(2025, 9, 3), 10))
        // eight working hours from 15:00 on Friday: two on Friday, six on Wednesday
        #expect(calendar.adding(.hours(8), to: at(CivilDay(2025, 8, 29), 15)) == at(CivilDay(2025, 9, 3), 15))
        #expect(!calendar.isWorkingDay(CivilDay(2025, 9, 2)))
    }

    @Test func aMakeUpSaturdayIsWorked() {
        #expect(calendar.isWorkingDay(CivilDay(2025, 4, 26)))
        #expect(!calendar.isWorkingDay(CivilDay(2025, 5, 2)))
        // Friday 25 April 16:00 + 4 h: one hour on Friday, three on the make-up Saturday
        #expect(calendar.adding(.hours(4), to: at(CivilDay(2025, 4, 25), 16)) == at(CivilDay(2025, 4, 26), 10, 30))
    }

    @Test func countingStartsAtTheNextSessionAndSkipsLunch() {
        // received on a Sunday evening: Monday 07:30 + 4 h = 11:30
        #expect(calendar.adding(.hours(4), to: at(CivilDay(2025, 11, 16), 20)) == at(CivilDay(2025, 11, 17), 11, 30))
        // 11:00 + 1 h: half an hour before lunch, half an hour after
        #expect(calendar.adding(.hours(1), to: at(CivilDay(2025, 11, 17), 11)) == at(CivilDay(2025, 11, 17), 13, 30))
        // seconds are kept, not rounded away
        let odd = at(CivilDay(2025, 11, 17), 9).addingTimeInterval(17)
        #expect(calendar.adding(.hours(1), to: odd) == at(CivilDay(2025, 11, 17), 10).addingTimeInterval(17))
    }

    @Test(arguments: [0, 1, 59, 60, 230, 480, 481, 2400, 4800])
    func workingMinutesUndoAdding(minutes: Int) {
        let start = at(CivilDay(2025, 8, 28), 14, 10)
        let end = calendar.adding(workingMinutes: minutes, to: start)
        #expect(calendar.workingMinutes(from: start, to: end) == minutes)
    }

    @Test func deadlinesStandOnTimeThenDueSoonThenOverdue() {
        let start = at(CivilDay(2025, 11, 17), 8)
        let deadline = Deadline(kind: .resolve, startedAt: start, due: calendar.adding(.days(3), to: start))
        #expect(deadline.standing(at: at(CivilDay(2025, 11, 17), 9), calendar: calendar) == .onTime)
        #expect(deadline.standing(at: at(CivilDay(2025, 11, 19), 16), calendar: calendar) == .dueSoon)
        #expect(deadline.standing(at: at(CivilDay(2025, 11, 20), 9), calendar: calendar) == .overdue)
        var met = deadline
        met.metAt = at(CivilDay(2025, 11, 18), 10)
        #expect(met.standing(at: at(CivilDay(2025, 12, 1), 9), calendar: calendar) == .met)
        met.metAt = at(CivilDay(2025, 11, 21), 10)
        #expect(met.standing(at: at(CivilDay(2025, 12, 1), 9), calendar: calendar) == .missed)
    }

    @Test func durationsAreParsedAsAdminsTypeThem() {
        #expect(WorkingDuration("8h") == .hours(8))
        #expect(WorkingDuration(" 3D ") == .days(3))
        #expect(WorkingDuration("0h") == nil)
        #expect(WorkingDuration("3 weeks") == nil)
        #expect(WorkingDuration.days(3).minutes(in: calendar) == 3 * 480)
    }
}

@Suite struct DurationBucketTests {
    @Test func quantilesReadFromBucketsStayWithinTheStatedAccuracy() {
        var counts: [Int: Int] = [:]
        let values = (1...2000).map { ($0 * 37) % 9000 + 1 }
        for value in values { counts[DurationBuckets.bucket(minutes: value), default: 0] += 1 }
        let sorted = values.sorted()
        for q in [0.5, 0.9, 0.99] {
            let exact = Double(sorted[Int((q * Double(sorted.count)).rounded(.up)) - 1])
            let read = DurationBuckets.quantile(q, of: counts)!
            #expect(abs(read - exact) <= exact * DurationBuckets.accuracy)
        }
        #expect(DurationBuckets.quantile(0.5, of: [:]) == nil)
        #expect(DurationBuckets.bucket(minutes: 0) == 0)
        #expect(DurationBuckets.value(ofBucket: 0) == 0)
    }

    @Test func aStepMovesAReportFromOneCounterToAnother() {
        let calendar = WorkingCalendar()
        let now = Date(timeIntervalSince1970: 1_741_000_000)
        let desk = Principal(kind: .user, id: "o", name: "o", role: .operator, agencyID: nil)
        var report = Report(
            id: "r", service: "o-ga", description: "", latitude: nil, longitude: nil, address: "x", addressID: nil, wardCode: "06685",
            channel: .web, reporter: .init(), attributes: [:], mediaURL: nil, requestedAt: now, workflow: ReportWorkflow(receivedAt: now, by: desk))
        let before = ReportFacts(report, calendar: calendar)
        let created = ReportFacts.delta(from: nil, to: before)
        #expect(created.values.allSatisfy { $0 == 1 })
        #expect(created.count == 5)  // a day and four dimensions
        _ = try? report.workflow.apply(.refuse(reason: "spam"), .init(actor: desk, now: now, calendar: calendar))
        let delta = ReportFacts.delta(from: before, to: ReportFacts(report, calendar: calendar))
        #expect(delta.values.reduce(0, +) == 0)
        #expect(delta.filter { $0.value == -1 }.keys.allSatisfy { $0.measure == .status(.received) })
        #expect(delta.count == 10)  // received → refused, in a day and four dimensions
        #expect(YearMonth("2025-13") == nil && YearMonth("2025-1") == nil && YearMonth("2025-02")?.lastDay == CivilDay(2025, 2, 28))
        #expect(CivilDay(2024, 12, 31).next == CivilDay(2025, 1, 1) && CivilDay(2024, 2, 28).next == CivilDay(2024, 2, 29))
    }
}
