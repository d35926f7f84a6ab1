import CityIOCDomain
import Foundation
import Hummingbird

/// Agencies: the directory for everyone signed in; adding and editing for admins. An agency's
/// staff list is shown only to those `AccessPolicy` lets read that agency's records.
struct AgencyPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/admin/agencies", .permission(.viewOrganisation), use: list)
        router.on(.get, "/admin/agencies/new", .permission(.manageOrganisation), use: newForm)
        router.on(.post, "/admin/agencies", .permission(.manageOrganisation), use: create)
        router.on(.get, "/admin/agencies/:id", .permission(.viewOrganisation), use: detail)
        router.on(.post, "/admin/agencies/:id", .permission(.manageOrganisation), use: update)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/agencies")
        let q = request.uri.queryParameters
        let kind = q["kind"].flatMap { Agency.Kind(rawValue: String($0)) }
        let text = q["q"].map(String.init)
        let agencies = try await services.organisation.agencies(AgencyQuery(kind: kind, text: text, includeInactive: true))
        let areas = Dictionary(
            uniqueKeysWithValues: try await services.organisation.areas(AreaQuery(includeInactive: true)).map { ($0.code, $0) })
        let rows: [HTML] = agencies.map { agency in
            """
            <tr><td><a href="/admin/agencies/\(agency.id.rawValue)">\(agency.id.rawValue)</a></td>
            <td>\(agency.displayName(chrome.language))</td><td>\(agency.kind.title(chrome.language))</td>
            <td class="hide-narrow">\(areas[agency.areaCode]?.name ?? agency.areaCode.rawValue)</td>
            <td>\(Widgets.activeTag(agency.active, chrome.language))</td></tr>
            """
        }
        let kinds = Agency.Kind.allCases.map { ($0.rawValue, $0.title(chrome.language)) }
        let addButton: HTML =
            AccessPolicy.allows(context.principal, .manageOrganisation)
            ? "<a class=\"button\" href=\"/admin/agencies/new\">\(chrome.t(.newAgency))</a>" : ""
        let body: HTML = """
            <div class="toolbar"><h1>\(chrome.t(.agencies))</h1>\(addButton)</div>
            <form class="filters" method="get" action="/admin/agencies" role="search">
            <label>\(chrome.t(.search))<input type="search" name="q" value="\(text ?? "")" placeholder="xây dựng, Hồng Gai…"></label>
            <label>\(chrome.t(.kind))\(Widgets.select(name: "kind", options: kinds, selected: kind?.rawValue, blank: chrome.t(.all)))</label>
            <button type="submit">\(chrome.t(.filter))</button>
            </form>
            <div class="table-wrap"><table>
            <thead><tr><th>\(chrome.t(.code))</th><th>\(chrome.t(.name))</th><th>\(chrome.t(.kind))</th><th class="hide-narrow">\(chrome.t(.areas))</th><th>\(chrome.t(.status))</th></tr></thead>
            <tbody>\(rows.isEmpty ? Widgets.empty(chrome.language, columns: 5) : HTML.join(rows))</tbody>
            </table></div>
            <p class="hint">\(chrome.format.integer(agencies.count))</p>
            """
        return Layout(chrome: chrome, title: chrome.t(.agencies), flash: nil, body: body).render()
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let id = Agency.ID(try context.parameters.require("id"))
        guard let agency = try await services.organisation.agency(id) else { throw StoreError.notFound }
        let flash = request.uri.queryParameters["saved"] != nil ? Flash(kind: .ok, message: Text.saved(context.language)) : nil
        return try await AgencyPage.render(agency: agency, services: services, context: context, path: "/admin/agencies", flash: flash)
    }

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let province = try await services.organisation.areas(AreaQuery(level: .province)).first
        let blank = Agency(id: "", name: "", nameEn: "", kind: .department, areaCode: province?.code ?? "")
        return try await AgencyPage.form(agency: blank, isNew: true, services: services, context: context, flash: nil)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await save(request, context: context, existing: nil)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = Agency.ID(try context.parameters.require("id"))
        guard let existing = try await services.organisation.agency(id) else { throw StoreError.notFound }
        return try await save(request, context: context, existing: existing)
    }

    func save(_ request: Request, context: AppRequestContext, existing: Agency?) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        let agency = Agency(
            id: existing?.id ?? Agency.ID(form.text("id") ?? ""), name: form.text("name") ?? "", nameEn: form.text("name_en") ?? "",
            kind: form["kind"].flatMap(Agency.Kind.init(rawValue:)) ?? .other, areaCode: Area.Code(form.text("area") ?? ""),
            email: form.text("email"), phone: form.text("phone"), active: form.flag("active"))
        do {
            try agency.validate()
            guard try await services.organisation.area(agency.areaCode) != nil else {
                throw ValidationError(field: "area", reason: .unknownReference)
            }
            if existing == nil {
                do { try await services.organisation.createAgency(agency, context: context.changeContext) } catch StoreError.duplicate {
                    throw ValidationError(field: "id", reason: .alreadyExists)
                }
            } else {
                try await services.organisation.updateAgency(agency, context: context.changeContext)
            }
        } catch let error as ValidationError {
            return try await AgencyPage.form(
                agency: agency, isNew: existing == nil, services: services, context: context,
                flash: Flash(kind: .error, message: error.message(context.language))
            ).response(status: .unprocessableContent)
        }
        return .seeOther("/admin/agencies/\(agency.id.rawValue)?saved=1")
    }
}

