import CityIOCDomain
import Foundation
import Hummingbird

/// What every page's frame needs to know about the visitor.
struct Chrome: Sendable {
    var language: Language
    var principal: Principal
    var displayName: String?
    var csrfToken: String
    var path: String
    var assets: Assets

    init(context: AppRequestContext, path: String, assets: Assets) {
        language = context.language
        principal = context.principal
        displayName = context.user?.displayName
        csrfToken = context.csrfToken
        self.path = path
        self.assets = assets
    }

    var format: Format { Format(language: language) }
    func t(_ text: Text) -> String { text(language) }

    /// The hidden field every form carries.
    var csrfField: HTML { "<input type=\"hidden\" name=\"_csrf\" value=\"\(csrfToken)\">" }
}

/// A message at the top of a page after an action.
struct Flash: Sendable {
    enum Kind: String, Sendable { case ok, error }
    var kind: Kind
    var message: String

    var html: HTML { "<div class=\"flash \(kind.rawValue)\" role=\"\(kind == .error ? "alert" : "status")\">\(message)</div>" }
}

/// The frame around every page: header with navigation by permission, language switch,
/// sign-out, and the content.
struct Layout {
    var chrome: Chrome
    var title: String
    var flash: Flash?
    var body: HTML

    struct NavItem {
        var path: String
        var text: Text
        var permission: Permission?
    }

    static let navigation: [NavItem] = [
        NavItem(path: "/", text: .overview, permission: nil),
        NavItem(path: "/desk", text: Text(vi: "Phản ánh", en: "Reports"), permission: .viewReports),
        NavItem(path: "/stats", text: Text(vi: "Thống kê", en: "Statistics"), permission: .viewReports),
        NavItem(path: "/indicators", text: Text(vi: "Chỉ tiêu", en: "Indicators"), permission: .viewIndicators),
        NavItem(path: "/entities", text: Text(vi: "Cảm biến", en: "Sensors"), permission: .readContextData),
        NavItem(path: "/agency", text: .myAgency, permission: .viewUsers),
        NavItem(path: "/admin/areas", text: .areas, permission: .viewOrganisation),
        NavItem(path: "/admin/agencies", text: .agencies, permission: .viewOrganisation),
        NavItem(path: "/admin/services", text: Text(vi: "Lĩnh vực", en: "Categories"), permission: .viewOrganisation),
        NavItem(path: "/admin/routing", text: Text(vi: "Phân công", en: "Routing"), permission: .viewOrganisation),
        NavItem(path: "/admin/calendar", text: Text(vi: "Lịch làm việc", en: "Calendar"), permission: .viewOrganisation),
        NavItem(path: "/admin/users", text: .users, permission: .manageUsers),
        NavItem(path: "/admin/keys", text: .apiKeys, permission: .manageApiKeys),
        NavItem(path: "/admin/indicators", text: Text(vi: "Danh mục chỉ tiêu", en: "Indicator catalogue"), permission: .manageIndicators),
        NavItem(path: "/admin/walls", text: Text(vi: "Màn hình tường", en: "Wall screens"), permission: .manageApiKeys),
        NavItem(path: "/admin/audit", text: .audit, permission: .readAudit),
        NavItem(path: "/admin/outbox", text: Text(vi: "Thông báo", en: "Notifications"), permission: .readAudit),
    ]

    /// The document's start up to `</head>`: the same for every page and every wall screen.
    static func head(title: String, language: Language, assets: Assets, extra: HTML = "") -> HTML {
        """
        <!doctype html>
        <html lang="\(language.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) · CityIOC</title>
        <link rel="icon" href="\(assets.url("logo.svg"))" type="image/svg+xml">
        <link rel="stylesheet" href="\(assets.url("app.css"))">
        <script src="\(assets.url("app.js"))" defer></script>\(extra)
        </head>
        """
    }

    func render() -> HTML {
        let language = chrome.language
        let staff = chrome.principal.isAuthenticated && chrome.principal.role != .public
        // Citizens: report, and see what the city answered.
        let citizenItems: [HTML] = [
            ("/report", Text(vi: "Gửi phản ánh", en: "Report a problem")), ("/published", Text(vi: "Phản ánh đã trả lời", en: "Answered reports")),
        ].map { path, text in
            "<a href=\"\(path)\"\(HTML(raw: chrome.path.hasPrefix(path) ? " aria-current=\"page\"" : ""))>\(text(language))</a>"
        }
        let items: [HTML] = staff ? staffItems : citizenItems
        return page(items: items, language: language)
    }

    var staffItems: [HTML] {
        let language = chrome.language
        return Self.navigation.compactMap { item in
            guard chrome.principal.isAuthenticated, chrome.principal.role != .public else { return nil }
            if let permission = item.permission, !AccessPolicy.allows(chrome.principal, permission) { return nil }
            if item.path == "/agency", chrome.principal.agencyID == nil { return nil }
            let current = item.path == "/" ? chrome.path == "/" : chrome.path.hasPrefix(item.path)
            return "<a href=\"\(item.path)\"\(HTML(raw: current ? " aria-current=\"page\"" : ""))>\(item.text(language))</a>"
        }
    }

    func page(items: [HTML], language: Language) -> HTML {
        let other: Language = language == .vi ? .en : .vi
        let switcher: HTML = """
            <form method="post" action="/language">\(chrome.csrfField)<input type="hidden" name="language" value="\(other.rawValue)"><input type="hidden" name="next" value="\(chrome.path)"><button class="link" type="submit" lang="\(other.rawValue)">\(other == .vi ? "Tiếng Việt" : "English")</button></form>
            """
        let who: HTML
        if chrome.principal.isAuthenticated {
            who = """
                <a href="/account" class="me">\(chrome.displayName ?? chrome.principal.name)</a>
                <span class="tag">\(chrome.principal.role.title(language))</span>
                \(switcher)
                <form method="post" action="/logout">\(chrome.csrfField)<button class="link" type="submit">\(Text.signOut(language))</button></form>
                """
        } else {
            who = switcher
        }
        return """
            \(Self.head(title: title, language: language, assets: chrome.assets))
            <body>
            <a class="skip" href="#content">\(Text.skipToContent(language))</a>
            <header class="top">
            <a class="brand" href="/"><img src="\(chrome.assets.url("logo.svg"))" alt="" width="28" height="28"> CityIOC <small class="hide-narrow">\(Text.appName(language))</small></a>
            <nav aria-label="\(Text.overview(language))">\(items)</nav>
            <div class="who">\(who)</div>
            </header>
            <main id="content">
            \(flash?.html ?? "")
            \(body)
            </main>
            <footer>CityIOC · \(Text.appName(language))</footer>
            </body>
            </html>
            """
    }
}

/// The page for an error a person meets in the browser.
struct ErrorPage {
    var status: HTTPResponse.Status
    var message: String
    var requestID: String
    var language: Language

    func render() -> HTML {
        """
        <!doctype html>
        <html lang="\(language.rawValue)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(status.code) · CityIOC</title><link rel="stylesheet" href="/assets/app.css"></head>
        <body><main><div class="panel login">
        <h1>\(status.code) — \(status.reasonPhrase)</h1>
        <p>\(message)</p>
        <p class="hint">\(Text.requestID(language)): <code>\(requestID)</code></p>
        <p><a class="button" href="/">\(Text.home(language))</a></p>
        </div></main></body></html>
        """
    }
}
