import CityIOCDomain
import Foundation
import Hummingbird

/// Routing rules: which agency handles a category of report in a ward or in the whole province.
/// The desk's assign form and bulk assign start from them. Staff may read; admins edit. The same
/// rules as JSON at `/api/v1/routing-rules`.
struct RoutingPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/admin/routing", .permission(.viewOrganisation), use: list)
        router.on(.post, "/admin/routing", .permission(.manageOrganisation), use: save)
        router.on(.post, "/admin/routing/delete", .permission(.manageOrganisation), use: delete)
        router.on(.get, "/api/v1/routing-rules", .permission(.viewOrganisation), use: apiList)
        router.on(.put, "/api/v1/routing-rules/:service/:area", .permission(.manageOrganisation), use: apiPut)
        router.on(.delete, "/api/v1/routing-rules/:service/:area", .permission(.manageOrganisation), use: apiDelete)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await page(context, flash: nil)
    }

    func page(_ context: AppRequestContext, flash: Flash?) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/routing")
        let language = chrome.language
        let rules = try await services.routing.routingRules()
        let catalogue = try await services.catalogue.services(includeInactive: true)
        let areas = try await services.organisation.areas(AreaQuery(includeInactive: true))
        let agencies = try await services.organisation.agencies(AgencyQuery(includeInactive: true))
        func serviceName(_ code: Service.Code) -> String {
            catalogue.first { $0.code == code }.map { language == .en && !$0.nameEn.isEmpty ? $0.nameEn : $0.name } ?? code.rawValue
        }
        let areaNames = Dictionary(uniqueKeysWithValues: areas.map { ($0.code, $0.name) })
        let agencyNames = Dictionary(uniqueKeysWithValues: agencies.map { ($0.id, $0.displayName(language)) })
        let canEdit = AccessPolicy.allows(context.principal, .manageOrganisation)
        let rows: [HTML] = rules.map { rule in
            let remove: HTML =
                canEdit
                ? """
                <form method="post" action="/admin/routing/delete">\(chrome.csrfField)<input type="hidden" name="service" value="\(rule.service.rawValue)"><input type="hidden" name="area" value="\(rule.area.rawValue)"><button class="secondary" type="submit">\(Text(vi: "Xóa", en: "Remove")(language))</button></form>
                """ : ""
            return """
                <tr><td>\(serviceName(rule.service))</td><td>\(areaNames[rule.area] ?? rule.area.rawValue)</td><td>\(agencyNames[rule.agency] ?? rule.agency.rawValue)</td><td>\(remove)</td></tr>
                """
        }
        let defaults: [HTML] = catalogue.map { service in
            "<tr><td>\(serviceName(service.code))</td><td>\(service.defaultAgency.flatMap { agencyNames[$0] } ?? "—")</td></tr>"
        }
        let placeOptions = areas.filter { $0.active && ($0.level == .province || $0.level.isCommuneLevel) }
            .sorted { ($0.level == .province ? 0 : 1, $0.name) < ($1.level == .province ? 0 : 1, $1.name) }
            .map { ($0.code.rawValue, $0.level == .province ? "\($0.name) (\(Text(vi: "cả tỉnh", en: "whole province")(language)))" : $0.name) }
        let form: HTML =
            canEdit
            ? """
            <h2>\(Text(vi: "Thêm hoặc đổi một quy tắc", en: "Add or change a rule")(language))</h2>
            <form class="filters panel" method="post" action="/admin/routing">\(chrome.csrfField)
            <label>\(Text(vi: "Lĩnh vực", en: "Category")(language))\(Widgets.select(name: "service", options: catalogue.map { ($0.code.rawValue, serviceName($0.code)) }, selected: nil))</label>
            <label>\(Text(vi: "Địa bàn", en: "Area")(language))\(Widgets.select(name: "area", options: placeOptions, selected: nil))</label>
            <label>\(chrome.t(.agency))\(Widgets.select(name: "agency", options: Widgets.agencyOptions(agencies.filter(\.active), language: language), selected: nil))</label>
            <button type="submit">\(chrome.t(.save))</button>
            </form>
            """ : ""
        let title = Text(vi: "Phân công xử lý", en: "Routing rules")(language)
        let body: HTML = """
            <h1>\(title)</h1>
            <p class="hint">\(Text(vi: "Phản ánh được đề xuất chuyển cho đơn vị theo quy tắc của phường, xã nơi xảy ra; nếu không có, theo quy tắc của cả tỉnh; nếu không có nữa, theo đơn vị mặc định của lĩnh vực. Điều hành viên vẫn có thể chọn đơn vị khác.", en: "A report is suggested for the agency of its ward's rule; without one, the province's rule; without that, the category's default agency. Operators can still choose another.")(language))</p>
            <div class="table-wrap"><table>
            <thead><tr><th>\(Text(vi: "Lĩnh vực", en: "Category")(language))</th><th>\(Text(vi: "Địa bàn", en: "Area")(language))</th><th>\(chrome.t(.agency))</th><th></th></tr></thead>
            <tbody>\(rows.isEmpty ? Widgets.empty(language, columns: 4) : HTML.join(rows))</tbody>
            </table></div>
            \(form)
            <h2>\(Text(vi: "Đơn vị mặc định của từng lĩnh vực", en: "Each category's default agency")(language))</h2>
            <div class="table-wrap"><table><tbody>\(HTML.join(defaults))</tbody></table></div>
            """
        return Layout(chrome: chrome, title: title, flash: flash, body: body).render()
    }

    /// A rule after checking that its category, area and agency exist.
    func checked(service: String?, area: String?, agency: String?) async throws -> RoutingRule {
        guard let service, try await services.catalogue.service(Service.Code(service)) != nil else {
            throw ValidationError(field: "service", reason: .unknownReference)
        }
        guard let area, let place = try await services.organisation.area(Area.Code(area)), place.level == .province || place.level.isCommuneLevel
        else { throw ValidationError(field: "area", reason: .unknownReference) }
        guard let agency, let holder = try await services.organisation.agency(Agency.ID(agency)), holder.active else {
            throw ValidationError(field: "agency", reason: .unknownReference)
        }
        return RoutingRule(service: Service.Code(service), area: place.code, agency: holder.id)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        do {
            let rule = try await checked(service: form.text("service"), area: form.text("area"), agency: form.text("agency"))
            try await services.routing.saveRoutingRule(rule, context: context.changeContext)
        } catch let error as ValidationError {
            return try await page(context, flash: Flash(kind: .error, message: error.message(context.language))).response(status: .unprocessableContent)
        }
        return .seeOther("/admin/routing")
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        try await services.routing.deleteRoutingRule(
            service: Service.Code(form["service"] ?? ""), area: Area.Code(form["area"] ?? ""), context: context.changeContext)
        return .seeOther("/admin/routing")
    }

    struct RuleBody: Codable, Sendable {
        var serviceCode: String
        var areaCode: String
        var agencyId: String
    }

    struct AgencyInput: Decodable {
        var agencyId: String
    }

    @Sendable func apiList(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Page<RuleBody>> {
        JSONBody(
            Page(
                try await services.routing.routingRules().map {
                    RuleBody(serviceCode: $0.service.rawValue, areaCode: $0.area.rawValue, agencyId: $0.agency.rawValue)
                }))
    }

    @Sendable func apiPut(_ request: Request, context: AppRequestContext) async throws -> JSONBody<RuleBody> {
        let input = try await request.decodeJSON(AgencyInput.self, context: context)
        let rule = try await checked(
            service: try context.parameters.require("service"), area: try context.parameters.require("area"), agency: input.agencyId)
        let existed = try await services.routing.routingRules().contains { $0.service == rule.service && $0.area == rule.area }
        try await services.routing.saveRoutingRule(rule, context: context.changeContext)
        return JSONBody(
            RuleBody(serviceCode: rule.service.rawValue, areaCode: rule.area.rawValue, agencyId: rule.agency.rawValue),
            status: existed ? .ok : .created)
    }

    @Sendable func apiDelete(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await services.routing.deleteRoutingRule(
            service: Service.Code(try context.parameters.require("service")), area: Area.Code(try context.parameters.require("area")),
            context: context.changeContext)
        return Response(status: .noContent)
    }
}
