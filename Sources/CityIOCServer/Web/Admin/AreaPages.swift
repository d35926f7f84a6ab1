import CityIOCDomain
import Foundation
import Hummingbird

/// The administrative tree: everyone signed in may look, admins may add and correct.
struct AreaPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/admin/areas", .permission(.viewOrganisation), use: list)
        router.on(.get, "/admin/areas/new", .permission(.manageOrganisation), use: newForm)
        router.on(.post, "/admin/areas", .permission(.manageOrganisation), use: save)
        router.on(.get, "/admin/areas/:code", .permission(.viewOrganisation), use: detail)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/areas")
        let q = request.uri.queryParameters
        let level = q["level"].flatMap { Area.Level(rawValue: String($0)) }
        let text = q["q"].map(String.init)
        let showInactive = q["inactive"] != nil
        let areas = try await services.organisation.areas(AreaQuery(level: level, text: text, includeInactive: showInactive))
        let agencies = try await services.organisation.agencies(AgencyQuery())
        let agencyCount = Dictionary(grouping: agencies, by: \.areaCode).mapValues(\.count)
        let f = chrome.format
        let rows: [HTML] = areas.map { area in
            """
            <tr><td><a href="/admin/areas/\(area.code.rawValue)">\(area.code.rawValue)</a></td><td>\(area.name)</td>
            <td>\(area.level.title(chrome.language))</td>
            <td class="num hide-narrow">\(f.decimal(area.areaKm2))</td>
            <td class="hide-narrow">\(area.latitude.map { f.decimal($0, places: 4) } ?? "—"), \(area.longitude.map { f.decimal($0, places: 4) } ?? "—")</td>
            <td class="num">\(f.integer(agencyCount[area.code] ?? 0))</td><td>\(Widgets.activeTag(area.active, chrome.language))</td></tr>
            """
        }
        let levels = Area.Level.allCases.map { ($0.rawValue, $0.title(chrome.language)) }
        let addButton: HTML =
            AccessPolicy.allows(context.principal, .manageOrganisation)
            ? "<a class=\"button secondary\" href=\"/admin/areas/boundaries\">\(Text(vi: "Ranh giới", en: "Outlines")(chrome.language))</a> <a class=\"button\" href=\"/admin/areas/new\">\(chrome.t(.newArea))</a>"
            : ""
        let body: HTML = """
            <div class="toolbar"><h1>\(chrome.t(.areas))</h1>\(addButton)</div>
            <form class="filters" method="get" action="/admin/areas" role="search">
            <label>\(chrome.t(.search))<input type="search" name="q" value="\(text ?? "")" placeholder="Hồng Gai, 06685…"></label>
            <label>\(chrome.t(.level))\(Widgets.select(name: "level", options: levels, selected: level?.rawValue, blank: chrome.t(.all)))</label>
            <label class="check"><span><input type="checkbox" name="inactive"\(HTML(raw: showInactive ? " checked" : ""))> \(chrome.t(.inactive))</span></label>
            <button type="submit">\(chrome.t(.filter))</button>
            </form>
            <div class="table-wrap"><table>
            <thead><tr><th>\(chrome.t(.code))</th><th>\(chrome.t(.name))</th><th>\(chrome.t(.level))</th><th class="num hide-narrow">\(chrome.t(.areaSize))</th><th class="hide-narrow">\(chrome.t(.coordinates))</th><th class="num">\(chrome.t(.agencies))</th><th>\(chrome.t(.status))</th></tr></thead>
            <tbody>\(rows.isEmpty ? Widgets.empty(chrome.language, columns: 7) : HTML.join(rows))</tbody>
            </table></div>
            <p class="hint">\(f.integer(areas.count))</p>
            """
        return Layout(chrome: chrome, title: chrome.t(.areas), flash: nil, body: body).render()
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let code = Area.Code(try context.parameters.require("code"))
        guard let area = try await services.organisation.area(code) else { throw StoreError.notFound }
        return try await form(context, area: area, isNew: false, flash: request.uri.queryParameters["saved"] != nil ? Flash(kind: .ok, message: Text.saved(context.language)) : nil)
    }

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let province = try await services.organisation.areas(AreaQuery(level: .province)).first
        let blank = Area(code: "", name: "", level: .ward, parentCode: province?.code)
        return try await form(context, area: blank, isNew: true, flash: nil)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        let isNew = form["is_new"] == "1"
        let area = Area(
            code: Area.Code(form.text("code") ?? ""), name: form.text("name") ?? "",
            level: form["level"].flatMap(Area.Level.init(rawValue:)) ?? .ward, parentCode: form.text("parent").map { Area.Code($0) },
            latitude: form.text("latitude").flatMap { Double($0.replacingOccurrences(of: ",", with: ".")) },
            longitude: form.text("longitude").flatMap { Double($0.replacingOccurrences(of: ",", with: ".")) },
            areaKm2: form.text("area_km2").flatMap { Double($0.replacingOccurrences(of: ",", with: ".")) },
            active: form.flag("active"))
        do {
            try area.validate()
            if isNew, try await services.organisation.area(area.code) != nil {
                throw ValidationError(field: "code", reason: .alreadyExists)
            }
            if let parent = area.parentCode, try await services.organisation.area(parent) == nil {
                throw ValidationError(field: "parent", reason: .unknownReference)
            }
            try await services.organisation.saveArea(area, context: context.changeContext)
        } catch let error as ValidationError {
            return try await self.form(context, area: area, isNew: isNew, flash: Flash(kind: .error, message: error.message(context.language))).response(
                status: .unprocessableContent)
        }
        return .seeOther("/admin/areas/\(area.code.rawValue)?saved=1")
    }

    func form(_ context: AppRequestContext, area: Area, isNew: Bool, flash: Flash?) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/areas")
        let canEdit = AccessPolicy.allows(context.principal, .manageOrganisation)
        let parents = try await services.organisation.areas(AreaQuery(includeInactive: true))
            .filter { $0.level == .province || $0.level == .legacyDistrict }
            .map { ($0.code.rawValue, "\($0.code.rawValue) — \($0.name)") }
        let agencies = isNew ? [] : try await services.organisation.agencies(AgencyQuery(area: area.code, includeInactive: true))
        let levels = Area.Level.allCases.map { ($0.rawValue, $0.title(chrome.language)) }
        let disabled = HTML(raw: canEdit ? "" : " disabled")
        let f = chrome.format
        let agencyRows: [HTML] = agencies.map {
            "<tr><td><a href=\"/admin/agencies/\($0.id.rawValue)\">\($0.id.rawValue)</a></td><td>\($0.displayName(chrome.language))</td><td>\($0.kind.title(chrome.language))</td></tr>"
        }
        let body: HTML = """
            <h1>\(isNew ? chrome.t(.newArea) : area.name)</h1>
            <form class="stack panel" method="post" action="/admin/areas">
            \(chrome.csrfField)<input type="hidden" name="is_new" value="\(isNew ? "1" : "0")">
            <label>\(chrome.t(.code))<input name="code" value="\(area.code.rawValue)" required maxlength="10"\(HTML(raw: isNew ? "" : " readonly"))\(disabled)></label>
            <label>\(chrome.t(.name))<input name="name" value="\(area.name)" required maxlength="200"\(disabled)></label>
            <label>\(chrome.t(.level))\(Widgets.select(name: "level", options: levels, selected: area.level.rawValue))</label>
            <label>\(chrome.t(.parent))\(Widgets.select(name: "parent", options: parents, selected: area.parentCode?.rawValue, blank: chrome.t(.none)))</label>
            <label>\(chrome.t(.latitude))<input name="latitude" inputmode="decimal" value="\(area.latitude.map { String($0) } ?? "")"\(disabled)></label>
            <label>\(chrome.t(.longitude))<input name="longitude" inputmode="decimal" value="\(area.longitude.map { String($0) } ?? "")"\(disabled)></label>
            <label>\(chrome.t(.areaSize))<input name="area_km2" inputmode="decimal" value="\(area.areaKm2.map { String($0) } ?? "")"\(disabled)></label>
            <label class="check"><input type="checkbox" name="active"\(HTML(raw: area.active ? " checked" : ""))\(disabled)> \(chrome.t(.active))</label>
            \(canEdit ? HTML(raw: "<button type=\"submit\">\(HTML.escape(chrome.t(.save)))</button>") : "")
            </form>
            \(isNew ? "" : HTML(raw: "<h2>\(HTML.escape(chrome.t(.agencies))) (\(f.integer(agencies.count)))</h2>"))
            \(isNew ? "" : HTML(raw: "<div class=\"table-wrap\"><table><tbody>\(HTML.join(agencyRows).raw)</tbody></table></div>"))
            """
        return Layout(chrome: chrome, title: isNew ? chrome.t(.newArea) : area.name, flash: flash, body: body).render()
    }
}
