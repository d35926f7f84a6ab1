import CityIOCDomain
import Foundation
import Hummingbird
import HummingbirdCore

/// The wall: admins make a wall (its screens, each a page or a rotation of pages) and get one
/// URL per screen with the wall's token; a screen opens its URL once and then runs by itself —
/// dark, large type, no scrollbars, no sign-in, its figures refreshed when they change (server-sent
/// events), its rotation kept going through a server restart or a network drop (`app.js` retries).
/// Revoking the wall turns its screens away at their next request.
struct WallPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/admin/walls", .permission(.manageApiKeys), use: list)
        router.on(.post, "/admin/walls", .permission(.manageApiKeys), use: create)
        router.on(.post, "/admin/walls/:id/revoke", .permission(.manageApiKeys), use: revoke)
        router.on(.get, "/wall/:token", .anyone, use: index)
        router.on(.get, "/wall/:token/:screen", .anyone, use: screen)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await page(context, flash: nil, created: nil)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        let seconds = Int(form.text("seconds") ?? "") ?? 30
        let wall = Wall(
            id: .random(), name: form.text("name") ?? "", screens: Wall.screens(from: form.text("screens") ?? "", seconds: seconds),
            createdAt: Date())
        do {
            try wall.validate()
        } catch {
            let message = Text(
                vi: "Chưa tạo: cần tên, 1–48 màn hình (mỗi dòng một màn hình, các trang /indicators… cách nhau bởi dấu phẩy) và 10–3600 giây.",
                en: "Not created: a name, 1–48 screens (one line each, pages /indicators… separated by commas) and 10–3600 seconds are needed.")
            return try await page(context, flash: Flash(kind: .error, message: message(context.language)), created: nil).response(status: .unprocessableContent)
        }
        let token = Secret.token()
        try await services.walls.createWall(wall, tokenHash: Secret.sha256(token), context: context.changeContext)
        return try await page(context, flash: nil, created: (wall, token)).response(status: .created)
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await services.walls.revokeWall(Wall.ID(try context.parameters.require("id")), context: context.changeContext)
        return .seeOther("/admin/walls")
    }

    func page(_ context: AppRequestContext, flash: Flash?, created: (Wall, String)?) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/walls")
        let f = chrome.format
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(chrome.language) }
        let walls = try await services.walls.walls()
        let rows: [HTML] = walls.map { wall in
            let action: HTML =
                wall.isActive
                ? "<form method=\"post\" action=\"/admin/walls/\(wall.id.rawValue)/revoke\" data-confirm=\"\(t("Thu hồi? Các màn hình sẽ tắt.", "Revoke? Its screens go dark."))\">\(chrome.csrfField)<button class=\"danger\" type=\"submit\">\(t("Thu hồi", "Revoke"))</button></form>"
                : "<span class=\"tag\">\(t("đã thu hồi", "revoked")) \(f.dateTime(wall.revokedAt))</span>"
            return "<tr><td>\(wall.name)</td><td class=\"num\">\(wall.screens.count)</td><td>\(f.dateTime(wall.createdAt))</td><td>\(action)</td></tr>"
        }
        var shown: HTML = ""
        if let (wall, token) = created {
            let links: [HTML] = wall.screens.indices.map { index in
                "<li><code>/wall/\(token)/\(index + 1)</code> — \(wall.screens[index].pages.joined(separator: ", "))</li>"
            }
            shown = """
                <div class="flash ok" role="status">\(t("Đã tạo màn hình tường. Mở mỗi địa chỉ dưới đây trên một màn hình; địa chỉ chỉ hiện một lần này.", "Wall created. Open each address below on one screen; they are shown this once."))</div>
                <div class="secret" id="wall-links"><p>\(t("Danh sách màn hình", "All screens")): <code>/wall/\(token)</code></p><ol>\(links)</ol></div>
                """
        }
        let body: HTML = """
            <h1>\(t("Màn hình tường", "Wall screens"))</h1>
            \(shown)
            <div class="table-wrap"><table class="data"><thead><tr><th>\(t("Tên", "Name"))</th><th class="num">\(t("Màn hình", "Screens"))</th><th>\(t("Tạo lúc", "Created"))</th><th></th></tr></thead><tbody>\(rows)</tbody></table></div>
            <h2>\(t("Tạo màn hình tường", "New wall"))</h2>
            <form class="stack panel" method="post" action="/admin/walls">\(chrome.csrfField)
            <label>\(t("Tên", "Name"))<input name="name" required maxlength="100" placeholder="\(t("Phòng điều hành, tường 3 × 4", "Operations room, 3 × 4 wall"))"></label>
            <label>\(t("Màn hình: mỗi dòng một màn hình, các trang luân phiên cách nhau bởi dấu phẩy", "Screens: one line per screen, pages in turn separated by commas"))<textarea name="screens" rows="6" required>/indicators
            /indicators/sector/economy, /indicators/sector/public_services
            /indicators/sector/environment, /indicators/sector/tourism</textarea></label>
            <label>\(t("Số giây mỗi trang", "Seconds per page"))<input name="seconds" type="number" min="10" max="3600" value="30"></label>
            <button type="submit">\(t("Tạo", "Create"))</button>
            </form>
            """
        return Layout(chrome: chrome, title: t("Màn hình tường", "Wall screens"), flash: flash, body: body).render()
    }

    func wall(_ context: AppRequestContext) async throws -> (Wall, String) {
        let token = try context.parameters.require("token")
        guard token.count <= 100, let wall = try await services.walls.wall(tokenHash: Secret.sha256(token)) else { throw StoreError.notFound }
        return (wall, token)
    }

    @Sendable func index(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let (wall, token) = try await wall(context)
        let links: [HTML] = wall.screens.indices.map { "<li><a href=\"/wall/\(token)/\($0 + 1)\">\($0 + 1): \(wall.screens[$0].pages.joined(separator: ", "))</a></li>" }
        return WallLayout(
            language: context.language, assets: services.chrome(context, "/wall").assets, title: wall.name, heading: wall.name, body: "<ol class=\"wall-index\">\(links)</ol>",
            next: nil, seconds: 0
        ).render()
    }

    @Sendable func screen(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let (wall, token) = try await wall(context)
        guard let number = Int(try context.parameters.require("screen")), wall.screens.indices.contains(number - 1) else { throw StoreError.notFound }
        let screen = wall.screens[number - 1]
        let place = (request.uri.queryParameters["page"].flatMap { Int($0) } ?? 0) % screen.pages.count
        let path = screen.pages[max(0, place)]
        let chrome = services.chrome(context, "/wall")
        let pages = IndicatorPages(services: services)
        // The page's own address, read as a request's would be.
        let page = URI(path)
        let route = page.path
        let area = try await pages.area(code: page.queryParameters["area"].map(String.init))
        let live = IndicatorPages.liveEvents + "&wall=" + token
        let heading: String
        let body: HTML
        if route.hasPrefix("/indicators/sector/"), let sector = Indicator.Sector(rawValue: String(route.dropFirst("/indicators/sector/".count))) {
            let board = try await IndicatorBoard.load(services, area: area, sector: sector)
            heading = "\(sector.name(chrome.language)) · \(area.name)"
            body = IndicatorPages.sectorTable(board, chrome, live: live)
        } else {
            let board = try await IndicatorBoard.load(services, area: area)
            heading = "\(Text(vi: "Chỉ tiêu", en: "Indicators")(chrome.language)) · \(area.name)"
            body = "<div class=\"sectors\" data-live=\"\(live)\">\(IndicatorPages.panels(board, chrome))</div>"
        }
        let next = screen.pages.count > 1 ? "/wall/\(token)/\(number)?page=\((place + 1) % screen.pages.count)" : nil
        return WallLayout(
            language: chrome.language, assets: chrome.assets, title: "\(wall.name) · \(number)", heading: heading, body: body, next: next,
            seconds: screen.seconds
        ).render()
    }

}

/// A wall screen's frame: dark, large, nothing to click; the clock, the page's heading, and the
/// rotation's next page for `app.js`.
struct WallLayout {
    var language: Language
    var assets: Assets
    var title: String
    var heading: String
    var body: HTML
    var next: String?
    var seconds: Int

    func render() -> HTML {
        let rotation: HTML = next.map { HTML(raw: " data-wall-next=\"\(HTML.escape($0))\" data-wall-seconds=\"\(seconds)\"") } ?? ""
        return """
            \(Layout.head(title: title, language: language, assets: assets, extra: "\n<meta name=\"robots\" content=\"noindex\">"))
            <body class="wall"\(rotation)>
            <header class="wall-head"><span class="brand">CityIOC</span><h1>\(heading)</h1><time data-clock></time></header>
            <main>\(body)</main>
            </body>
            </html>
            """
    }
}
