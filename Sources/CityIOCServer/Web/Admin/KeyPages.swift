import CityIOCDomain
import Foundation
import Hummingbird

/// API keys for machines, for admins: make one (its secret is shown once), revoke one.
struct KeyPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/admin/keys", .permission(.manageApiKeys), use: list)
        router.on(.post, "/admin/keys", .permission(.manageApiKeys), use: create)
        router.on(.post, "/admin/keys/:id/revoke", .permission(.manageApiKeys), use: revoke)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await page(context, secret: nil, flash: nil)
    }

    func page(_ context: AppRequestContext, secret: (ApiKey, String)?, flash: Flash?) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/keys")
        let keys = try await services.accounts.apiKeys()
        let agencies = try await services.organisation.agencies(AgencyQuery())
        let f = chrome.format
        let rows: [HTML] = keys.map { key in
            let state: HTML =
                key.isActive
                ? """
                <form method="post" action="/admin/keys/\(key.id.rawValue)/revoke">\(chrome.csrfField)<button class="danger" type="submit" data-confirm="\(chrome.t(.revoke))?">\(chrome.t(.revoke))</button></form>
                """ : "<span class=\"tag bad\">\(chrome.t(.revoked)) \(f.dateTime(key.revokedAt))</span>"
            return """
                <tr><td>\(key.name)</td><td><code>\(key.prefix)…</code></td><td>\(key.role.title(chrome.language))</td>
                <td class="hide-narrow">\(key.agencyID?.rawValue ?? "—")</td><td class="hide-narrow">\(f.dateTime(key.createdAt)) · \(key.createdBy)</td>
                <td class="hide-narrow">\(f.dateTime(key.lastUsedAt))</td><td>\(state)</td></tr>
                """
        }
        let shown: HTML
        if let (key, value) = secret {
            shown = """
                <div class="panel"><h2>\(key.name)</h2><p>\(chrome.t(.keyShownOnce))</p>
                <p class="secret" id="new-key">\(value)</p><button type="button" class="secondary" data-copy="new-key">⧉</button></div>
                """
        } else {
            shown = ""
        }
        let roles = Role.keyRoles.map { ($0.rawValue, $0.title(chrome.language)) }
        let body: HTML = """
            <h1>\(chrome.t(.apiKeys))</h1>
            \(shown)
            <div class="table-wrap"><table>
            <thead><tr><th>\(chrome.t(.name))</th><th>\(chrome.t(.prefix))</th><th>\(chrome.t(.role))</th><th class="hide-narrow">\(chrome.t(.agency))</th><th class="hide-narrow">\(chrome.t(.createdAt))</th><th class="hide-narrow">\(chrome.t(.lastUsed))</th><th>\(chrome.t(.status))</th></tr></thead>
            <tbody>\(rows.isEmpty ? Widgets.empty(chrome.language, columns: 7) : HTML.join(rows))</tbody>
            </table></div>
            <h2>\(chrome.t(.newKey))</h2>
            <form class="stack panel" method="post" action="/admin/keys">
            \(chrome.csrfField)
            <label>\(chrome.t(.name))<input name="name" required maxlength="120" placeholder="Trạm quan trắc không khí"></label>
            <label>\(chrome.t(.role))\(Widgets.select(name: "role", options: roles, selected: Role.integrator.rawValue))</label>
            <label>\(chrome.t(.agency))\(Widgets.select(name: "agency", options: Widgets.agencyOptions(agencies, language: chrome.language), selected: nil, blank: chrome.t(.none)))</label>
            <button type="submit">\(chrome.t(.create))</button>
            </form>
            """
        return Layout(chrome: chrome, title: chrome.t(.apiKeys), flash: flash, body: body).render()
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        do {
            let created = try await services.administration.createApiKey(
                name: form["name"] ?? "", role: form["role"].flatMap(Role.init(rawValue:)) ?? .integrator,
                agencyID: form.text("agency").map { Agency.ID($0) }, context: context.changeContext)
            // Shown in this response only; never stored or logged in the clear.
            return try await page(context, secret: created, flash: nil).response(from: request, context: context)
        } catch let error as ValidationError {
            return try await page(context, secret: nil, flash: Flash(kind: .error, message: error.message(context.language))).response(status: .unprocessableContent)
        }
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = ApiKey.ID(try context.parameters.require("id"))
        _ = try await services.accounts.revokeApiKey(id, context: context.changeContext)
        return .seeOther("/admin/keys")
    }
}
