import CityIOCDomain
import Foundation
import Hummingbird

/// The leader's dashboards: every sector's indicators on one screen for the province, a page
/// per sector, and an indicator's own page (its history against the targets, its wards, who
/// sent what). Built from `IndicatorBoard`, drawn by the views below; charts are the server's SVG.
struct IndicatorPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/indicators", .permission(.viewIndicators), use: overview)
        router.on(.get, "/indicators/sector/:sector", .permission(.viewIndicators), use: sector)
        router.on(.get, "/indicators/:code", .permission(.viewIndicators), use: indicator)
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let chrome = services.chrome(context, "/indicators")
        let board = try await IndicatorBoard.load(services, area: try await area(request))
        let language = chrome.language
        if let format = try Self.download(request) {
            return try Self.sheet(board, language, name: Text(vi: "Chỉ tiêu", en: "Indicators")(language)).response(
                format, filename: "cityioc-chi-tieu-\(board.area.code.rawValue)")
        }
        let body: HTML = """
            <h1>\(Text(vi: "Chỉ tiêu", en: "Indicators")(language)) · \(board.area.name)</h1>
            <p>\(AccessPolicy.allows(context.principal, .enterIndicatorValues) ? HTML(raw: "<a class=\"button\" href=\"/indicators/entry\">\(HTML.escape(Text(vi: "Cập nhật số liệu", en: "Send values")(language)))</a> ") : "")<a class="button secondary" href="/indicators/report\(board.areaQuery)">\(Text(vi: "Báo cáo tháng", en: "Monthly report")(language))</a></p>
            <div class="overview-head">\(Self.areaPicker(board, chrome, action: "/indicators"))\(Self.standings(board, chrome))</div>
            \(Self.legend(chrome))
            <div class="sectors" data-live="\(Self.liveEvents)">\(Self.panels(board, chrome))</div>
            \(Self.downloads(request, chrome))
            """
        return Layout(chrome: chrome, title: Text(vi: "Chỉ tiêu", en: "Indicators")(language), flash: nil, body: body).render().response(status: .ok)
    }

    /// What a live indicator page listens to.
    static let liveEvents = "/events?kinds=indicator_value,indicator_target,indicator"

    /// Every sector's panel: its indicators' latest values, standing and trail.
    static func panels(_ board: IndicatorBoard, _ chrome: Chrome) -> HTML {
        let language = chrome.language
        let panels: [HTML] = Indicator.Sector.allCases.compactMap { sector in
            let rows = board.summaries.filter { $0.indicator.sector == sector }
            guard !rows.isEmpty else { return nil }
            return """
                <section class="panel sector"><h2><a href="/indicators/sector/\(sector.rawValue)\(board.areaQuery)">\(sector.name(language))</a></h2>
                <ul class="kpis">\(rows.map { Self.row($0, chrome) })</ul></section>
                """
        }
        return HTML.join(panels)
    }

    @Sendable func sector(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let sector = Indicator.Sector(rawValue: try context.parameters.require("sector")) else { throw StoreError.notFound }
        let chrome = services.chrome(context, "/indicators")
        let language = chrome.language
        let board = try await IndicatorBoard.load(services, area: try await area(request), sector: sector)
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(language) }
        if let format = try Self.download(request) {
            return try Self.sheet(board, language, name: sector.name(language)).response(format, filename: "cityioc-\(sector.rawValue)-\(board.area.code.rawValue)")
        }
        let body: HTML = """
            <p><a href="/indicators\(board.areaQuery)">← \(t("Tất cả lĩnh vực", "All sectors"))</a></p>
            <h1>\(sector.name(language)) · \(board.area.name)</h1>
            \(Self.areaPicker(board, chrome, action: "/indicators/sector/\(sector.rawValue)"))
            \(Self.legend(chrome))
            \(Self.sectorTable(board, chrome, live: Self.liveEvents))
            \(Self.downloads(request, chrome))
            """
        return Layout(chrome: chrome, title: sector.name(language), flash: nil, body: body).render().response(status: .ok)
    }

    /// A sector's indicators as a table: value, target, previous, change, a year before, trend.
    static func sectorTable(_ board: IndicatorBoard, _ chrome: Chrome, live: String) -> HTML {
        let language = chrome.language
        let f = chrome.format
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(language) }
        let rows: [HTML] = board.summaries.map { summary in
            let indicator = summary.indicator
            let standing = summary.standing
            func shown(_ value: Double?) -> String { value.map { f.decimal($0, places: indicator.decimals) } ?? "—" }
            return """
                <tr class="status-\(standing?.status.rawValue ?? "unknown")"><td><span class="dot" aria-hidden="true"></span><a href="/indicators/\(indicator.code.rawValue)\(board.areaQuery)">\(indicator.name(language))</a></td>
                <td class="num strong">\(shown(summary.latest?.value))</td><td>\(indicator.unit)</td><td>\(summary.latest?.period.label(language) ?? "—")</td>
                <td class="num">\(shown(standing?.target))</td><td class="num">\(shown(standing?.previous))</td><td class="num">\(Self.change(standing, f))</td>
                <td class="num">\(shown(standing?.lastYear))</td><td>\(Charts.sparkline(summary.trail.map(\.value), label: indicator.name(language), width: 160))</td></tr>
                """
        }
        return """
            <div class="table-wrap"><table class="data"><thead><tr><th>\(t("Chỉ tiêu", "Indicator"))</th><th class="num">\(t("Giá trị", "Value"))</th><th>\(t("Đơn vị", "Unit"))</th><th>\(t("Kỳ", "Period"))</th>
            <th class="num">\(t("Kế hoạch", "Target"))</th><th class="num">\(t("Kỳ trước", "Previous"))</th><th class="num">\(t("Thay đổi", "Change"))</th><th class="num">\(t("Cùng kỳ năm trước", "A year before"))</th><th>\(t("Xu hướng", "Trend"))</th></tr></thead>
            <tbody data-live="\(live)">\(rows)</tbody></table></div>
            """
    }

    @Sendable func indicator(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let indicator = try await services.indicators.indicator(Indicator.Code(try context.parameters.require("code"))) else {
            throw StoreError.notFound
        }
        let chrome = services.chrome(context, "/indicators")
        let language = chrome.language
        let f = chrome.format
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(language) }
        let area = try await area(request)
        let areas = try await services.organisation.areas(AreaQuery(includeInactive: true))
        let names = Dictionary(uniqueKeysWithValues: areas.map { ($0.code, $0.name) })
        let here = try await services.indicators.values(IndicatorValueQuery(indicators: [indicator.code], areas: [area.code]))
        let targets = try await services.indicators.targets(IndicatorValueQuery(indicators: [indicator.code], areas: [area.code]))
        let summary = IndicatorSummary(indicator, values: here, targets: targets, trailLength: 36)
        let targetByPeriod = Dictionary(targets.map { ($0.period, $0.target) }, uniquingKeysWith: { $1 })
        let points = summary.trail.map { (label: $0.period.description, value: $0.value, target: targetByPeriod[$0.period]) }
        let owner = try await indicator.agency.asyncMap { try await services.organisation.agency($0) } ?? nil
        // Every ward's value in the latest period, best first in the indicator's direction.
        // The area's latest period; when the area has none yet (only wards have sent), the
        // latest any area has.
        var latestPeriod = summary.latest?.period
        if latestPeriod == nil {
            latestPeriod = try await services.indicators.values(IndicatorValueQuery(indicators: [indicator.code])).map(\.period).max()
        }
        let latest = try await latestPeriod.asyncMap {
            try await services.indicators.values(IndicatorValueQuery(indicators: [indicator.code], from: $0, to: $0))
        }
        var wards = (latest ?? []).filter { $0.area != area.code && names[$0.area] != nil }
        wards.sort { indicator.direction == .lowerIsBetter ? $0.value < $1.value : $0.value > $1.value }
        if let format = try Self.download(request) {
            let sheet =
                request.uri.queryParameters["table"] == "areas"
                ? Self.areasSheet(indicator, period: latestPeriod, values: wards, names: names, language)
                : Self.historySheet(indicator, area: area, values: here, targets: targets, language)
            return try sheet.response(format, filename: "cityioc-\(indicator.code.rawValue)-\(area.code.rawValue)")
        }
        let heat = Self.heat(wards.map(\.value), direction: indicator.direction)
        let wardRows: [HTML] = wards.map { value in
            """
            <tr><td><a href="/indicators/\(indicator.code.rawValue)?area=\(value.area.rawValue)">\(names[value.area] ?? value.area.rawValue)</a></td><td class="num heat-\(heat(value.value))">\(f.decimal(value.value, places: indicator.decimals))</td></tr>
            """
        }
        let map = try await wardMap(indicator, values: latest ?? [], heat: heat, areas: areas, chrome: chrome)
        let agencies = try await byAgency(indicator, period: latestPeriod, chrome: chrome)
        let recent: [HTML] = here.sorted { $0.period > $1.period }.prefix(12).map { value in
            "<tr><td>\(value.period.label(language))</td><td class=\"num\">\(f.decimal(value.value, places: indicator.decimals))</td><td>\(value.setBy)</td><td>\(f.dateTime(value.setAt))</td><td>\(value.note ?? "")</td></tr>"
        }
        let standing = summary.standing
        let body: HTML = """
            <p><a href="/indicators/sector/\(indicator.sector.rawValue)?area=\(area.code.rawValue)">← \(indicator.sector.name(language))</a></p>
            <h1>\(indicator.name(language))</h1>
            <div class="cards"><div class="card status-\(standing?.status.rawValue ?? "unknown")"><div class="value">\(summary.latest.map { f.decimal($0.value, places: indicator.decimals) } ?? "—") <small>\(indicator.unit)</small></div>
            <div class="label">\(area.name) · \(summary.latest?.period.label(language) ?? t("chưa có số liệu", "no value yet"))</div></div>
            <div class="card"><div class="value">\(standing?.target.map { f.decimal($0, places: indicator.decimals) } ?? "—")</div><div class="label">\(t("Kế hoạch", "Target"))</div>\(Self.targetGauge(standing, indicator, chrome))</div>
            <div class="card"><div class="value">\(Self.change(standing, f))</div><div class="label">\(t("So với kỳ trước", "Against the previous period"))</div></div>
            <div class="card"><div class="value">\(Self.yearOnYear(standing, indicator, f))</div><div class="label">\(t("So với cùng kỳ năm trước", "Against a year before"))</div></div></div>
            \(Charts.line(points, caption: "\(indicator.name(language)) (\(indicator.unit)), \(area.name); \(t("gạch ngang: kế hoạch", "dashes: target"))", format: f, decimals: indicator.decimals))
            \(indicator.code == AirQualityIndicators.daily.code ? Self.airQualityDays(here, area: area, chrome) : "")
            <dl class="facts"><dt>\(t("Mã", "Code"))</dt><dd>\(indicator.code.rawValue)</dd><dt>\(t("Tần suất", "Frequency"))</dt><dd>\(indicator.frequency.name(language))</dd>
            <dt>\(t("Chiều tốt", "Good direction"))</dt><dd>\(Self.direction(indicator.direction, language))</dd>
            <dt>\(t("Cơ quan cập nhật", "Updated by"))</dt><dd>\(owner?.displayName(language) ?? t("chưa giao", "not assigned"))</dd>
            <dt>\(t("Nguồn", "Source"))</dt><dd>\(indicator.source)</dd></dl>
            \(wardRows.isEmpty ? "" : HTML(raw: "<h2>\(HTML.escape(t("Theo địa bàn", "By area"))) · \(HTML.escape(latestPeriod?.label(language) ?? ""))</h2><div class=\"by-area\">\(map.raw)<div class=\"table-wrap\"><table class=\"data\"><tbody>\(HTML.join(wardRows).raw)</tbody></table></div></div>\(Self.downloads(request, chrome, table: "areas").raw)"))
            \(agencies)
            <h2>\(t("Số liệu đã nhập", "Values sent"))</h2>
            <div class="table-wrap"><table class="data"><thead><tr><th>\(t("Kỳ", "Period"))</th><th class="num">\(t("Giá trị", "Value"))</th><th>\(t("Người cập nhật", "Set by"))</th><th>\(t("Lúc", "At"))</th><th>\(t("Ghi chú", "Note"))</th></tr></thead><tbody>\(recent)</tbody></table></div>
            \(Self.downloads(request, chrome))
            """
        return Layout(chrome: chrome, title: indicator.name(language), flash: nil, body: body).render().response(status: .ok)
    }

    /// The latest value as a share of its target, on a half dial with the target marked.
    static func targetGauge(_ standing: IndicatorStanding?, _ indicator: Indicator, _ chrome: Chrome) -> HTML {
        guard let standing, let target = standing.target, target > 0, standing.value >= 0 else { return "" }
        let share = standing.value / target
        return Charts.gauge(
            standing.value, maximum: max(target, standing.value) * 1.25, mark: target, fill: fill(standing.status),
            label: chrome.format.decimal(share * 100, places: 0) + " %",
            caption: Text(vi: "Thực hiện so với kế hoạch (vạch: kế hoạch)", en: "Actual against target (the tick: target)")(chrome.language))
    }

    /// Days of each VN_AQI band, month by month over the last year (the daily index's page).
    static func airQualityDays(_ values: [IndicatorValue], area: Area, _ chrome: Chrome) -> HTML {
        let language = chrome.language
        guard let latest = values.map(\.period).max() else { return "" }
        let months = Period(.month, containing: latest.start).trailing(12)
        var counts: [Period: [Int]] = [:]
        for value in values where value.period.frequency == .day {
            let month = Period(.month, containing: value.period.start)
            guard months.contains(month) else { continue }
            let band = AirQualityBand(aqi: Int(value.value.rounded()))
            counts[month, default: Array(repeating: 0, count: AirQualityBand.allCases.count)][band.rawValue - 1] += 1
        }
        let columns = months.map { month in
            (label: month.description, values: (counts[month] ?? Array(repeating: 0, count: AirQualityBand.allCases.count)).map(Double.init))
        }
        return Charts.stackedBars(
            columns, series: AirQualityBand.allCases.map { ($0.name(language), $0.hex) },
            caption: Text(vi: "Số ngày theo mức VN_AQI, \(area.name)", en: "Days by VN_AQI band, \(area.name)")(language), format: chrome.format)
    }

    /// For the indicators computed from citizen reports, the same figure per agency for the
    /// month, read from the report statistics (values are kept per area; agencies are not
    /// areas), best first; empty for other indicators.
    func agencyFigures(_ indicator: Indicator, period: Period?, language: Language) async throws -> [(agency: String, value: Double)] {
        guard let period, period.frequency == .month, ReportIndicators.all.contains(where: { $0.code == indicator.code }) else { return [] }
        let month = YearMonth(period.start)
        let statistics = try await services.statistics.reportStatistics(
            StatisticsQuery(from: month, to: month, scope: .all), calendar: try await services.calendar.workingCalendar())
        let names = Dictionary(
            uniqueKeysWithValues: try await services.organisation.agencies(AgencyQuery(includeInactive: true)).map { ($0.id.rawValue, $0.displayName(language)) })
        return (statistics.breakdown[.agency] ?? [:]).compactMap { key, tally in
            let value: Double?
            switch indicator.code {
            case ReportIndicators.received.code: value = Double(tally.total)
            case ReportIndicators.onTime.code: value = tally.onTimeRate.map { $0 * 100 }
            default: value = tally.averageStars
            }
            return value.map { (names[key] ?? key, indicator.rounded($0)) }
        }.sorted { indicator.direction == .lowerIsBetter ? $0.1 < $1.1 : ($0.1, $1.0) > ($1.1, $0.0) }
    }

    func byAgency(_ indicator: Indicator, period: Period?, chrome: Chrome) async throws -> HTML {
        let figures = try await agencyFigures(indicator, period: period, language: chrome.language)
        guard let period, !figures.isEmpty else { return "" }
        let heat = Self.heat(figures.map(\.value), direction: indicator.direction)
        let rows: [HTML] = figures.map { name, value in
            "<tr><td>\(name)</td><td class=\"num heat-\(heat(value))\">\(chrome.format.decimal(value, places: indicator.decimals))</td></tr>"
        }
        return """
            <h2>\(Text(vi: "Theo cơ quan xử lý", en: "By agency")(chrome.language)) · \(period.label(chrome.language))</h2>
            <div class="table-wrap"><table class="data"><tbody>\(rows)</tbody></table></div>
            """
    }

    /// A colour step from 0 (the worst of these values) to 4 (the best), in the indicator's direction.
    static func heat(_ values: [Double], direction: Indicator.Direction) -> (Double) -> Int {
        let low = values.min() ?? 0
        let high = values.max() ?? 0
        return { value in
            let share = high == low ? 0.5 : (value - low) / (high - low)
            return min(4, max(0, Int(((direction == .lowerIsBetter ? 1 - share : share) * 4).rounded())))
        }
    }

    /// The wards coloured by their values: outlines when loaded, circles at their centres otherwise.
    func wardMap(
        _ indicator: Indicator, values: [IndicatorValue], heat: (Double) -> Int, areas: [Area], chrome: Chrome
    ) async throws -> HTML {
        let language = chrome.language
        let wards = areas.filter { $0.active && [.ward, .commune, .specialZone].contains($0.level) }
        let outlines = try await services.boundaries.boundaries()
        let points = wards.compactMap { ward in ward.latitude.flatMap { lat in ward.longitude.map { (latitude: lat, longitude: $0) } } }
        guard let map = AreaMap(points: points, boundaries: wards.compactMap { outlines[$0.code] }) else { return "" }
        let byArea = Dictionary(values.map { ($0.area, $0.value) }, uniquingKeysWith: { $1 })
        let places = wards.map { ward in
            let value = byArea[ward.code]
            return AreaMap.Place(
                area: ward, boundary: outlines[ward.code], heat: value.map(heat),
                label: value.map { "\(chrome.format.decimal($0, places: indicator.decimals)) \(indicator.unit)" } ?? Text(vi: "chưa có số liệu", en: "no value")(language),
                link: "/indicators/\(indicator.code.rawValue)?area=\(ward.code.rawValue)")
        }
        let caption = Text(
            vi: outlines.isEmpty ? "Giá trị theo phường, xã (vòng tròn ở trung tâm; tải ranh giới để vẽ vùng)" : "Giá trị theo phường, xã",
            en: outlines.isEmpty ? "Values by ward (circles at their centres; load the boundaries to draw areas)" : "Values by ward")(language)
        let legend =
            indicator.direction == .lowerIsBetter
            ? (Text(vi: "cao", en: "high")(language), Text(vi: "thấp", en: "low")(language))
            : (Text(vi: "thấp", en: "low")(language), Text(vi: "cao", en: "high")(language))
        return map.choropleth(places, caption: caption, legend: (worse: legend.0, better: legend.1))
    }

    /// `?area=` when it names a known area, else the province.
    func area(_ request: Request) async throws -> Area {
        try await area(code: request.uri.queryParameters["area"].map(String.init))
    }

    func area(code: String?) async throws -> Area {
        let areas = try await services.organisation.areas(AreaQuery(includeInactive: true))
        if let code, let area = areas.first(where: { $0.code.rawValue == code }) {
            return area
        }
        guard let province = areas.first(where: { $0.level == .province }) ?? areas.first else { throw StoreError.notFound }
        return province
    }

    static func row(_ summary: IndicatorSummary, _ chrome: Chrome) -> HTML {
        let indicator = summary.indicator
        let language = chrome.language
        let f = chrome.format
        let value = summary.latest.map { f.decimal($0.value, places: indicator.decimals) } ?? "—"
        let status = summary.standing?.status ?? .unknown
        return """
            <li class="status-\(status.rawValue)"><span class="dot" title="\(statusName(status, language))"></span><a class="name" href="/indicators/\(indicator.code.rawValue)">\(indicator.name(language))</a>
            <span class="figure"><strong>\(value)</strong> \(indicator.unit)</span><span class="when">\(summary.latest?.period.label(language) ?? "")</span>
            <span class="change">\(change(summary.standing, f))</span>\(Charts.sparkline(summary.trail.map(\.value), label: indicator.name(language)))</li>
            """
    }

    /// `▲ 3,2%` in green when better, red when worse, in the indicator's direction.
    static func change(_ standing: IndicatorStanding?, _ f: Format) -> HTML {
        guard let standing, let change = standing.change else { return "" }
        let arrow = change > 0 ? "▲" : change < 0 ? "▼" : "="
        let kind = standing.improved.map { $0 ? "better" : "worse" } ?? "same"
        return "<span class=\"\(kind)\">\(arrow) \(f.decimal(abs(change) * 100, places: 1))%</span>"
    }

    /// The change from the same period a year before, coloured as `change`.
    static func yearOnYear(_ standing: IndicatorStanding?, _ indicator: Indicator, _ f: Format) -> HTML {
        guard let standing, let before = standing.lastYear else { return "—" }
        let year = IndicatorStanding(value: standing.value, target: standing.target, previous: before, lastYear: nil, direction: indicator.direction)
        return change(year, f)
    }

    static func statusName(_ status: IndicatorStanding.Status, _ language: Language) -> String {
        switch status {
        case .good: Text(vi: "Đạt", en: "On track")(language)
        case .watch: Text(vi: "Cần theo dõi", en: "Watch")(language)
        case .bad: Text(vi: "Chưa đạt", en: "Off track")(language)
        case .unknown: Text(vi: "Chưa đủ số liệu", en: "Not enough data")(language)
        }
    }

    static func direction(_ direction: Indicator.Direction, _ language: Language) -> String {
        switch direction {
        case .higherIsBetter: Text(vi: "càng cao càng tốt", en: "higher is better")(language)
        case .lowerIsBetter: Text(vi: "càng thấp càng tốt", en: "lower is better")(language)
        case .nearTarget: Text(vi: "sát kế hoạch", en: "close to target")(language)
        }
    }

    /// The colour of each standing, as the stylesheet's dots have it.
    static func fill(_ status: IndicatorStanding.Status) -> String {
        switch status {
        case .good: "#1b7f3b"
        case .watch: "#d89b00"
        case .bad: "#b3261e"
        case .unknown: "#9aa5b1"
        }
    }

    /// How many indicators stand where, as a ring.
    static func standings(_ board: IndicatorBoard, _ chrome: Chrome) -> HTML {
        let language = chrome.language
        let counts = Dictionary(grouping: board.summaries, by: { $0.standing?.status ?? .unknown }).mapValues(\.count)
        let shares = [IndicatorStanding.Status.good, .watch, .bad, .unknown].map {
            Charts.Share(label: statusName($0, language), value: Double(counts[$0] ?? 0), fill: fill($0))
        }
        return Charts.donut(
            shares, centre: chrome.format.integer(board.summaries.count),
            caption: Text(vi: "Chỉ tiêu theo mức đạt so với kế hoạch", en: "Indicators by how they stand against target")(language), format: chrome.format)
    }

    static func legend(_ chrome: Chrome) -> HTML {
        let items: [HTML] = [IndicatorStanding.Status.good, .watch, .bad, .unknown].map { status in
            "<span class=\"status-\(status.rawValue)\"><span class=\"dot\"></span>\(statusName(status, chrome.language))</span>"
        }
        return "<p class=\"legend\">\(items)</p>"
    }

    static func areaPicker(_ board: IndicatorBoard, _ chrome: Chrome, action: String) -> HTML {
        let options: [HTML] = board.areas.map { area in
            "<option value=\"\(area.code.rawValue)\"\(HTML(raw: area.code == board.area.code ? " selected" : ""))>\(area.name)</option>"
        }
        return """
            <form class="filters" method="get" action="\(action)"><label>\(Text(vi: "Địa bàn", en: "Area")(chrome.language)) <select name="area">\(options)</select></label><button type="submit">\(Text(vi: "Xem", en: "Show")(chrome.language))</button></form>
            """
    }
}

