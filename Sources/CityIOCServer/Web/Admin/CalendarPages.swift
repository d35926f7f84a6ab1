import CityIOCDomain
import Foundation
import Hummingbird

/// The working calendar of one year: holidays and make-up Saturdays that deadlines are counted
/// on. Everyone signed in may look (operators explain deadlines to citizens); admins edit.
struct CalendarPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/admin/calendar", .permission(.viewOrganisation), use: year)
        router.on(.post, "/admin/calendar", .permission(.manageOrganisation), use: save)
        router.on(.post, "/admin/calendar/:day/delete", .permission(.manageOrganisation), use: delete)
    }

    static let weekdays: [Text] = [
        Text(vi: "Chủ nhật", en: "Sunday"), Text(vi: "Thứ Hai", en: "Monday"), Text(vi: "Thứ Ba", en: "Tuesday"),
        Text(vi: "Thứ Tư", en: "Wednesday"), Text(vi: "Thứ Năm", en: "Thursday"), Text(vi: "Thứ Sáu", en: "Friday"),
        Text(vi: "Thứ Bảy", en: "Saturday"),
    ]

    @Sendable func year(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let requested = request.uri.queryParameters["year"].flatMap { Int($0) }
        let year = requested.map { min(max($0, 2000), 2100) } ?? Calendar(identifier: .gregorian).component(.year, from: Date())
        return try await page(context, year: year, flash: nil)
    }

    func page(_ context: AppRequestContext, year: Int, flash: Flash?) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/calendar")
        let days = try await services.calendar.calendarDays(year: year)
        let calendar = WorkingCalendar(days: days)
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = calendar.timeZone
        var workingDays = 0
        var day = CivilDay(year, 1, 1)
        while day.year == year {
            if calendar.isWorkingDay(day) { workingDays += 1 }
            let date = gregorian.date(from: DateComponents(year: day.year, month: day.month, day: day.day + 1))!
            let c = gregorian.dateComponents([.year, .month, .day], from: date)
            day = CivilDay(c.year!, c.month!, c.day!)
        }
        let canEdit = AccessPolicy.allows(context.principal, .manageOrganisation)
        let rows: [HTML] = days.map { entry in
            let date = gregorian.date(from: DateComponents(year: entry.day.year, month: entry.day.month, day: entry.day.day))!
            let weekday = Self.weekdays[gregorian.component(.weekday, from: date) - 1](chrome.language)
            let kind: HTML =
                entry.kind == .holiday
                ? "<span class=\"tag bad\">\(Text(vi: "Nghỉ", en: "Day off")(chrome.language))</span>"
                : "<span class=\"tag ok\">\(Text(vi: "Làm bù", en: "Make-up working day")(chrome.language))</span>"
            let remove: HTML =
                canEdit
                ? "<form method=\"post\" action=\"/admin/calendar/\(entry.day.description)/delete\">\(chrome.csrfField)<button class=\"secondary\" type=\"submit\">\(Text(vi: "Xóa", en: "Remove")(chrome.language))</button></form>"
                : ""
            return
                "<tr><td>\(String(format: "%02d/%02d/%04d", entry.day.day, entry.day.month, entry.day.year))</td><td>\(weekday)</td><td>\(kind)</td><td>\(entry.name)</td><td>\(remove)</td></tr>"
        }
        let addForm: HTML =
            canEdit
            ? """
            <h2>\(Text(vi: "Thêm hoặc sửa một ngày", en: "Add or change a day")(chrome.language))</h2>
            <form class="filters panel" method="post" action="/admin/calendar">
            \(chrome.csrfField)
            <label>\(Text(vi: "Ngày", en: "Date")(chrome.language))<input type="date" name="day" required min="\(year)-01-01" max="\(year)-12-31"></label>
            <label>\(chrome.t(.kind))\(Widgets.select(name: "kind", options: [("holiday", Text(vi: "Nghỉ", en: "Day off")(chrome.language)), ("working_day", Text(vi: "Làm bù", en: "Make-up working day")(chrome.language))], selected: "holiday"))</label>
            <label>\(chrome.t(.name))<input name="name" required maxlength="120" placeholder="Tết Nguyên đán"></label>
            <button type="submit">\(chrome.t(.save))</button>
            </form>
            """ : ""
        let body: HTML = """
            <div class="toolbar"><h1>\(Text(vi: "Lịch làm việc", en: "Working calendar")(chrome.language)) \(year)</h1>
            <p><a class="button secondary" href="/admin/calendar?year=\(year - 1)">← \(year - 1)</a> <a class="button secondary" href="/admin/calendar?year=\(year + 1)">\(year + 1) →</a></p></div>
            <div class="cards"><div class="card"><div class="value">\(chrome.format.integer(workingDays))</div><div class="label">\(Text(vi: "ngày làm việc trong năm", en: "working days in the year")(chrome.language))</div></div></div>
            <p class="hint">\(Text(vi: "Thời hạn xử lý phản ánh được tính theo giờ làm việc (7:30–11:30, 13:00–17:00) trên lịch này.", en: "Citizen-report deadlines are counted in working hours (7:30–11:30, 13:00–17:00) on this calendar.")(chrome.language))</p>
            <div class="table-wrap"><table>
            <thead><tr><th>\(Text(vi: "Ngày", en: "Date")(chrome.language))</th><th>\(Text(vi: "Thứ", en: "Weekday")(chrome.language))</th><th>\(chrome.t(.kind))</th><th>\(chrome.t(.name))</th><th></th></tr></thead>
            <tbody>\(rows.isEmpty ? Widgets.empty(chrome.language, columns: 5) : HTML.join(rows))</tbody>
            </table></div>
            \(addForm)
            """
        return Layout(chrome: chrome, title: Text(vi: "Lịch làm việc", en: "Working calendar")(chrome.language), flash: flash, body: body).render()
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        let parsed = form.text("day").flatMap(CivilDay.init)
        let entry = CalendarDay(
            day: parsed ?? CivilDay(0, 1, 1), kind: form["kind"].flatMap(CalendarDay.Kind.init(rawValue:)) ?? .holiday,
            name: form.text("name") ?? "")
        let year = parsed?.year ?? Calendar(identifier: .gregorian).component(.year, from: Date())
        do {
            guard parsed != nil else { throw ValidationError(field: "day", reason: .invalidValue) }
            try entry.validate()
            try await services.calendar.saveCalendarDay(entry, context: context.changeContext)
        } catch let error as ValidationError {
            return try await page(context, year: year, flash: Flash(kind: .error, message: error.message(context.language)))
                .response(status: .unprocessableContent)
        }
        return .seeOther("/admin/calendar?year=\(year)")
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let day = CivilDay(try context.parameters.require("day")) else { throw StoreError.notFound }
        try await services.calendar.deleteCalendarDay(day, context: context.changeContext)
        return .seeOther("/admin/calendar?year=\(day.year)")
    }
}
