import CityIOCDomain
import Foundation
import Hummingbird

/// The start page after signing in, the person's own account, and an agency's own page.
struct HomeController {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/", .signedIn, use: home)
        router.on(.get, "/account", .signedIn, use: account)
        router.on(.post, "/account/password", .signedIn, use: changePassword)
        router.on(.get, "/agency", .permission(.viewUsers), use: myAgency)
    }

    /// Capabilities of the product brief, and whether this installation has them yet.
    static let capabilities: [(Text, Bool)] = [
        (Text(vi: "Tổ chức, tài khoản, phân quyền, nhật ký", en: "Organisation, accounts, roles, audit"), true),
        (Text(vi: "Phản ánh hiện trường (1022)", en: "Citizen field reports (1022)"), true),
        (Text(vi: "Kết nối dữ liệu (NGSI-LD)", en: "Data integration hub (NGSI-LD)"), false),
        (Text(vi: "Chỉ tiêu và màn hình điều hành", en: "Indicators and the wall"), false),
        (Text(vi: "Giám sát thời gian thực, cảnh báo", en: "Real-time monitoring and alerts"), false),
        (Text(vi: "Bản đồ GIS", en: "Maps (GIS)"), false),
        (Text(vi: "Giám sát thông tin trên mạng", en: "Online information monitoring"), false),
        (Text(vi: "Tổng đài, hỏi đáp", en: "Hotline and Q&A"), false),
        (Text(vi: "Quản lý công việc, văn bản điều hành", en: "Tasks and directive documents"), false),
    ]

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        // Citizens come to report and to follow; the city's figures are for its staff.
        if context.principal.role == .public { return .seeOther("/report") }
        let chrome = services.chrome(context, "/")
        let counts = try await services.organisation.organisationCounts()
        let province = try await services.organisation.areas(AreaQuery(level: .province)).first
        let f = chrome.format
        let cards: [(Text, Int, String)] = [
            (.wardsAndCommunes, max(0, counts.areas - (province == nil ? 0 : 1)), "/admin/areas"),
            (.agencies, counts.agencies, "/admin/agencies"),
            (.users, counts.users, AccessPolicy.allows(context.principal, .manageUsers) ? "/admin/users" : ""),
            (.activeKeys, counts.activeKeys, AccessPolicy.allows(context.principal, .manageApiKeys) ? "/admin/keys" : ""),
        ]
        let cardHTML: [HTML] = cards.map { text, value, link in
            let label: HTML = link.isEmpty ? "\(text(chrome.language))" : "<a href=\"\(link)\">\(text(chrome.language))</a>"
            return "<div class=\"card\"><div class=\"value\">\(f.integer(value))</div><div class=\"label\">\(label)</div></div>"
        }
        let items: [HTML] = Self.capabilities.map { text, on in
            """
            <li class="\(on ? "on" : "off")"><span>\(text(chrome.language))</span>\(on ? HTML(raw: "<span class=\"tag ok\">\(HTML.escape(chrome.t(.available)))</span>") : HTML(raw: "<span class=\"tag\">\(HTML.escape(chrome.t(.notInstalled)))</span>"))</li>
            """
        }
        // An agency's clerk is reminded of its figures due soon or late.
        let reminder = try await IndicatorEntryPages(services: services).reminder(context)
        let due: HTML =
            reminder.map { reminder in
                let date = f.day(reminder.deadline)
                let text = Text(
                    vi: reminder.late
                        ? "\(reminder.count) chỉ tiêu của cơ quan đã quá hạn gửi số liệu (hạn \(date))." : "\(reminder.count) chỉ tiêu của cơ quan cần gửi số liệu trước \(date).",
                    en: reminder.late
                        ? "\(reminder.count) of your agency's indicators are late (due \(date))." : "\(reminder.count) of your agency's indicators are due by \(date).")
                return
                    "<p class=\"flash \(reminder.late ? "error" : "warn")\" role=\"status\">\(text(chrome.language)) <a href=\"/indicators/entry\">\(Text(vi: "Gửi số liệu", en: "Send them")(chrome.language))</a></p>"
            } ?? ""
        let body: HTML = """
            <h1>\(province?.name ?? chrome.t(.overview))</h1>
            \(due)
            <div class="cards">\(cardHTML)</div>
            <h2>\(chrome.t(.capabilities))</h2>
            <ul class="capabilities">\(items)</ul>
            """
        return Layout(chrome: chrome, title: chrome.t(.overview), flash: nil, body: body).render().response(status: .ok)
    }

    @Sendable func account(_ request: Request, context: AppRequestContext) async throws -> HTML {
        accountPage(context, flash: request.uri.queryParameters["saved"] != nil ? Flash(kind: .ok, message: Text.passwordChanged(context.language)) : nil)
    }

    func accountPage(_ context: AppRequestContext, flash: Flash?) -> HTML {
        let chrome = services.chrome(context, "/account")
        let principal = context.principal
        var rows: [HTML] = [
            "<tr><th>\(chrome.t(.username))</th><td>\(principal.name)</td></tr>",
            "<tr><th>\(chrome.t(.role))</th><td>\(principal.role.title(chrome.language))</td></tr>",
        ]
        if let agency = principal.agencyID { rows.append("<tr><th>\(chrome.t(.agency))</th><td>\(agency.rawValue)</td></tr>") }
        let passwordForm: HTML =
            context.user == nil
            ? ""
            : """
            <h2>\(chrome.t(.newPassword))</h2>
            <form class="stack panel" method="post" action="/account/password">
            \(chrome.csrfField)
            <label>\(chrome.t(.currentPassword))<input type="password" name="current" autocomplete="current-password" required></label>
            <label>\(chrome.t(.newPassword))<input type="password" name="password" autocomplete="new-password" minlength="\(PasswordPolicy.minimumLength)" required><span class="hint">\(chrome.t(.passwordHint))</span></label>
            <label>\(chrome.t(.confirmPassword))<input type="password" name="confirm" autocomplete="new-password" required></label>
            <button type="submit">\(chrome.t(.save))</button>
            </form>
            """
        let body: HTML = """
            <h1>\(chrome.t(.account))</h1>
            <div class="panel table-wrap"><table>\(rows)</table></div>
            \(passwordForm)
            """
        return Layout(chrome: chrome, title: chrome.t(.account), flash: flash, body: body).render()
    }

    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let user = context.user else { throw AccessError.forbidden }
        let form = try await FormData(request: request, context: context)
        let language = context.language
        func fail(_ message: String) -> Response {
            accountPage(context, flash: Flash(kind: .error, message: message)).response(status: .unprocessableContent)
        }
        guard let credentials = try await services.accounts.credentials(username: user.username),
            try await services.hasher.verify(form["current"] ?? "", hash: credentials.passwordHash)
        else { return fail(Text.wrongCredentials(language)) }
        let password = form["password"] ?? ""
        guard password == form["confirm"] else { return fail(Text.passwordsDiffer(language)) }
        do { try PasswordPolicy.validate(password) } catch { return fail(error.message(language)) }
        try await services.accounts.setPassword(user.id, hash: try await services.hasher.hash(password), context: context.changeContext)
        // Changing the password ends every session, this one too: sign in again with the new one.
        var response = Response.seeOther("/login")
        response.setCookie(services.sessions.cookie(name: SessionPolicy.sessionCookie, value: "", maxAge: 0))
        return response
    }

    @Sendable func myAgency(_ request: Request, context: AppRequestContext) async throws -> HTML {
        guard let agencyID = context.principal.agencyID, let agency = try await services.organisation.agency(agencyID) else {
            throw StoreError.notFound
        }
        return try await AgencyPage.render(agency: agency, services: services, context: context, path: "/agency")
    }
}