/// What the dashboards need for one area: every active indicator's summary.
struct IndicatorBoard {
    var area: Area
    var areas: [Area]
    var summaries: [IndicatorSummary]

    var areaQuery: String { area.level == .province ? "" : "?area=\(area.code.rawValue)" }

    /// Reads only what the summaries show: per frequency, the periods of the trail and the
    /// same period a year before the latest (the area's whole history was read before, 18,000
    /// rows for 300 monthly indicators over five years).
    ///
    /// `through` a month, only the periods that ended by the month's end are read: the month
    /// itself, the quarter or year it closes, or the one before (a report for a past month).
    static func load(_ services: AppServices, area: Area, sector: Indicator.Sector? = nil, through month: Period? = nil) async throws -> IndicatorBoard {
        let catalogue = try await services.indicators.indicators(includeInactive: false).filter { sector == nil || $0.sector == sector }
        let today = try await services.calendar.workingCalendar().civilDay(of: Date())
        var values: [IndicatorValue] = []
        for frequency in Period.Frequency.allCases {
            let codes = catalogue.filter { $0.frequency == frequency }.map(\.code)
            guard !codes.isEmpty else { continue }
            let last = month.map { Period(frequency, containing: $0.next.start).previous } ?? Period(frequency, containing: today)
            let from = last.shifted(by: -(trailLength + yearSteps(frequency) + 1))
            values += try await services.indicators.values(
                IndicatorValueQuery(indicators: codes, areas: [area.code], from: from, to: month == nil ? nil : last))
        }
        let targets = try await services.indicators.targets(IndicatorValueQuery(indicators: catalogue.map(\.code), areas: [area.code]))
        let valuesBy = Dictionary(grouping: values, by: \.indicator)
        let targetsBy = Dictionary(grouping: targets, by: \.indicator)
        let areas = try await services.organisation.areas(AreaQuery()).sorted {
            ($0.level != .province ? 1 : 0, $0.name) < ($1.level != .province ? 1 : 0, $1.name)
        }
        return IndicatorBoard(
            area: area, areas: areas,
            summaries: catalogue.map {
                IndicatorSummary($0, values: valuesBy[$0.code] ?? [], targets: targetsBy[$0.code] ?? [], trailLength: trailLength)
            })
    }

    static let trailLength = 12

    /// Periods in a year of a frequency.
    static func yearSteps(_ frequency: Period.Frequency) -> Int {
        switch frequency {
        case .day: 366
        case .month: 12
        case .quarter: 4
        case .year: 1
        }
    }
}
