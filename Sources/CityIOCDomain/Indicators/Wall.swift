import Foundation

/// A wall of screens in the operations room (twelve 55-inch screens in Hạ Long, 3 × 4): each
/// screen shows one dashboard page or a rotation of them, signed in by the wall's token (a
/// revocable secret in its URL), not by a person.
public struct Wall: Sendable, Equatable, Codable {
    public typealias ID = Identifier<Wall>

    /// One screen: its pages in turn, each for `seconds`.
    public struct Screen: Sendable, Equatable, Codable {
        public var pages: [String]
        public var seconds: Int

        public init(pages: [String], seconds: Int = 30) {
            self.pages = pages
            self.seconds = seconds
        }
    }

    public var id: ID
    public var name: String
    public var screens: [Screen]
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: ID, name: String, screens: [Screen], createdAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.screens = screens
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    public var isActive: Bool { revokedAt == nil }

    /// A wall shows dashboards only: the indicator overview (`/indicators`, `?area=` a ward) and a
    /// sector's page. Never a page with people's details or a form.
    public static func isWallPage(_ path: String) -> Bool {
        let halves = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let route = halves.first.map(String.init) ?? ""
        let query = halves.count > 1 ? String(halves[1]) : ""
        guard query.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "=&-_".contains($0)) }) else { return false }
        let parts = route.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 2: return parts[0].isEmpty && parts[1] == "indicators"
        case 4: return parts[0].isEmpty && parts[1] == "indicators" && parts[2] == "sector" && Indicator.Sector(rawValue: parts[3]) != nil
        default: return false
        }
    }

    public func validate() throws(ValidationError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError(field: "name", reason: .required) }
        guard name.count <= 100 else { throw ValidationError(field: "name", reason: .tooLong) }
        guard (1...48).contains(screens.count) else { throw ValidationError(field: "screens", reason: .outOfRange) }
        for screen in screens {
            guard (1...20).contains(screen.pages.count), screen.pages.allSatisfy(Self.isWallPage) else {
                throw ValidationError(field: "screens", reason: .invalidValue)
            }
            guard (10...3600).contains(screen.seconds) else { throw ValidationError(field: "seconds", reason: .outOfRange) }
        }
    }

    /// The screens as an admin types them: one line per screen, its pages separated by commas
    /// or spaces (`/indicators, /indicators/sector/tourism`).
    public static func screens(from text: String, seconds: Int) -> [Screen] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let pages = line.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map(String.init).filter { !$0.isEmpty }
            return pages.isEmpty ? nil : Screen(pages: pages, seconds: seconds)
        }
    }
}
