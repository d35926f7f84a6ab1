import CityIOCDomain
import Foundation
import Hummingbird

/// The monthly indicator report — what the provincial socio-economic report's tables hold — as a
/// page made to be printed (A4 landscape, one sector after another, no navigation) and downloaded:
/// for a month and an area, every indicator's value of the last period that ended with that
/// month (the month, the quarter or the year), against its target, the period before and the same
/// period a year earlier.
struct IndicatorReportPage {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/indicators/report", .permission(.viewIndicators), use: report)
    }

    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> Response {
        let chrome = services.chrome(context, "/indicators")
        let language = chrome.language
        let f = chrome.format
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(language) }
        let today = try await services.calendar.workingCalendar().civilDay(of: Date())
        let lastMonth = Period(.month, containing: today).previous
        let month: Period
        if let asked = request.uri.queryParameters["month"] {
            guard let parsed = Period(String(asked), as: .month) else { throw ValidationError(field: "month", reason: .invalidValue) }
            month = parsed
        } else {
            month = lastMonth
        }
        let pages = IndicatorPages(services: services)
        let area = try await pages.area(request)
        let board = try await IndicatorBoard.load(services, area: area, through: month)
        let title = t("Báo cáo chỉ tiêu kinh tế – xã hội", "Socio-economic indicator report") + " · " + month.label(language)
        if let format = try IndicatorPages.download(request) {
            return try IndicatorPages.sheet(board, language, name: month.description).response(format, filename: "cityioc-bao-cao-\(month)-\(area.code.rawValue)")
        }

        let counts = Dictionary(grouping: board.summaries, by: { $0.standing?.status ?? .unknown }).mapValues(\.count)
        let tally: [HTML] = [IndicatorStanding.Status.good, .watch, .bad, .unknown].map { status in
            "<span class=\"status-\(status.rawValue)\"><span class=\"dot\"></span>\(IndicatorPages.statusName(status, language)): <strong>\(f.integer(counts[status] ?? 0))</strong></span>"
        }
        var number = 0
        let sections: [HTML] = Indicator.Sector.allCases.compactMap { sector in
            let rows = board.summaries.filter { $0.indicator.sector == sector }
            guard !rows.isEmpty else { return nil }
            let lines: [HTML] = rows.map { summary in
                number += 1
                let indicator = summary.indicator
                let standing = summary.standing
                func shown(_ value: Double?) -> String { value.map { f.decimal($0, places: indicator.decimals) } ?? "—" }
                let ofTarget = standing.flatMap { s in s.target.flatMap { $0 == 0 ? nil : f.decimal(s.value / $0 * 100, places: 1) + " %" } } ?? "—"
                return """
                    <tr class="status-\(standing?.status.rawValue ?? "unknown")"><td class="num">\(number)</td><td>\(indicator.name(language))</td><td>\(indicator.unit)</td><td>\(summary.latest?.period.label(language) ?? "—")</td>
                    <td class="num strong">\(shown(summary.latest?.value))</td><td class="num">\(shown(standing?.target))</td><td class="num">\(ofTarget)</td>
                    <td class="num">\(shown(standing?.previous))</td><td class="num">\(IndicatorPages.change(standing, f))</td>
                    <td class="num">\(shown(standing?.lastYear))</td><td class="num">\(IndicatorPages.yearOnYear(standing, indicator, f))</td>
                    <td><span class="dot" aria-hidden="true"></span>\(IndicatorPages.statusName(standing?.status ?? .unknown, language))</td></tr>
                    """
            }
            return """
                <section class="report-sector"><h2>\(sector.name(language))</h2>
                <table class="data report"><thead><tr><th class="num">\(t("TT", "No."))</th><th>\(t("Chỉ tiêu", "Indicator"))</th><th>\(t("Đơn vị", "Unit"))</th><th>\(t("Kỳ", "Period"))</th>
                <th class="num">\(t("Thực hiện", "Actual"))</th><th class="num">\(t("Kế hoạch", "Target"))</th><th class="num">\(t("% kế hoạch", "% of target"))</th>
                <th class="num">\(t("Kỳ trước", "Previous"))</th><th class="num">\(t("So kỳ trước", "Change"))</th><th class="num">\(t("Cùng kỳ năm trước", "A year before"))</th><th class="num">\(t("So cùng kỳ", "Year on year"))</th><th>\(t("Đánh giá", "Status"))</th></tr></thead>
                <tbody>\(lines)</tbody></table></section>
                """
        }
        let months: [HTML] = (0..<36).map { lastMonth.shifted(by: -$0) }.map { option in
            "<option value=\"\(option.description)\"\(HTML(raw: option == month ? " selected" : ""))>\(option.label(language))</option>"
        }
        let areas: [HTML] = board.areas.map { option in
            "<option value=\"\(option.code.rawValue)\"\(HTML(raw: option.code == area.code ? " selected" : ""))>\(option.name)</option>"
        }
        let body: HTML = """
            <div class="no-print">
            <p><a href="/indicators\(board.areaQuery)">← \(t("Chỉ tiêu", "Indicators"))</a></p>
            <form class="filters" method="get" action="/indicators/report"><label>\(t("Tháng", "Month")) <select name="month">\(months)</select></label>
            <label>\(t("Địa bàn", "Area")) <select name="area">\(areas)</select></label><button type="submit">\(t("Xem", "Show"))</button>
            <button type="button" data-print>\(t("In báo cáo", "Print"))</button></form>
            \(IndicatorPages.downloads(request, chrome))
            </div>
            <header class="report-head"><p class="report-issuer">\(board.areas.first { $0.level == .province }?.name ?? area.name) · CityIOC</p>
            <h1>\(title)</h1>
            <p>\(t("Địa bàn", "Area")): <strong>\(area.name)</strong> · \(t("Lập lúc", "Made at")) \(f.dateTime(Date())) · \(t("Mỗi chỉ tiêu lấy kỳ gần nhất đã kết thúc trong tháng (tháng, quý hoặc năm).", "Each indicator shows its last period ended by this month (a month, quarter or year)."))</p>
            <p class="legend">\(tally)</p></header>
            \(sections.isEmpty ? HTML(raw: "<p>\(HTML.escape(t("Chưa có chỉ tiêu nào.", "No indicators yet.")))</p>") : HTML.join(sections))
            """
        return Layout(chrome: chrome, title: title, flash: nil, body: body).render().response(status: .ok)
    }
}
