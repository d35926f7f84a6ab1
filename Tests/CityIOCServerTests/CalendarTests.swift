import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CityIOCServer

@Suite struct CalendarTests {
    @Test func theShippedHolidaysAreValidAndGive250WorkingDaysIn2025() throws {
        let days = try DemoCity.loadHolidays()
        for day in days { try day.validate() }
        let calendar = WorkingCalendar(days: days)
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = calendar.timeZone
        var count = 0
        var date = gregorian.date(from: DateComponents(year: 2025, month: 1, day: 1))!
        while gregorian.component(.year, from: date) == 2025 {
            if calendar.isWorkingDay(calendar.civilDay(of: date)) { count += 1 }
            date = gregorian.date(byAdding: .day, value: 1, to: date)!
        }
        // 261 weekdays, 12 of them holidays (1/1, 27–31/1, 7/4, 30/4, 1/5, 2/5, 1/9, 2/9), plus the
        // make-up Saturday of 26 April
        #expect(count == 250)
    }

    @Test(arguments: TestEngine.all)
    func daysAreStoredPerYearAndAudited(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            let store = services.calendar
            try await store.saveCalendarDay(CalendarDay(day: CivilDay(2025, 9, 1), kind: .holiday, name: "Quốc khánh"), context: system)
            try await store.saveCalendarDay(CalendarDay(day: CivilDay(2025, 9, 2), kind: .holiday, name: "Quốc khánh"), context: system)
            try await store.saveCalendarDay(CalendarDay(day: CivilDay(2026, 1, 1), kind: .holiday, name: "Tết Dương lịch"), context: system)
            try await store.saveCalendarDay(CalendarDay(day: CivilDay(2025, 4, 26), kind: .workingDay, name: "Làm bù"), context: system)
            #expect(try await store.calendarDays(year: 2025).map(\.day.description) == ["2025-04-26", "2025-09-01", "2025-09-02"])
            #expect(try await store.calendarDays(year: nil).count == 4)

            // deadlines follow the stored calendar: Friday 29 August 2025 10:00 + 1 day → Wednesday 10:00
            let calendar = try await store.workingCalendar()
            var gregorian = Calendar(identifier: .gregorian)
            gregorian.timeZone = calendar.timeZone
            let friday = gregorian.date(from: DateComponents(year: 2025, month: 8, day: 29, hour: 10))!
            let wednesday = gregorian.date(from: DateComponents(year: 2025, month: 9, day: 3, hour: 10))!
            #expect(calendar.adding(.days(1), to: friday) == wednesday)

            try await store.deleteCalendarDay(CivilDay(2025, 9, 2), context: system)
            await #expect(throws: StoreError.notFound) { try await store.deleteCalendarDay(CivilDay(2025, 9, 2), context: system) }
            let audit = try await services.audit.auditEntries(AuditFilter(entityType: "calendar_day", entityID: "2025-09-02"))
            #expect(audit.map(\.action) == ["calendar.delete", "calendar.create"])
        }
    }

    @Test(arguments: TestEngine.all)
    func adminsEditTheCalendarOthersReadIt(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            var admin = Browser(client)
            _ = try await admin.signIn("admin")
            try await admin.get("/admin/calendar?year=2026")
            let added = try await admin.post("/admin/calendar", form: ["day": "2026-09-01", "kind": "holiday", "name": "Quốc khánh"])
            #expect(added.status == .seeOther)
            let page = try await admin.get("/admin/calendar?year=2026")
            #expect(page.text.contains("01/09/2026"))
            let impossible = try await admin.post("/admin/calendar", form: ["day": "2026-02-30", "kind": "holiday", "name": "x"])
            #expect(impossible.status == .unprocessableContent)

            var staff = Browser(client)
            _ = try await staff.signIn("canbo.honggai")
            let seen = try await staff.get("/admin/calendar?year=2026")
            #expect(seen.status == .ok)
            #expect(seen.text.contains("Quốc khánh"))
            #expect(!seen.text.contains("/admin/calendar/2026-09-01/delete"))
            #expect(try await staff.post("/admin/calendar/2026-09-01/delete", form: [:]).status == .forbidden)

            let key = try await services.administration.createApiKey(name: "lịch", role: .admin, agencyID: nil, context: system).1
            let put = try await client.execute(
                uri: "/api/v1/calendar/2026-08-31", method: .put, headers: bearer(key, json: true),
                body: ByteBuffer(string: #"{"kind":"holiday","name":"Nghỉ liền kề Quốc khánh"}"#))
            #expect(put.status == .ok)
            let listed = try await client.execute(uri: "/api/v1/calendar?year=2026", method: .get, headers: bearer(key))
            #expect(try listed.items().map { $0["day"] as? String } == ["2026-08-31", "2026-09-01"])
            let deleted = try await client.execute(uri: "/api/v1/calendar/2026-08-31", method: .delete, headers: bearer(key))
            #expect(deleted.status == .noContent)
            let badKind = try await client.execute(
                uri: "/api/v1/calendar/2026-08-31", method: .put, headers: bearer(key, json: true),
                body: ByteBuffer(string: #"{"kind":"party","name":"x"}"#))
            #expect(badKind.status == .badRequest)
        }
    }
}
