import CityIOCDomain
import Foundation
import Hummingbird

/// What everyone may see of the city's answers: the published reports of the last months on a
/// map and in a list, and each one's page (what was reported, where, the answer, the rating).
/// Never the reporter, never an agency's internal notes, nothing not yet published.
struct PublicPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/published", .anyone, use: list)
        router.on(.get, "/published/:id", .anyone, use: detail)
    }

    static let shown: Set<ReportWorkflow.Status> = [.published, .rated]

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let chrome = services.chrome(context, "/published")
        let language = chrome.language
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(language) }
        let q = request.uri.queryParameters
        func value(_ name: String) -> String? { q[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        let days = value("days").flatMap(Int.init).flatMap { [30, 90, 365].contains($0) ? $0 : nil } ?? 90
        var query = ReportQuery(
            service: value("service").map { Service.Code($0) }, ward: value("ward").map { Area.Code($0) }, statuses: Self.shown,
            since: Date().addingTimeInterval(-Double(days) * 86400), limit: 300)
        query.withReporter = false
        let reports = try await services.reports.reports(query)
        let catalogue = try await services.catalogue.services(includeInactive: true)
        let names = Dictionary(uniqueKeysWithValues: catalogue.map { ($0.code, language == .en && !$0.nameEn.isEmpty ? $0.nameEn : $0.name) })
        let areas = try await services.organisation.areas(AreaQuery())
        let wards = areas.filter { $0.level.isCommuneLevel }
        let wardNames = Dictionary(uniqueKeysWithValues: areas.map { ($0.code, $0.name) })
        let map = Self.map(reports: reports, wards: wards, names: names, language: language)
        let rows: [HTML] = reports.prefix(100).map { report in
            """
            <tr><td><a href="/published/\(report.id.rawValue)">\(report.id.rawValue)</a></td><td>\(chrome.format.dateTime(report.requestedAt))</td>
            <td>\(names[report.service] ?? report.service.rawValue)</td><td class="hide-narrow">\(report.wardCode.flatMap { wardNames[$0] } ?? "—")</td>
            <td>\(report.workflow.answer ?? "")</td><td>\(report.workflow.stars.map { String(repeating: "★", count: $0) } ?? "")</td></tr>
            """
        }
        let dayOptions = [("30", t("30 ngày qua", "Last 30 days")), ("90", t("90 ngày qua", "Last 90 days")), ("365", t("12 tháng qua", "Last 12 months"))]
        let body: HTML = """
            <div class="toolbar"><h1>\(t("Phản ánh đã được trả lời", "Reports the city has answered"))</h1><a class="button" href="/report">\(t("Gửi phản ánh", "Report a problem"))</a></div>
            <form class="filters" method="get" action="/published" role="search">
            <label>\(t("Lĩnh vực", "Category"))\(Widgets.select(name: "service", options: catalogue.map { ($0.code.rawValue, names[$0.code] ?? $0.code.rawValue) }, selected: value("service"), blank: chrome.t(.all)))</label>
            <label>\(t("Phường, xã", "Ward"))\(Widgets.select(name: "ward", options: wards.sorted { $0.name < $1.name }.map { ($0.code.rawValue, $0.name) }, selected: value("ward"), blank: chrome.t(.all)))</label>
            <label>\(t("Thời gian", "When"))\(Widgets.select(name: "days", options: dayOptions, selected: String(days)))</label>
            <button type="submit">\(chrome.t(.filter))</button>
            </form>
            <section class="panel">\(map)</section>
            <p class="hint">\(t("Người phản ánh không bao giờ được công khai. Hiển thị tối đa 100 phản ánh mới nhất.", "Reporters are never shown. The newest 100 at most are listed."))</p>
            <div class="table-wrap"><table>
            <thead><tr><th>\(chrome.t(.code))</th><th>\(t("Tiếp nhận", "Received"))</th><th>\(t("Lĩnh vực", "Category"))</th><th class="hide-narrow">\(t("Phường, xã", "Ward"))</th><th>\(t("Kết quả", "Answer"))</th><th>\(t("Đánh giá", "Rating"))</th></tr></thead>
            <tbody>\(rows.isEmpty ? Widgets.empty(language, columns: 6) : HTML.join(rows))</tbody>
            </table></div>
            """
        return Layout(chrome: chrome, title: t("Phản ánh đã trả lời", "Answered reports"), flash: nil, body: body).render()
    }

    /// The province drawn from its ward centres (no tiles, no network): wards as faint circles,
    /// each report as a dot that links to its page.
    static func map(reports: [Report], wards: [Area], names: [Service.Code: String], language: Language) -> HTML {
        let points = wards.compactMap { ward in ward.latitude.flatMap { lat in ward.longitude.map { (latitude: lat, longitude: $0) } } }
        guard let map = AreaMap(points: points) else { return "" }
        let (width, height) = (map.width, map.height)
        let xy = map.xy
        var parts: [HTML] = []
        for ward in wards {
            guard let lat = ward.latitude, let lon = ward.longitude else { continue }
            let (x, y) = xy(lat, lon)
            parts.append("<circle class=\"ward\" cx=\"\(x)\" cy=\"\(y)\" r=\"9\"><title>\(ward.name)</title></circle>")
        }
        for report in reports {
            guard let lat = report.latitude, let lon = report.longitude else { continue }
            let (x, y) = xy(lat, lon)
            parts.append(
                "<a href=\"/published/\(report.id.rawValue)\"><circle class=\"report\" cx=\"\(x)\" cy=\"\(y)\" r=\"3\"><title>\(report.id.rawValue) · \(names[report.service] ?? report.service.rawValue)</title></circle></a>"
            )
        }
        let caption = Text(vi: "Bản đồ phản ánh đã trả lời (chấm đậm) và trung tâm các phường, xã", en: "Answered reports (dark dots) and ward centres")(language)
        return """
            <figure class="chart map"><svg viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(caption)">\(HTML.join(parts))</svg><figcaption class="hint">\(caption)</figcaption></figure>
            """
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> HTML {
        guard let report = try await services.reports.report(Report.ID(try context.parameters.require("id"))),
            Self.shown.contains(report.workflow.status)
        else { throw StoreError.notFound }
        let chrome = services.chrome(context, "/published")
        let language = chrome.language
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(language) }
        let service = try await services.catalogue.service(report.service)
        let ward = try await report.wardCode.asyncMap { try await services.organisation.area($0) } ?? nil
        let holder = try await report.workflow.agency.asyncMap { try await services.organisation.agency($0) } ?? nil
        let answeredAt = report.workflow.steps.last { $0.status == .published }?.at
        // The answer's photos only: what the reporter sent stays with the city's staff.
        let photos = try await services.attachments.attachments(of: report.id).filter { AccessPolicy.canSee($0, of: report, by: .anonymous) }
        let gallery: HTML = photos.isEmpty ? "" : "<h2>\(t("Ảnh kết quả xử lý", "Photos of the result"))</h2>\(Widgets.gallery(photos, language: language))"
        let body: HTML = """
            <h1>\(t("Phản ánh", "Report")) \(report.id.rawValue)</h1>
            <div class="panel table-wrap"><table>
            <tr><th>\(t("Lĩnh vực", "Category"))</th><td>\((language == .en ? service?.nameEn : service?.name) ?? report.service.rawValue)</td></tr>
            <tr><th>\(t("Nội dung", "What was reported"))</th><td>\(report.description)</td></tr>
            <tr><th>\(t("Địa bàn", "Where"))</th><td>\(ward?.name ?? "—") \(report.address ?? "")</td></tr>
            <tr><th>\(t("Tiếp nhận", "Received"))</th><td>\(chrome.format.dateTime(report.requestedAt))</td></tr>
            <tr><th>\(t("Đơn vị xử lý", "Handled by"))</th><td>\(holder?.displayName(language) ?? "—")</td></tr>
            <tr><th>\(t("Kết quả", "Answer"))</th><td>\(report.workflow.answer ?? "")</td></tr>
            <tr><th>\(t("Công khai lúc", "Published"))</th><td>\(chrome.format.dateTime(answeredAt))</td></tr>
            <tr><th>\(t("Đánh giá của người dân", "The reporter's rating"))</th><td>\(report.workflow.stars.map { String(repeating: "★", count: $0) } ?? "—")</td></tr>
            </table></div>
            \(gallery)
            <p><a href="/published">← \(t("Các phản ánh đã trả lời", "All answered reports"))</a></p>
            """
        return Layout(chrome: chrome, title: report.id.rawValue, flash: nil, body: body).render()
    }
}