/// One agency: its details, its staff (for those allowed), and the edit form for admins.
enum AgencyPage {
    static func render(
        agency: Agency, services: AppServices, context: AppRequestContext, path: String, flash: Flash? = nil
    ) async throws -> HTML {
        let chrome = services.chrome(context, path)
        let area = try await services.organisation.area(agency.areaCode)
        var staff: HTML = ""
        if AccessPolicy.allows(context.principal, .viewUsers), AccessPolicy.canRead(context.principal, ownedBy: agency.id) {
            let users = try await services.accounts.users(UserQuery(scope: AccessPolicy.scope(for: context.principal), agency: agency.id))
            let rows: [HTML] = users.map {
                "<tr><td>\($0.username)</td><td>\($0.displayName)</td><td>\($0.role.title(chrome.language))</td><td>\(Widgets.activeTag($0.active, chrome.language))</td></tr>"
            }
            staff = """
                <h2>\(chrome.t(.staff)) (\(chrome.format.integer(users.count)))</h2>
                <div class="table-wrap"><table><thead><tr><th>\(chrome.t(.username))</th><th>\(chrome.t(.displayName))</th><th>\(chrome.t(.role))</th><th>\(chrome.t(.status))</th></tr></thead>
                <tbody>\(rows.isEmpty ? Widgets.empty(chrome.language, columns: 4) : HTML.join(rows))</tbody></table></div>
                """
        }
        if AccessPolicy.allows(context.principal, .manageOrganisation) {
            return try await form(agency: agency, isNew: false, services: services, context: context, flash: flash, extra: staff)
        }
        let body: HTML = """
            <h1>\(agency.displayName(chrome.language))</h1>
            <div class="panel table-wrap"><table>
            <tr><th>\(chrome.t(.code))</th><td>\(agency.id.rawValue)</td></tr>
            <tr><th>\(chrome.t(.name))</th><td>\(agency.name)</td></tr>
            <tr><th>\(chrome.t(.nameEnglish))</th><td>\(agency.nameEn)</td></tr>
            <tr><th>\(chrome.t(.kind))</th><td>\(agency.kind.title(chrome.language))</td></tr>
            <tr><th>\(chrome.t(.areas))</th><td>\(area?.name ?? agency.areaCode.rawValue)</td></tr>
            <tr><th>\(chrome.t(.email))</th><td>\(agency.email ?? "—")</td></tr>
            <tr><th>\(chrome.t(.phone))</th><td>\(agency.phone ?? "—")</td></tr>
            </table></div>
            \(staff)
            """
        return Layout(chrome: chrome, title: agency.displayName(chrome.language), flash: flash, body: body).render()
    }

    static func form(
        agency: Agency, isNew: Bool, services: AppServices, context: AppRequestContext, flash: Flash?, extra: HTML = ""
    ) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/agencies")
        let areas = try await services.organisation.areas(AreaQuery())
            .map { ($0.code.rawValue, "\($0.code.rawValue) — \($0.name)") }
        let kinds = Agency.Kind.allCases.map { ($0.rawValue, $0.title(chrome.language)) }
        let action = isNew ? "/admin/agencies" : "/admin/agencies/\(agency.id.rawValue)"
        let body: HTML = """
            <h1>\(isNew ? chrome.t(.newAgency) : agency.displayName(chrome.language))</h1>
            <form class="stack panel" method="post" action="\(action)">
            \(chrome.csrfField)
            <label>\(chrome.t(.code))<input name="id" value="\(agency.id.rawValue)" required pattern="[a-z0-9\\-]{2,40}" maxlength="40"\(HTML(raw: isNew ? "" : " readonly"))><span class="hint">so-xay-dung, ubnd-06685</span></label>
            <label>\(chrome.t(.name))<input name="name" value="\(agency.name)" required maxlength="200"></label>
            <label>\(chrome.t(.nameEnglish))<input name="name_en" value="\(agency.nameEn)" maxlength="200"></label>
            <label>\(chrome.t(.kind))\(Widgets.select(name: "kind", options: kinds, selected: agency.kind.rawValue))</label>
            <label>\(chrome.t(.areas))\(Widgets.select(name: "area", options: areas, selected: agency.areaCode.rawValue))</label>
            <label>\(chrome.t(.email))<input type="email" name="email" value="\(agency.email ?? "")" maxlength="200"></label>
            <label>\(chrome.t(.phone))<input type="tel" name="phone" value="\(agency.phone ?? "")" maxlength="20"></label>
            <label class="check"><input type="checkbox" name="active"\(HTML(raw: agency.active ? " checked" : ""))> \(chrome.t(.active))</label>
            <button type="submit">\(chrome.t(.save))</button>
            </form>
            \(extra)
            """
        return Layout(chrome: chrome, title: isNew ? chrome.t(.newAgency) : agency.displayName(chrome.language), flash: flash, body: body).render()
    }
}
