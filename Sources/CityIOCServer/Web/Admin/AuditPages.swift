import CityIOCDomain
import Foundation
import Hummingbird

/// The audit log for admins: newest first, filtered by actor, action, record and dates, paged
/// by id so a page never shifts while new entries arrive.
struct AuditPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/admin/audit", .permission(.readAudit), use: list)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/audit")
        let q = request.uri.queryParameters
        let f = chrome.format
        func value(_ name: String) -> String? { q[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        let filter = AuditFilter(
            actor: value("actor"), action: value("action"), entityType: value("entity_type"), entityID: value("entity_id"),
            since: f.day(value("from")), until: f.day(value("to")).map { $0.addingTimeInterval(86400) },
            beforeID: value("before").flatMap { Int64($0) }, limit: 50)
        let entries = try await services.audit.auditEntries(filter)
        let rows: [HTML] = entries.map { entry in
            let changes: HTML =
                entry.before == nil && entry.after == nil
                ? "—"
                : """
                <details><summary>\(chrome.t(.details))</summary>
                \(entry.before.map { HTML(raw: "<div>\(HTML.escape(chrome.t(.before)))</div><pre class=\"json\">\(HTML.escape($0))</pre>") } ?? "")
                \(entry.after.map { HTML(raw: "<div>\(HTML.escape(chrome.t(.after)))</div><pre class=\"json\">\(HTML.escape($0))</pre>") } ?? "")
                </details>
                """
            return """
                <tr><td>\(f.dateTime(entry.at))</td><td>\(entry.actorName)</td><td><code>\(entry.action)</code></td>
                <td>\(entry.entityType) \(Self.link(entry))</td><td>\(changes)</td></tr>
                """
        }
        var older: HTML = ""
        if entries.count == filter.limit, let last = entries.last {
            var items = (q.map { ($0.key, $0.value) }).filter { $0.0 != "before" }.map {
                "\($0.0)=\(String($0.1).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            }
            items.append("before=\(last.id)")
            older = "<p class=\"pager\"><a class=\"button secondary\" href=\"/admin/audit?\(items.joined(separator: "&"))\">\(chrome.t(.older))</a></p>"
        }
        let body: HTML = """
            <h1>\(chrome.t(.audit))</h1>
            <form class="filters" method="get" action="/admin/audit" role="search">
            <label>\(chrome.t(.actor))<input name="actor" value="\(filter.actor ?? "")"></label>
            <label>\(chrome.t(.action))<input name="action" value="\(filter.action ?? "")" placeholder="user, agency.update…"></label>
            <label>\(chrome.t(.record))<input name="entity_type" value="\(filter.entityType ?? "")" placeholder="user, agency, area…"></label>
            <label>\(chrome.t(.code))<input name="entity_id" value="\(filter.entityID ?? "")"></label>
            <label>\(chrome.t(.from))<input type="date" name="from" value="\(value("from") ?? "")"></label>
            <label>\(chrome.t(.to))<input type="date" name="to" value="\(value("to") ?? "")"></label>
            <button type="submit">\(chrome.t(.filter))</button>
            </form>
            <div class="table-wrap"><table>
            <thead><tr><th>\(chrome.t(.time))</th><th>\(chrome.t(.actor))</th><th>\(chrome.t(.action))</th><th>\(chrome.t(.record))</th><th>\(chrome.t(.details))</th></tr></thead>
            <tbody>\(rows.isEmpty ? Widgets.empty(chrome.language, columns: 5) : HTML.join(rows))</tbody>
            </table></div>
            \(older)
            """
        return Layout(chrome: chrome, title: chrome.t(.audit), flash: nil, body: body).render()
    }

    /// The record an entry is about, linked to its page where it has one.
    static func link(_ entry: AuditEntry) -> HTML {
        let pages = ["user": "/admin/users/", "agency": "/admin/agencies/", "area": "/admin/areas/"]
        guard let page = pages[entry.entityType] else { return "<code>\(entry.entityID)</code>" }
        return "<a href=\"\(page)\(entry.entityID)\"><code>\(entry.entityID)</code></a>"
    }
}
