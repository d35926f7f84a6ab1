import CityIOCDomain
import Foundation
import Hummingbird

/// Accounts of people, for admins: list, add, change role or agency, deactivate, reset a
/// password, lift a lockout.
struct UserPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/admin/users", .permission(.manageUsers), use: list)
        router.on(.get, "/admin/users/new", .permission(.manageUsers), use: newForm)
        router.on(.post, "/admin/users", .permission(.manageUsers), use: create)
        router.on(.get, "/admin/users/:id", .permission(.manageUsers), use: detail)
        router.on(.post, "/admin/users/:id", .permission(.manageUsers), use: update)
        router.on(.post, "/admin/users/:id/password", .permission(.manageUsers), use: resetPassword)
        router.on(.post, "/admin/users/:id/unlock", .permission(.manageUsers), use: unlock)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/users")
        let q = request.uri.queryParameters
        let role = q["role"].flatMap { Role(rawValue: String($0)) }
        let agencyID = q["agency"].flatMap { $0.isEmpty ? nil : Agency.ID(String($0)) }
        let text = q["q"].map(String.init)
        let users = try await services.accounts.users(
            UserQuery(scope: AccessPolicy.scope(for: context.principal), agency: agencyID, role: role, text: text))
        let agencies = try await services.organisation.agencies(AgencyQuery(includeInactive: true))
        let names = Dictionary(uniqueKeysWithValues: agencies.map { ($0.id, $0.displayName(chrome.language)) })
        let now = Date()
        let rows: [HTML] = users.map { user in
            let locked = (user.lockedUntil ?? .distantPast) > now
            return """
                <tr><td><a href="/admin/users/\(user.id.rawValue)">\(user.username)</a></td><td>\(user.displayName)</td>
                <td>\(user.role.title(chrome.language))</td><td class="hide-narrow">\(user.agencyID.flatMap { names[$0] } ?? "—")</td>
                <td>\(Widgets.activeTag(user.active, chrome.language))\(locked ? HTML(raw: " <span class=\"tag warn\">\(HTML.escape(chrome.t(.locked)))</span>") : "")</td></tr>
                """
        }
        let roles = Role.allCases.filter { $0 != .integrator }.map { ($0.rawValue, $0.title(chrome.language)) }
        let body: HTML = """
            <div class="toolbar"><h1>\(chrome.t(.users))</h1><a class="button" href="/admin/users/new">\(chrome.t(.newUser))</a></div>
            <form class="filters" method="get" action="/admin/users" role="search">
            <label>\(chrome.t(.search))<input type="search" name="q" value="\(text ?? "")"></label>
            <label>\(chrome.t(.role))\(Widgets.select(name: "role", options: roles, selected: role?.rawValue, blank: chrome.t(.all)))</label>
            <label>\(chrome.t(.agency))\(Widgets.select(name: "agency", options: Widgets.agencyOptions(agencies, language: chrome.language), selected: agencyID?.rawValue, blank: chrome.t(.all)))</label>
            <button type="submit">\(chrome.t(.filter))</button>
            </form>
            <div class="table-wrap"><table>
            <thead><tr><th>\(chrome.t(.username))</th><th>\(chrome.t(.displayName))</th><th>\(chrome.t(.role))</th><th class="hide-narrow">\(chrome.t(.agency))</th><th>\(chrome.t(.status))</th></tr></thead>
            <tbody>\(rows.isEmpty ? Widgets.empty(chrome.language, columns: 5) : HTML.join(rows))</tbody>
            </table></div>
            """
        return Layout(chrome: chrome, title: chrome.t(.users), flash: nil, body: body).render()
    }

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await newUserPage(context, values: FormData(encoded: ""), flash: nil)
    }

    func newUserPage(_ context: AppRequestContext, values: FormData, flash: Flash?) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/users")
        let agencies = try await services.organisation.agencies(AgencyQuery())
        let roles = Role.allCases.filter { $0 != .integrator }.map { ($0.rawValue, $0.title(chrome.language)) }
        let languages = Language.allCases.map { ($0.rawValue, $0 == .vi ? "Tiếng Việt" : "English") }
        let body: HTML = """
            <h1>\(chrome.t(.newUser))</h1>
            <form class="stack panel" method="post" action="/admin/users">
            \(chrome.csrfField)
            <label>\(chrome.t(.username))<input name="username" value="\(values["username"] ?? "")" required pattern="[a-z0-9._\\-]{3,40}" autocapitalize="none"></label>
            <label>\(chrome.t(.displayName))<input name="display_name" value="\(values["display_name"] ?? "")" required maxlength="120"></label>
            <label>\(chrome.t(.role))\(Widgets.select(name: "role", options: roles, selected: values["role"] ?? Role.agencyStaff.rawValue))</label>
            <label>\(chrome.t(.agency))\(Widgets.select(name: "agency", options: Widgets.agencyOptions(agencies, language: chrome.language), selected: values["agency"], blank: chrome.t(.none)))</label>
            <label>\(chrome.t(.language))\(Widgets.select(name: "language", options: languages, selected: values["language"], blank: chrome.t(.browserLanguage)))</label>
            <label>\(chrome.t(.initialPassword))<input type="password" name="password" autocomplete="new-password" required minlength="\(PasswordPolicy.minimumLength)"><span class="hint">\(chrome.t(.passwordHint))</span></label>
            <button type="submit">\(chrome.t(.create))</button>
            </form>
            """
        return Layout(chrome: chrome, title: chrome.t(.newUser), flash: flash, body: body).render()
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        do {
            let user = try await services.administration.createUser(
                .init(
                    username: form["username"] ?? "", displayName: form["display_name"] ?? "",
                    role: form["role"].flatMap(Role.init(rawValue:)) ?? .public, agencyID: form.text("agency").map { Agency.ID($0) },
                    language: form["language"].flatMap(Language.init(rawValue:)), password: form["password"] ?? ""),
                context: context.changeContext)
            return .seeOther("/admin/users/\(user.id.rawValue)?saved=1")
        } catch let error as ValidationError {
            return try await newUserPage(context, values: form, flash: Flash(kind: .error, message: error.message(context.language))).response(status: .unprocessableContent)
        }
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let user = try await load(context)
        let flash = request.uri.queryParameters["saved"] != nil ? Flash(kind: .ok, message: Text.saved(context.language)) : nil
        return try await userPage(context, user: user, flash: flash)
    }

    func load(_ context: AppRequestContext) async throws -> User {
        let id = User.ID(try context.parameters.require("id"))
        guard let user = try await services.accounts.user(id) else { throw StoreError.notFound }
        return user
    }

    func userPage(_ context: AppRequestContext, user: User, flash: Flash?) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/users")
        let agencies = try await services.organisation.agencies(AgencyQuery())
        let roles = Role.allCases.filter { $0 != .integrator }.map { ($0.rawValue, $0.title(chrome.language)) }
        let languages = Language.allCases.map { ($0.rawValue, $0 == .vi ? "Tiếng Việt" : "English") }
        let f = chrome.format
        let locked = (user.lockedUntil ?? .distantPast) > Date()
        let lockPanel: HTML =
            user.failedLogins > 0 || locked
            ? """
            <div class="panel"><p>\(chrome.t(.lockedCount)): <strong>\(user.failedLogins)</strong>\(locked ? HTML(raw: " — \(HTML.escape(chrome.t(.locked))) → \(HTML.escape(f.dateTime(user.lockedUntil)))") : "")</p>
            <form method="post" action="/admin/users/\(user.id.rawValue)/unlock">\(chrome.csrfField)<button type="submit" class="secondary">\(chrome.t(.unlock))</button></form></div>
            """ : ""
        let body: HTML = """
            <h1>\(user.displayName) <small class="hint">\(user.username)</small></h1>
            \(lockPanel)
            <form class="stack panel" method="post" action="/admin/users/\(user.id.rawValue)">
            \(chrome.csrfField)
            <label>\(chrome.t(.displayName))<input name="display_name" value="\(user.displayName)" required maxlength="120"></label>
            <label>\(chrome.t(.role))\(Widgets.select(name: "role", options: roles, selected: user.role.rawValue))</label>
            <label>\(chrome.t(.agency))\(Widgets.select(name: "agency", options: Widgets.agencyOptions(agencies, language: chrome.language), selected: user.agencyID?.rawValue, blank: chrome.t(.none)))</label>
            <label>\(chrome.t(.language))\(Widgets.select(name: "language", options: languages, selected: user.language?.rawValue, blank: chrome.t(.browserLanguage)))</label>
            <label class="check"><input type="checkbox" name="active"\(HTML(raw: user.active ? " checked" : ""))> \(chrome.t(.active))</label>
            <button type="submit">\(chrome.t(.save))</button>
            </form>
            <h2>\(chrome.t(.resetPassword))</h2>
            <form class="stack panel" method="post" action="/admin/users/\(user.id.rawValue)/password">
            \(chrome.csrfField)
            <label>\(chrome.t(.newPassword))<input type="password" name="password" autocomplete="new-password" required minlength="\(PasswordPolicy.minimumLength)"><span class="hint">\(chrome.t(.passwordHint))</span></label>
            <button type="submit" class="secondary">\(chrome.t(.resetPassword))</button>
            </form>
            <p><a href="/admin/audit?entity_type=user&amp;entity_id=\(user.id.rawValue)">\(chrome.t(.audit)) →</a></p>
            """
        return Layout(chrome: chrome, title: user.displayName, flash: flash, body: body).render()
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        var user = try await load(context)
        let form = try await FormData(request: request, context: context)
        user.displayName = form.text("display_name") ?? ""
        user.role = form["role"].flatMap(Role.init(rawValue:)) ?? user.role
        user.agencyID = form.text("agency").map { Agency.ID($0) }
        user.language = form["language"].flatMap(Language.init(rawValue:))
        user.active = form.flag("active")
        do {
            try await services.administration.updateUser(user, context: context.changeContext)
        } catch let error as ValidationError {
            return try await failed(request, context, user: user, error)
        }
        return .seeOther("/admin/users/\(user.id.rawValue)?saved=1")
    }

    @Sendable func resetPassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try await load(context)
        let form = try await FormData(request: request, context: context)
        do {
            try await services.administration.resetPassword(user.id, to: form["password"] ?? "", context: context.changeContext)
        } catch let error as ValidationError {
            return try await failed(request, context, user: user, error)
        }
        return .seeOther("/admin/users/\(user.id.rawValue)?saved=1")
    }

    @Sendable func unlock(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try await load(context)
        try await services.accounts.unlock(user.id, context: context.changeContext)
        return .seeOther("/admin/users/\(user.id.rawValue)?saved=1")
    }

    func failed(_ request: Request, _ context: AppRequestContext, user: User, _ error: ValidationError) async throws -> Response {
        return try await userPage(context, user: user, flash: Flash(kind: .error, message: error.message(context.language))).response(status: .unprocessableContent)
    }
}
