import CityIOCDomain
import Foundation
import Hummingbird

/// Statistics of citizen reports: the page leaders read (`/stats`), the JSON that dashboards use
/// (`/api/v1/reports/statistics`) and CSV for spreadsheets. The centre sees the whole city; an
/// agency sees its own figures.
struct StatisticsPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/stats", .permission(.viewReports), use: page)
        router.on(.get, "/api/v1/reports/statistics", .permission(.viewReports), use: json)
        router.on(.get, "/api/v1/reports/statistics.csv", .permission(.viewReports), use: csv)
    }

    /// The months asked for: `from`/`to` (`2026-01`), or a `period` preset; this year so far by
    /// default. At most ten years.
    struct Period: Sendable {
        var from: YearMonth
        var to: YearMonth
        var grain: ReportStatistics.Grain

        /// Days and weeks are counted for the whole city only; an agency's series is by month.
        func seriesGrain(wholeCity: Bool) -> ReportStatistics.Grain { wholeCity ? grain : .month }

        init(_ request: Request, calendar: WorkingCalendar, now: Date = Date()) throws {
            let q = request.uri.queryParameters
            let current = YearMonth(calendar.civilDay(of: now))
            func month(_ name: String) throws -> YearMonth? {
                guard let raw = q[Substring(name)], !raw.isEmpty else { return nil }
                guard let month = YearMonth(String(raw)) else {
                    throw ClientError(
                        .badRequest, Text(vi: "\(name) phải là tháng dạng 2026-01.", en: "\(name) must be a month such as 2026-01."),
                        validation: ValidationError(field: name, reason: .invalidValue))
                }
                return month
            }
            switch q["period"].map(String.init) ?? "" {
            case "month": (from, to) = (current, current)
            case "quarter": (from, to) = (YearMonth(current.year, (current.month - 1) / 3 * 3 + 1), current)
            case "last-year": (from, to) = (YearMonth(current.year - 1, 1), YearMonth(current.year - 1, 12))
            case "12m": (from, to) = (current.adding(months: -11), current)
            case "year", "": (from, to) = (YearMonth(current.year, 1), current)
            case let other:
                throw ClientError(
                    .badRequest, Text(vi: "Kỳ \(other) không hợp lệ.", en: "Unknown period \(other)."),
                    validation: ValidationError(field: "period", reason: .notAllowed))
            }
            if let start = try month("from") { from = start }
            if let end = try month("to") { to = end }
            if to < from { (from, to) = (to, from) }
            guard from.adding(months: 120) > to else {
                throw ClientError(
                    .badRequest, Text(vi: "Kỳ thống kê tối đa 10 năm.", en: "A period is at most ten years."),
                    validation: ValidationError(field: "to", reason: .outOfRange))
            }
            let months = (to.year - from.year) * 12 + to.month - from.month + 1
            switch q["grain"].map(String.init) ?? "" {
            case "": grain = months <= 2 ? .day : months <= 6 ? .week : .month
            case let raw:
                guard let chosen = ReportStatistics.Grain(rawValue: raw) else {
                    throw ClientError(
                        .badRequest, Text(vi: "grain phải là day, week hoặc month.", en: "grain must be day, week or month."),
                        validation: ValidationError(field: "grain", reason: .notAllowed))
                }
                grain = chosen
            }
        }
    }

    /// Names for the keys of each dimension, in the viewer's language.
    struct Names: Sendable {
        var services: [String: String] = [:]
        var wards: [String: String] = [:]
        var agencies: [String: String] = [:]
        var language: Language

        init(_ services: AppServices, language: Language) async throws {
            self.language = language
            for service in try await services.catalogue.services(includeInactive: true) {
                self.services[service.code.rawValue] = language == .en && !service.nameEn.isEmpty ? service.nameEn : service.name
            }
            for area in try await services.organisation.areas(AreaQuery(includeInactive: true)) { wards[area.code.rawValue] = area.name }
            for agency in try await services.organisation.agencies(AgencyQuery(includeInactive: true)) {
                agencies[agency.id.rawValue] = agency.displayName(language)
            }
        }

        func name(_ dimension: ReportFacts.Dimension, _ key: String) -> String {
            switch dimension {
            case .service: return services[key] ?? key
            case .ward: return key.isEmpty ? Text(vi: "Chưa xác định", en: "Unknown")(language) : wards[key] ?? key
            case .agency: return key.isEmpty ? Text(vi: "Chưa giao / tại trung tâm", en: "Not assigned / at the centre")(language) : agencies[key] ?? key
            case .channel: return Report.Channel(rawValue: key).map { StatisticsPages.channelText($0)(language) } ?? key
            case .all, .day: return key
            }
        }
    }

    static func channelText(_ channel: Report.Channel) -> Text {
        switch channel {
        case .web: Text(vi: "Cổng web", en: "Web form")
        case .app: Text(vi: "Ứng dụng", en: "App")
        case .hotline: Text(vi: "Đường dây nóng", en: "Hotline")
        case .email: Text(vi: "Thư điện tử", en: "E-mail")
        case .messaging: Text(vi: "Mạng xã hội", en: "Messaging")
        case .open311: Text(vi: "Open311", en: "Open311")
        }
    }

    static let dimensions: [(ReportFacts.Dimension, Text)] = [
        (.agency, Text(vi: "Theo đơn vị xử lý", en: "By agency")), (.service, Text(vi: "Theo lĩnh vực", en: "By category")),
        (.ward, Text(vi: "Theo phường, xã", en: "By ward")), (.channel, Text(vi: "Theo kênh tiếp nhận", en: "By channel")),
    ]

    func load(_ request: Request, context: AppRequestContext) async throws -> (ReportStatistics, Period, WorkingCalendar) {
        let calendar = try await services.calendar.workingCalendar()
        let period = try Period(request, calendar: calendar)
        let statistics = try await services.statistics.reportStatistics(
            StatisticsQuery(from: period.from, to: period.to, scope: AccessPolicy.scope(for: context.principal)), calendar: calendar)
        return (statistics, period, calendar)
    }

    /// The rows of a breakdown, most reports first.
    static func rows(_ statistics: ReportStatistics, _ dimension: ReportFacts.Dimension) -> [(String, ReportTally)] {
        (statistics.breakdown[dimension] ?? [:]).sorted { ($1.value.total, $0.key) < ($0.value.total, $1.key) }.map { ($0.key, $0.value) }
    }

    // MARK: JSON

    struct TallyBody: Encodable, Sendable {
        var key: String?
        var name: String?
        var total: Int
        var open: Int
        var answered: Int
        var overdueNow: Int
        var statuses: [String: Int]
        var onTime: Int
        var late: Int
        var onTimeRate: Double?
        var acceptHours: Quantiles
        var resolveHours: Quantiles
        var ratings: Int
        var averageStars: Double?
        var stars: [String: Int]

        /// Median and 90th percentile for the whole city; the mean everywhere.
        struct Quantiles: Encodable, Sendable {
            var median: Double?
            var p90: Double?
            var mean: Double?
        }

        init(_ tally: ReportTally, key: String? = nil, name: String? = nil) {
            self.key = key
            self.name = name
            total = tally.total
            open = tally.open
            answered = tally.answered
            overdueNow = tally.overdueNow
            statuses = Dictionary(uniqueKeysWithValues: tally.statuses.map { ($0.key.rawValue, $0.value) })
            onTime = tally.onTime
            late = tally.late
            onTimeRate = tally.onTimeRate.map(Self.round)
            acceptHours = Quantiles(
                median: tally.acceptHours(0.5).map(Self.round), p90: tally.acceptHours(0.9).map(Self.round), mean: tally.acceptMeanHours.map(Self.round))
            resolveHours = Quantiles(
                median: tally.resolveHours(0.5).map(Self.round), p90: tally.resolveHours(0.9).map(Self.round), mean: tally.resolveMeanHours.map(Self.round))
            ratings = tally.ratings
            averageStars = tally.averageStars.map(Self.round)
            stars = Dictionary(uniqueKeysWithValues: tally.stars.map { (String($0.key), $0.value) })
        }

        static func round(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
    }

    struct StatisticsBody: Encodable, Sendable {
        var from: String
        var to: String
        var scope: String
        var overall: TallyBody
        var by: [String: [TallyBody]]
        var series: Series

        struct Series: Encodable, Sendable {
            var grain: String
            var points: [Point]
        }

        struct Point: Encodable, Sendable {
            var period: String
            var received: Int
            var open: Int
        }
    }

    @Sendable func json(_ request: Request, context: AppRequestContext) async throws -> JSONBody<StatisticsBody> {
        let (statistics, period, _) = try await load(request, context: context)
        let names = try await Names(services, language: context.language)
        var by: [String: [TallyBody]] = [:]
        for (dimension, _) in Self.dimensions where statistics.breakdown[dimension] != nil {
            by[dimension.rawValue] = Self.rows(statistics, dimension).map { TallyBody($0.1, key: $0.0, name: names.name(dimension, $0.0)) }
        }
        let scope: String
        switch AccessPolicy.scope(for: context.principal) {
        case .all: scope = "all"
        case .agency(let agency): scope = "agency:" + agency.rawValue
        case .none: scope = "none"
        }
        // The day and week series are the whole city's; an agency gets its months.
        let grain = period.seriesGrain(wholeCity: scope == "all")
        let points = statistics.series(grain).map { StatisticsBody.Point(period: $0.period, received: $0.received, open: $0.open) }
        return JSONBody(
            StatisticsBody(
                from: period.from.description, to: period.to.description, scope: scope, overall: TallyBody(statistics.overall), by: by,
                series: .init(grain: grain.rawValue, points: points)))
    }

    // MARK: CSV

    /// One breakdown (`by=agency|service|ward|channel`) or the series (`by=period`), as CSV with
    /// a byte-order mark so spreadsheet programs read the Vietnamese right.
    @Sendable func csv(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (statistics, period, _) = try await load(request, context: context)
        let names = try await Names(services, language: context.language)
        let language = context.language
        let by = request.uri.queryParameters["by"].map(String.init) ?? "agency"
        var lines: [[String]] = []
        if by == "period" {
            lines.append(language == .vi ? ["ky", "tiep_nhan", "dang_mo"] : ["period", "received", "open"])
            let grain = period.seriesGrain(wholeCity: AccessPolicy.scope(for: context.principal) == .all)
            for point in statistics.series(grain) { lines.append([point.period, String(point.received), String(point.open)]) }
        } else {
            guard let dimension = ReportFacts.Dimension(rawValue: by), Self.dimensions.contains(where: { $0.0 == dimension }) else {
                throw ClientError(
                    .badRequest, Text(vi: "by phải là agency, service, ward, channel hoặc period.", en: "by must be agency, service, ward, channel or period."),
                    validation: ValidationError(field: "by", reason: .notAllowed))
            }
            lines.append(
                language == .vi
                    ? [
                        "ma", "ten", "tiep_nhan", "dang_mo", "qua_han_hien_tai", "da_tra_loi", "dung_han", "tre_han", "ty_le_dung_han",
                        "tiep_nhan_tb_gio", "xu_ly_tb_gio", "so_danh_gia", "diem_trung_binh",
                    ]
                    : [
                        "key", "name", "received", "open", "overdue_now", "answered", "on_time", "late", "on_time_rate",
                        "accept_mean_hours", "resolve_mean_hours", "ratings", "average_stars",
                    ])
            func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "" }
            for (key, tally) in Self.rows(statistics, dimension) {
                lines.append([
                    key, names.name(dimension, key), String(tally.total), String(tally.open), String(tally.overdueNow), String(tally.answered),
                    String(tally.onTime), String(tally.late), number(tally.onTimeRate), number(tally.acceptMeanHours),
                    number(tally.resolveMeanHours), String(tally.ratings), number(tally.averageStars),
                ])
            }
        }
        let sheet = Spreadsheet(name: by, header: lines[0], rows: lines.dropFirst().map { $0.map { .text($0) } })
        return try sheet.response(.csv, filename: "cityioc-reports-\(by)-\(period.from)-\(period.to)")
    }

    // MARK: Page

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let chrome = services.chrome(context, "/stats")
        let language = chrome.language
        let f = chrome.format
        let (statistics, period, _) = try await load(request, context: context)
        let names = try await Names(services, language: language)
        let overall = statistics.overall
        let wholeCity = AccessPolicy.scope(for: context.principal) == .all
        let title = Text(vi: "Thống kê phản ánh", en: "Report statistics")(language)

        func hours(_ value: Double?) -> String { value.map { f.decimal($0, places: 1) + (language == .vi ? " giờ" : " h") } ?? "—" }
        func percent(_ value: Double?) -> String { value.map { f.decimal($0 * 100, places: 1) + " %" } ?? "—" }
        func rateTag(_ value: Double?) -> HTML {
            guard let value else { return "—" }
            let kind = value >= 0.9 ? "ok" : value >= 0.7 ? "warn" : "bad"
            return "<span class=\"tag \(kind)\">\(percent(value))</span>"
        }
        // The whole city has medians and p90; an agency's own figures have means.
        let durationCard: HTML =
            overall.resolveHours(0.5) != nil
            ? """
            <div class="card"><div class="value">\(hours(overall.resolveHours(0.5)))</div><div class="label">\(Text(vi: "Thời gian xử lý (trung vị, giờ làm việc)", en: "Time to answer (median, working hours)")(language)) · p90 \(hours(overall.resolveHours(0.9)))</div></div>
            """
            : """
            <div class="card"><div class="value">\(hours(overall.resolveMeanHours))</div><div class="label">\(Text(vi: "Thời gian xử lý (trung bình, giờ làm việc)", en: "Time to answer (mean, working hours)")(language))</div></div>
            """
        let cards: HTML = """
            <div class="cards">
            <div class="card"><div class="value">\(f.integer(overall.total))</div><div class="label">\(Text(vi: "Phản ánh tiếp nhận", en: "Reports received")(language))</div></div>
            <div class="card"><div class="value">\(f.integer(overall.open))</div><div class="label">\(Text(vi: "Đang chờ xử lý", en: "Still open")(language))</div></div>
            <div class="card\(HTML(raw: overall.overdueNow > 0 ? " alert" : ""))"><div class="value">\(f.integer(overall.overdueNow))</div><div class="label">\(Text(vi: "Đang quá hạn", en: "Overdue now")(language))</div></div>
            <div class="card"><div class="value">\(percent(overall.onTimeRate))</div><div class="label">\(Text(vi: "Trả lời đúng hạn", en: "Answered on time")(language)) (\(f.integer(overall.onTime + overall.late)))</div></div>
            \(durationCard)
            <div class="card"><div class="value">\(overall.averageStars.map { f.decimal($0, places: 1) + " ★" } ?? "—")</div><div class="label">\(Text(vi: "Mức hài lòng", en: "Satisfaction")(language)) (\(f.integer(overall.ratings)) \(Text(vi: "đánh giá", en: "ratings")(language)))</div></div>
            </div>
            """
        let grain = period.seriesGrain(wholeCity: wholeCity)
        let series = statistics.series(grain)
        let chart = Charts.bars(
            series.map { Charts.Bar(label: $0.period, value: $0.received, part: $0.open) },
            caption: Text(vi: "Số phản ánh tiếp nhận theo kỳ; phần đậm là số còn đang mở", en: "Reports received per period; the dark part is still open")(language),
            format: f)
        var tables: [HTML] = []
        for (dimension, heading) in Self.dimensions {
            let rows = Self.rows(statistics, dimension)
            guard !rows.isEmpty || dimension == .agency else { continue }
            let body: [HTML] = rows.map { key, tally in
                let link: HTML
                let name = names.name(dimension, key)
                switch dimension {
                case .agency where !key.isEmpty && wholeCity: link = "<a href=\"/desk?agency=\(key)\">\(name)</a>"
                case .service: link = "<a href=\"/desk?service=\(key)\">\(name)</a>"
                case .ward where !key.isEmpty: link = "<a href=\"/desk?ward=\(key)\">\(name)</a>"
                default: link = "\(name)"
                }
                return """
                    <tr><td>\(link)</td><td class="num">\(f.integer(tally.total))</td><td class="num">\(f.integer(tally.open))</td>
                    <td class="num">\(tally.overdueNow > 0 ? HTML(raw: "<span class=\"tag bad\">") : "")\(f.integer(tally.overdueNow))\(tally.overdueNow > 0 ? HTML(raw: "</span>") : "")</td>
                    <td class="num">\(f.integer(tally.answered))</td><td class="num">\(rateTag(tally.onTimeRate))</td>
                    <td class="num">\(hours(tally.resolveMeanHours))</td><td class="num">\(tally.averageStars.map { f.decimal($0, places: 1) } ?? "—")</td></tr>
                    """
            }
            tables.append(
                """
                <section class="panel"><div class="toolbar"><h2>\(heading(language))</h2><a class="button secondary" href="/api/v1/reports/statistics.csv?by=\(dimension.rawValue)&amp;from=\(period.from.description)&amp;to=\(period.to.description)" download>CSV</a></div>
                <div class="table-wrap"><table>
                <thead><tr><th></th><th class="num">\(Text(vi: "Tiếp nhận", en: "Received")(language))</th><th class="num">\(Text(vi: "Đang mở", en: "Open")(language))</th><th class="num">\(Text(vi: "Quá hạn", en: "Overdue")(language))</th><th class="num">\(Text(vi: "Đã trả lời", en: "Answered")(language))</th><th class="num">\(Text(vi: "Đúng hạn", en: "On time")(language))</th><th class="num">\(Text(vi: "Xử lý (TB)", en: "Answer (mean)")(language))</th><th class="num">★</th></tr></thead>
                <tbody>\(body.isEmpty ? Widgets.empty(language, columns: 8) : HTML.join(body))</tbody></table></div></section>
                """)
        }
        let presets: [(String, Text)] = [
            ("month", Text(vi: "Tháng này", en: "This month")), ("quarter", Text(vi: "Quý này", en: "This quarter")),
            ("year", Text(vi: "Năm nay", en: "This year")), ("12m", Text(vi: "12 tháng qua", en: "Last 12 months")),
            ("last-year", Text(vi: "Năm trước", en: "Last year")),
        ]
        let presetLinks = HTML.join(presets.map { "<a class=\"button secondary\" href=\"/stats?period=\($0.0)\">\($0.1(language))</a>" })
        let scopeNote: HTML =
            wholeCity ? "" : "<p class=\"hint\">\(Text(vi: "Số liệu của đơn vị bạn.", en: "Your agency's figures.")(language))</p>"
        let body: HTML = """
            <div class="toolbar"><h1>\(title)</h1><div>\(presetLinks)</div></div>
            \(scopeNote)
            <form class="filters" method="get" action="/stats">
            <label>\(Text(vi: "Từ tháng", en: "From month")(language))<input type="month" name="from" value="\(period.from.description)" required></label>
            <label>\(Text(vi: "Đến tháng", en: "To month")(language))<input type="month" name="to" value="\(period.to.description)" required></label>
            <label>\(Text(vi: "Chia theo", en: "Per")(language))\(Widgets.select(name: "grain", options: [("day", Text(vi: "Ngày", en: "Day")(language)), ("week", Text(vi: "Tuần", en: "Week")(language)), ("month", Text(vi: "Tháng", en: "Month")(language))], selected: period.grain.rawValue))</label>
            <button type="submit">\(chrome.t(.filter))</button>
            </form>
            <p class="hint">\(Text(vi: "Phản ánh được tính theo tháng tiếp nhận; trạng thái là trạng thái hiện tại. Thời gian tính theo giờ làm việc (trừ ngày nghỉ, lễ); trung vị và p90 (toàn tỉnh) sai số dưới 2,5 %; các bảng dùng trung bình.", en: "Reports count in the month they were received, in their current status. Times are working hours (weekends and holidays left out); the city's median and p90 are within 2.5 %; tables show means.")(language))</p>
            \(cards)
            <section class="panel"><div class="toolbar"><h2>\(Text(vi: "Diễn biến", en: "Over time")(language))</h2><a class="button secondary" href="/api/v1/reports/statistics.csv?by=period&amp;from=\(period.from.description)&amp;to=\(period.to.description)&amp;grain=\(grain.rawValue)" download>CSV</a></div>\(chart)</section>
            \(HTML.join(tables))
            """
        return Layout(chrome: chrome, title: title, flash: nil, body: body).render()
    }
}
