import CityIOCDomain
import Foundation
import Hummingbird

/// The indicator catalogue in the web app, for admins (`manageIndicators`): the list with its
/// sector, owner, frequency and how each is obtained; a form per entry; and its targets, added or
/// replaced per area and period. The indicators CityIOC computes itself keep their method.
struct IndicatorAdminPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/admin/indicators", .permission(.manageIndicators), use: list)
        router.on(.get, "/admin/indicators/new", .permission(.manageIndicators), use: newForm)
        router.on(.post, "/admin/indicators", .permission(.manageIndicators), use: create)
        router.on(.get, "/admin/indicators/:code", .permission(.manageIndicators), use: edit)
        router.on(.post, "/admin/indicators/:code", .permission(.manageIndicators), use: update)
        router.on(.post, "/admin/indicators/:code/targets", .permission(.manageIndicators), use: setTarget)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/indicators")
        let language = chrome.language
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(language) }
        let q = request.uri.queryParameters
        let sector = q["sector"].flatMap { Indicator.Sector(rawValue: String($0)) }
        let words = q["q"].map { TextFolding.searchKey(String($0)) }?.split(separator: " ") ?? []
        let agencies = Dictionary(uniqueKeysWithValues: try await services.organisation.agencies(AgencyQuery(includeInactive: true)).map { ($0.id, $0) })
        let shown = try await services.indicators.indicators(includeInactive: true).filter { indicator in
            let key = TextFolding.searchKey("\(indicator.code.rawValue) \(indicator.name) \(indicator.nameEn) \(indicator.source)")
            return (sector == nil || indicator.sector == sector) && words.allSatisfy { key.contains($0) }
        }
        let rows: [HTML] = shown.map { indicator in
            """
            <tr><td><a href="/admin/indicators/\(indicator.code.rawValue)">\(indicator.code.rawValue)</a></td><td>\(indicator.name(language))</td>
            <td>\(indicator.sector.name(language))</td><td>\(indicator.frequency.name(language))</td><td>\(Self.methodName(indicator.method, language))</td>
            <td class="hide-narrow">\(indicator.agency.flatMap { agencies[$0]?.displayName(language) } ?? "—")</td><td>\(Widgets.activeTag(indicator.active, language))</td></tr>
            """
        }
        let sectors = Indicator.Sector.allCases.map { ($0.rawValue, $0.name(language)) }
        let body: HTML = """
            <div class="toolbar"><h1>\(t("Danh mục chỉ tiêu", "Indicator catalogue"))</h1><a class="button" href="/admin/indicators/new">\(t("Thêm chỉ tiêu", "New indicator"))</a></div>
            <form class="filters" method="get" action="/admin/indicators" role="search">
            <label>\(chrome.t(.search))<input type="search" name="q" value="\(q["q"].map(String.init) ?? "")" placeholder="nuoc sach, 3098…"></label>
            <label>\(t("Lĩnh vực", "Sector"))\(Widgets.select(name: "sector", options: sectors, selected: sector?.rawValue, blank: chrome.t(.all)))</label>
            <button type="submit">\(chrome.t(.filter))</button></form>
            <div class="table-wrap"><table><thead><tr><th>\(chrome.t(.code))</th><th>\(chrome.t(.name))</th><th>\(t("Lĩnh vực", "Sector"))</th><th>\(t("Tần suất", "Frequency"))</th>
            <th>\(t("Cách có số liệu", "Obtained"))</th><th class="hide-narrow">\(t("Cơ quan cập nhật", "Owner"))</th><th>\(chrome.t(.status))</th></tr></thead>
            <tbody>\(rows.isEmpty ? Widgets.empty(language, columns: 7) : HTML.join(rows))</tbody></table></div>
            <p class="hint">\(chrome.format.integer(shown.count))</p>
            """
        return Layout(chrome: chrome, title: t("Danh mục chỉ tiêu", "Indicator catalogue"), flash: nil, body: body).render()
    }

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let blank = Indicator(code: "", name: "", nameEn: "", sector: .economy, unit: "", frequency: .month, direction: .higherIsBetter)
        return try await page(blank, isNew: true, context: context, flash: nil, invalid: nil)
    }

    @Sendable func edit(_ request: Request, context: AppRequestContext) async throws -> HTML {
        guard let indicator = try await services.indicators.indicator(Indicator.Code(try context.parameters.require("code"))) else { throw StoreError.notFound }
        let flash = request.uri.queryParameters["saved"] != nil ? Flash(kind: .ok, message: Text.saved(context.language)) : nil
        return try await page(indicator, isNew: false, context: context, flash: flash, invalid: nil)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await save(request, context: context, existing: nil)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let existing = try await services.indicators.indicator(Indicator.Code(try context.parameters.require("code"))) else { throw StoreError.notFound }
        return try await save(request, context: context, existing: existing)
    }

    func save(_ request: Request, context: AppRequestContext, existing: Indicator?) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        // A formula makes an indicator computed; what CityIOC computes itself stays computed;
        // nothing else can be made computed by hand.
        let formulaText = form.text("formula") ?? ""
        let formula = IndicatorFormula(formulaText)
        let asked = form["method"].flatMap(Indicator.Method.init(rawValue:)) ?? .entered
        let builtIn = existing?.method == .computed && existing?.formula == nil
        let method: Indicator.Method = formula != nil || builtIn ? .computed : (asked == .computed ? .entered : asked)
        var indicator = Indicator(
            code: existing?.code ?? Indicator.Code(form.text("code") ?? ""), name: form.text("name") ?? "", nameEn: form.text("name_en") ?? "",
            sector: form["sector"].flatMap(Indicator.Sector.init(rawValue:)) ?? .economy, unit: form.text("unit") ?? "",
            frequency: existing?.frequency ?? form["frequency"].flatMap(Period.Frequency.init(rawValue:)) ?? .month,
            direction: form["direction"].flatMap(Indicator.Direction.init(rawValue:)) ?? .higherIsBetter,
            agency: form.text("agency").flatMap { $0.isEmpty ? nil : Agency.ID($0) }, method: method, source: form.text("source") ?? "",
            decimals: form.text("decimals").flatMap { Int($0) } ?? -1, active: form.flag("active"), formula: builtIn ? nil : formula)
        do {
            if !formulaText.isEmpty && formula == nil && !builtIn { throw ValidationError(field: "formula", reason: .invalidValue) }
            try indicator.validate()
            try DerivedIndicators.check(indicator, catalogue: try await services.indicators.indicators(includeInactive: true))
            if let agency = indicator.agency, try await services.organisation.agency(agency) == nil {
                throw ValidationError(field: "agency", reason: .unknownReference)
            }
            if existing == nil, try await services.indicators.indicator(indicator.code) != nil {
                throw ValidationError(field: "code", reason: .alreadyExists)
            }
            try await services.indicators.saveIndicator(indicator, context: context.changeContext)
        } catch let error as ValidationError {
            if formula == nil { indicator.method = existing?.method ?? .entered }
            return try await page(indicator, isNew: existing == nil, context: context, flash: nil, invalid: error, formulaText: formulaText)
                .response(status: .unprocessableContent)
        }
        return .seeOther("/admin/indicators/\(indicator.code.rawValue)?saved=1")
    }

    /// One target, for an area and a period of the indicator's frequency.
    @Sendable func setTarget(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let indicator = try await services.indicators.indicator(Indicator.Code(try context.parameters.require("code"))) else { throw StoreError.notFound }
        let form = try await FormData(request: request, context: context)
        let area = Area.Code(form.text("area") ?? "")
        do {
            guard try await services.organisation.area(area) != nil else { throw ValidationError(field: "area", reason: .unknownReference) }
            guard let period = form.text("period").flatMap({ Period($0, as: indicator.frequency) }) else {
                throw ValidationError(field: "period", reason: .invalidValue)
            }
            guard let target = form.text("target").flatMap(CheckedRows.number) else { throw ValidationError(field: "target", reason: .invalidValue) }
            try await services.indicators.setTargets([IndicatorTarget(indicator: indicator.code, area: area, period: period, target: target)], context: context.changeContext)
        } catch let error as ValidationError {
            return try await page(indicator, isNew: false, context: context, flash: nil, invalid: error).response(status: .unprocessableContent)
        }
        return .seeOther("/admin/indicators/\(indicator.code.rawValue)?saved=1#targets")
    }

    func page(
        _ indicator: Indicator, isNew: Bool, context: AppRequestContext, flash: Flash?, invalid: ValidationError?, formulaText: String? = nil
    ) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/indicators")
        let language = chrome.language
        let f = chrome.format
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(language) }
        let agencies = try await services.organisation.agencies(AgencyQuery(includeInactive: false))
        let areas = try await services.organisation.areas(AreaQuery()).sorted {
            ($0.level != .province ? 1 : 0, $0.name) < ($1.level != .province ? 1 : 0, $1.name)
        }
        let message: HTML = invalid.map { "<p class=\"error\" role=\"alert\">\($0.message(language))</p>" } ?? ""
        let computed = indicator.method == .computed && indicator.formula == nil
        let methods = Indicator.Method.allCases.filter { $0 != .computed || computed }.map { ($0.rawValue, Self.methodName($0, language)) }
        let directions = Indicator.Direction.allCases.map { ($0.rawValue, IndicatorPages.direction($0, language)) }
        let frequencies = Period.Frequency.allCases.map { ($0.rawValue, $0.name(language)) }
        let title = isNew ? t("Thêm chỉ tiêu", "New indicator") : indicator.name(language)
        var targets: HTML = ""
        if !isNew {
            let stored = try await services.indicators.targets(IndicatorValueQuery(indicators: [indicator.code])).sorted {
                ($0.period, $0.area.rawValue) > ($1.period, $1.area.rawValue)
            }
            let names = Dictionary(uniqueKeysWithValues: areas.map { ($0.code, $0.name) })
            let rows: [HTML] = stored.prefix(60).map {
                "<tr><td>\($0.period.label(language))</td><td>\(names[$0.area] ?? $0.area.rawValue)</td><td class=\"num\">\(f.decimal($0.target, places: indicator.decimals))</td></tr>"
            }
            let example = Period(indicator.frequency, containing: CivilDay(2026, 12, 31)).description
            targets = """
                <h2 id="targets">\(t("Kế hoạch", "Targets"))</h2>
                <form class="filters" method="post" action="/admin/indicators/\(indicator.code.rawValue)/targets">\(chrome.csrfField)
                <label>\(t("Địa bàn", "Area"))\(Widgets.select(name: "area", options: areas.map { ($0.code.rawValue, $0.name) }, selected: areas.first?.code.rawValue))</label>
                <label>\(t("Kỳ", "Period"))<input name="period" required placeholder="\(example)" maxlength="10"></label>
                <label>\(t("Kế hoạch", "Target")) (\(indicator.unit))<input name="target" required inputmode="decimal" maxlength="30"></label>
                <button type="submit">\(t("Lưu kế hoạch", "Save the target"))</button></form>
                <div class="table-wrap"><table class="data"><thead><tr><th>\(t("Kỳ", "Period"))</th><th>\(t("Địa bàn", "Area"))</th><th class="num">\(t("Kế hoạch", "Target"))</th></tr></thead>
                <tbody>\(rows.isEmpty ? Widgets.empty(language, columns: 3) : HTML.join(rows))</tbody></table></div>
                <p class="hint">\(t("Một kế hoạch đã có cho cùng địa bàn và kỳ được thay bằng số mới. Nhiều kế hoạch một lúc: PUT /api/v1/indicators/{mã}/targets.", "A target for the same area and period is replaced. Many at once: PUT /api/v1/indicators/{code}/targets."))</p>
                """
        }
        let body: HTML = """
            <p><a href="/admin/indicators">← \(t("Danh mục chỉ tiêu", "Indicator catalogue"))</a>\(HTML(raw: isNew ? "" : " · <a href=\"/indicators/\(indicator.code.rawValue)\">\(HTML.escape(t("Xem số liệu", "See its values")))</a>"))</p>
            <h1>\(title)</h1>
            \(message)
            <form class="stack panel" method="post" action="\(isNew ? "/admin/indicators" : "/admin/indicators/\(indicator.code.rawValue)")">\(chrome.csrfField)
            <label>\(chrome.t(.code))<input name="code" value="\(indicator.code.rawValue)" \(HTML(raw: isNew ? "required pattern=\"[a-z0-9._-]{2,64}\"" : "readonly")) maxlength="64"></label>
            <label>\(t("Tên (tiếng Việt)", "Name (Vietnamese)"))<input name="name" value="\(indicator.name)" required maxlength="300"></label>
            <label>\(t("Tên (tiếng Anh)", "Name (English)"))<input name="name_en" value="\(indicator.nameEn)" maxlength="300"></label>
            <label>\(t("Lĩnh vực", "Sector"))\(Widgets.select(name: "sector", options: Indicator.Sector.allCases.map { ($0.rawValue, $0.name(language)) }, selected: indicator.sector.rawValue))</label>
            <label>\(t("Đơn vị tính", "Unit"))<input name="unit" value="\(indicator.unit)" maxlength="40"></label>
            <label>\(t("Tần suất", "Frequency"))\(isNew ? Widgets.select(name: "frequency", options: frequencies, selected: indicator.frequency.rawValue) : HTML(raw: "<input value=\"\(HTML.escape(indicator.frequency.name(language)))\" readonly>"))</label>
            <label>\(t("Chiều tốt", "Good direction"))\(Widgets.select(name: "direction", options: directions, selected: indicator.direction.rawValue))</label>
            <label>\(t("Cơ quan cập nhật", "Owning agency"))\(Widgets.select(name: "agency", options: Widgets.agencyOptions(agencies, language: language), selected: indicator.agency?.rawValue, blank: t("chưa giao", "not assigned")))</label>
            <label>\(t("Cách có số liệu", "How it is obtained"))\(computed ? HTML(raw: "<input value=\"\(HTML.escape(Self.methodName(.computed, language)))\" readonly>") : Widgets.select(name: "method", options: methods, selected: indicator.method.rawValue))</label>
            \(computed && !isNew ? "" : HTML(raw: """
            <label>\(HTML.escape(t("Công thức (để trống nếu nhập số liệu)", "Formula (empty when values are sent)")))<input name="formula" value="\(HTML.escape(formulaText ?? indicator.formula?.description ?? ""))" maxlength="200" placeholder="sum:doanh-nghiep-moi · ratio:khach-quoc-te/luot-khach-du-lich*100"></label>
            <p class="hint">\(HTML.escape(t("sum:MÃ — tỉnh bằng tổng các phường, xã; ratio:A/B*K — A chia B nhân K (100 cho %, 100000 cho trên 100.000 dân). Chỉ tiêu đầu vào cùng tần suất, không phải chỉ tiêu tính từ công thức.", "sum:CODE — the province as the sum of its wards; ratio:A/B*K — A over B times K (100 for %, 100000 for per 100,000 people). Inputs of the same frequency, not derived themselves.")))</p>
            """))
            <label>\(t("Nguồn (bộ chỉ số, điều khoản)", "Source (KPI set, clause)"))<input name="source" value="\(indicator.source)" maxlength="200" placeholder="3098/BTTTT-KHCN, ISO 37120 …"></label>
            <label>\(t("Số chữ số thập phân", "Decimals"))<input name="decimals" type="number" min="0" max="6" value="\(max(0, indicator.decimals))"></label>
            <label class="check"><input type="checkbox" name="active"\(HTML(raw: indicator.active ? " checked" : ""))> \(chrome.t(.active))</label>
            <p><button type="submit">\(t("Lưu", "Save"))</button> <span class="hint">\(t("Tần suất không đổi được sau khi tạo: các kỳ đã nhập theo nó.", "The frequency cannot change once made: the periods sent follow it."))</span></p>
            </form>
            \(targets)
            """
        return Layout(chrome: chrome, title: title, flash: flash, body: body).render()
    }

    static func methodName(_ method: Indicator.Method, _ language: Language) -> String {
        switch method {
        case .entered: Text(vi: "nhập tay", en: "entered")(language)
        case .imported: Text(vi: "nhập từ tệp", en: "imported")(language)
        case .computed: Text(vi: "CityIOC tính", en: "computed by CityIOC")(language)
        case .pulled: Text(vi: "lấy từ hệ thống khác", en: "pulled from another system")(language)
        }
    }
}
