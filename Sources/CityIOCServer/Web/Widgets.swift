import CityIOCDomain
import Foundation
import Hummingbird

/// Small pieces of markup that many pages share.
enum Widgets {
    static func option(_ value: String, _ label: String, selected: Bool) -> HTML {
        "<option value=\"\(value)\"\(HTML(raw: selected ? " selected" : ""))>\(label)</option>"
    }

    static func select(name: String, options: [(String, String)], selected: String?, blank: String? = nil) -> HTML {
        var parts: [HTML] = []
        if let blank { parts.append(option("", blank, selected: selected == nil || selected == "")) }
        parts += options.map { option($0.0, $0.1, selected: $0.0 == selected) }
        return "<select name=\"\(name)\" id=\"f-\(name)\">\(parts)</select>"
    }

    static func activeTag(_ active: Bool, _ language: Language) -> HTML {
        active
            ? "<span class=\"tag ok\">\(Text.active(language))</span>"
            : "<span class=\"tag bad\">\(Text.inactive(language))</span>"
    }

    static func empty(_ language: Language, columns: Int) -> HTML {
        "<tr><td colspan=\"\(columns)\">\(Text.nothingFound(language))</td></tr>"
    }

    static func agencyOptions(_ agencies: [Agency], language: Language) -> [(String, String)] {
        agencies.map { ($0.id.rawValue, language == .en && !$0.nameEn.isEmpty ? $0.nameEn : $0.name) }
    }
}

extension Agency {
    func displayName(_ language: Language) -> String { language == .en && !nameEn.isEmpty ? nameEn : name }
}

extension Response {
    /// After a form post: go to a page with a GET (303), so reloading does not post again.
    static func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
