import CityIOCDomain
import Foundation
import Hummingbird

/// The city's context data for its staff: the NGSI-LD entities (stations, sensors, cameras…)
/// by type and ward, and one entity's attributes with their units and observation times.
struct EntityPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/entities", .permission(.readContextData), use: list)
        router.on(.get, "/entities/:id", .permission(.readContextData), use: detail)
    }

    static let pageSize = 100
    static let wardCode = LDContext.defaultVocabulary + "wardCode"
    static let name = LDContext.defaultVocabulary + "name"

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let chrome = services.chrome(context, "/entities")
        let language = chrome.language
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(language) }
        let q = request.uri.queryParameters
        func value(_ name: String) -> String? { q[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        let core = services.contexts.core
        let types = try await services.entities.entityTypes(tenant: "")
        let wards = try await services.organisation.areas(AreaQuery()).filter { $0.level.isCommuneLevel }
        let wardNames = Dictionary(uniqueKeysWithValues: wards.map { ($0.code.rawValue, $0.name) })
        let type = value("type").flatMap { chosen in types.first { core.compact($0.type) == chosen } }
        let ward = value("ward").flatMap { wardNames[$0] != nil ? $0 : nil }
        let page = max(1, value("page").flatMap(Int.init) ?? 1)
        var query = EntityQuery(types: type.map { [$0.type] } ?? [], limit: Self.pageSize, offset: (page - 1) * Self.pageSize, count: true)
        if let ward { query.filter = .term(EntityFilter.Term(path: [Self.wardCode], valuePath: [], comparison: .equal([.text(ward)]))) }
        let (entities, total) = types.isEmpty ? ([], 0) : try await services.entities.entities(query, tenant: "")
        let f = chrome.format
        let rows: [HTML] = entities.map { entity in
            let code = entity.attributes[Self.wardCode]?.first?["value"]?.string
            return """
                <tr><td><a href="/entities/\(NGSILDController.pathSegment(entity.id))">\(entity.id)</a></td>
                <td>\(entity.types.map(core.compact).joined(separator: ", "))</td><td>\(Self.name(entity, language))</td>
                <td>\(code.flatMap { wardNames[$0] } ?? "—")</td><td class="num">\(f.integer(entity.attributes.count))</td>
                <td class="hide-narrow">\(f.dateTime(entity.modifiedAt))</td></tr>
                """
        }
        let typeOptions = types.map { (core.compact($0.type), "\(core.compact($0.type)) (\(f.integer($0.entityCount)))") }
        let wardOptions = wards.map { ($0.code.rawValue, $0.name) }
        let count = total ?? entities.count
        var pager: [HTML] = []
        func link(_ page: Int, _ label: String) -> HTML {
            var parts = ["page=\(page)"]
            if let type { parts.append("type=" + (core.compact(type.type).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")) }
            if let ward { parts.append("ward=\(ward)") }
            return "<a class=\"button secondary\" href=\"/entities?\(parts.joined(separator: "&"))\">\(label)</a>"
        }
        if page > 1 { pager.append(link(page - 1, t("← Trang trước", "← Previous"))) }
        if page * Self.pageSize < count { pager.append(link(page + 1, t("Trang sau →", "Next →"))) }
        let title = t("Dữ liệu cảm biến và hệ thống", "Sensors and subsystems")
        let body: HTML = """
            <div class="toolbar"><h1>\(title)</h1></div>
            <form class="filters" method="get" action="/entities" role="search">
            <label>\(t("Loại", "Type"))\(Widgets.select(name: "type", options: typeOptions, selected: type.map { core.compact($0.type) }, blank: chrome.t(.all)))</label>
            <label>\(t("Phường, xã", "Ward"))\(Widgets.select(name: "ward", options: wardOptions, selected: ward, blank: chrome.t(.all)))</label>
            <button type="submit">\(chrome.t(.filter))</button>
            </form>
            <div class="table-wrap"><table>
            <thead><tr><th>\(t("Mã", "Id"))</th><th>\(t("Loại", "Type"))</th><th>\(chrome.t(.name))</th><th>\(t("Phường, xã", "Ward"))</th>
            <th class="num">\(t("Thuộc tính", "Attributes"))</th><th class="hide-narrow">\(t("Cập nhật", "Updated"))</th></tr></thead>
            <tbody>\(rows.isEmpty ? Widgets.empty(language, columns: 6) : HTML.join(rows))</tbody>
            </table></div>
            <p class="hint">\(t("\(f.integer(count)) thực thể. API: /ngsi-ld/v1/entities", "\(f.integer(count)) entities. API: /ngsi-ld/v1/entities"))</p>
            <div class="toolbar">\(HTML.join(pager, separator: " "))</div>
            """
        return Layout(chrome: chrome, title: title, flash: nil, body: body).render()
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let chrome = services.chrome(context, "/entities")
        let language = chrome.language
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(language) }
        let raw = try context.parameters.require("id")
        let id = raw.removingPercentEncoding ?? raw
        guard let entity = try await services.entities.entity(id, tenant: "") else { throw StoreError.notFound }
        let core = services.contexts.core
        let f = chrome.format
        let code = entity.attributes[Self.wardCode]?.first?["value"]?.string
        var ward: Area?
        if let code { ward = try await services.organisation.area(Area.Code(code)) }
        // The latest readings of each numeric attribute, from the attribute history, as a small line.
        let numeric = entity.attributes.filter { $0.value.contains { $0["type"]?.string == "Property" && $0["value"]?.number != nil } }.keys.sorted()
        let recent =
            numeric.isEmpty
            ? []
            : try await services.history.temporalReadings(
                tenant: "", entities: [entity.id], attributes: numeric, from: nil, to: nil, lastN: Self.recentReadings,
                limit: Self.recentReadings * numeric.count)
        var series: [String: [Double]] = [:]
        for reading in recent where reading.datasetID.isEmpty {
            if let number = reading.number { series[reading.attribute, default: []].append(number) }
        }
        var rows: [HTML] = []
        for (name, instances) in entity.attributes.sorted(by: { core.compact($0.key) < core.compact($1.key) }) {
            for instance in instances {
                let kind = instance["type"]?.string ?? ""
                let member = ContextEntity.Kind(rawValue: kind)?.valueMember ?? "value"
                let observed = instance["observedAt"]?.string.flatMap(Timestamp.parse)
                rows.append(
                    """
                    <tr><td>\(core.compact(name))\(instance["datasetId"]?.string.map { " (\($0))" } ?? "")</td><td>\(kind)</td>
                    <td class="value">\(Self.shown(instance[member], language))</td><td>\(Self.unit(instance["unitCode"]?.string))</td>
                    <td class="hide-narrow">\(observed.map { f.dateTime($0) } ?? "")</td>
                    <td class="hide-narrow">\(instance["datasetId"] == nil && (series[name]?.count ?? 0) >= 2 ? Charts.sparkline(series[name]!, label: t("\(series[name]!.count) lần đo gần nhất của \(core.compact(name))", "The last \(series[name]!.count) readings of \(core.compact(name))")) : "")</td></tr>
                    """)
            }
        }
        let title = Self.name(entity, language)
        let air = entity.types.contains(AirQualityIndicators.stationType) ? try await airQuality(entity, chrome) : ""
        let body: HTML = """
            <p><a href="/entities">\(t("← Dữ liệu cảm biến", "← Sensors and subsystems"))</a></p>
            <h1>\(title)</h1>
            <dl class="facts"><dt>\(t("Mã", "Id"))</dt><dd><code>\(entity.id)</code></dd>
            <dt>\(t("Loại", "Type"))</dt><dd>\(entity.types.map(core.compact).joined(separator: ", "))</dd>
            <dt>\(t("Phường, xã", "Ward"))</dt><dd>\(ward?.name ?? "—")</dd>
            <dt>\(t("Tạo lúc", "Created"))</dt><dd>\(f.dateTime(entity.createdAt))</dd>
            <dt>\(t("Cập nhật", "Updated"))</dt><dd>\(f.dateTime(entity.modifiedAt))</dd></dl>
            \(air)
            <div class="table-wrap"><table>
            <thead><tr><th>\(t("Thuộc tính", "Attribute"))</th><th>\(t("Kiểu", "Kind"))</th><th>\(t("Giá trị", "Value"))</th>
            <th>\(t("Đơn vị", "Unit"))</th><th class="hide-narrow">\(t("Đo lúc", "Observed"))</th>
            <th class="hide-narrow">\(t("\(Self.recentReadings) lần đo gần nhất", "The last \(Self.recentReadings) readings"))</th></tr></thead>
            <tbody>\(rows.isEmpty ? Widgets.empty(language, columns: 6) : HTML.join(rows))</tbody>
            </table></div>
            <p class="hint">API: <code>/ngsi-ld/v1/entities/\(NGSILDController.pathSegment(entity.id))</code> · \(t("lịch sử", "history")):
            <code>/ngsi-ld/v1/temporal/entities/\(NGSILDController.pathSegment(entity.id))?lastN=\(Self.recentReadings)</code></p>
            """
        return Layout(chrome: chrome, title: title, flash: nil, body: body).render()
    }

    /// How many of an attribute's latest readings its line shows.
    static let recentReadings = 48

    /// A station's VN_AQI: the last whole hour's index with its band, and the day before it.
    func airQuality(_ entity: ContextEntity, _ chrome: Chrome) async throws -> HTML {
        let language = chrome.language
        let hourEnd = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 3600).rounded(.down) * 3600)
        let day = try await AirQualityIndicators.hourly(services, station: entity.id, hourEnd: hourEnd, count: 24)
        let caption = Text(vi: "VN_AQI giờ, 24 giờ qua", en: "Hourly VN_AQI, the last 24 hours")(language)
        guard let latest = day.last ?? nil else {
            return "<p class=\"hint\">\(Text(vi: "Chưa đủ số liệu bụi PM để tính VN_AQI giờ.", en: "Not enough PM readings for an hourly VN_AQI yet.")(language))</p>"
        }
        let band = latest.band
        return """
            <section class="panel aqi"><h2>VN_AQI</h2><p><svg class="aqi-value" viewBox="0 0 72 40" role="img" aria-label="VN_AQI \(latest.value)"><rect width="72" height="40" rx="6" fill="\(band.hex)"/><text x="36" y="28" text-anchor="middle" fill="\(band >= .bad ? "#fff" : "#000")">\(latest.value)</text></svg>
            <strong>\(band.name(language))</strong> · \(Text(vi: "chất quyết định", en: "dominant")(language)): \(latest.dominant.label) · \(Text(vi: "giờ kết thúc", en: "hour ending")(language)) \(chrome.format.dateTime(hourEnd))</p>
            \(Charts.sparkline(day.map { $0.map { Double($0.value) } }, label: caption, width: 320, height: 48))<p class="hint">\(caption) · \(Text(vi: "theo Quyết định 1459/QĐ-TCMT", en: "per Decision 1459/QĐ-TCMT")(language))</p></section>
            """
    }

    /// The entity's name in the reader's language (a LanguageProperty or a text), else its id.
    static func name(_ entity: ContextEntity, _ language: Language) -> String {
        guard let instance = entity.attributes[name]?.first else { return entity.id }
        if let map = instance["languageMap"]?.object {
            return (map[language.rawValue] ?? map["vi"] ?? map.values.first)?.string ?? entity.id
        }
        return instance["value"]?.string ?? entity.id
    }

    /// The fewest decimals (up to three) that show a reading as it was sent: 19.2, not 19.20.
    static func places(_ number: Double) -> Int {
        (0...3).first { places in
            let scale = [1.0, 10, 100, 1000][places]
            return (number * scale).rounded() == number * scale
        } ?? 3
    }

    /// A UN/CEFACT unit code as people write it, the code beside it (`µg/m³ (GQ)`).
    static func unit(_ code: String?) -> String {
        guard let code else { return "" }
        let known = ["GQ": "µg/m³", "GP": "mg/m³", "MTR": "m", "CMT": "cm", "KMH": "km/h", "CEL": "°C", "P1": "%", "59": "ppm", "MMT": "mm", "A86": "GHz"]
        return known[code].map { "\($0) (\(code))" } ?? code
    }

    /// A value as a person reads it: text and numbers as they are, a point as coordinates,
    /// anything else as compact JSON (cut at 300 characters).
    static func shown(_ value: JSON?, _ language: Language) -> String {
        guard let value else { return "—" }
        switch value {
        case .string(let text): return text
        case .number(let number): return Format(language: language).decimal(number, places: places(number))
        case .bool(let flag): return flag ? "✓" : "✗"
        default:
            if value["type"] == "Point", let position = value["coordinates"]?.array, position.count >= 2 {
                // Latitude, longitude, to about a metre.
                let f = Format(language: language)
                return "\(f.decimal(position[1].number, places: 5)); \(f.decimal(position[0].number, places: 5))"
            }
            if let map = value.object, let text = map[language.rawValue]?.string { return text }
            let text = value.text
            return text.count > 300 ? String(text.prefix(300)) + "…" : text
        }
    }
}
