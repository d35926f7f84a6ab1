import Foundation

/// Who is acting: a signed-in person, a machine with an API key, CityIOC itself (migrations,
/// the demo loader, the command line), or nobody. Carried through a request and written into
/// every audit entry.
public struct Principal: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable { case user, apiKey = "api_key", system, anonymous }

    public var kind: Kind
    /// The user's or the key's id; empty for the system and for anonymous visitors.
    public var id: String
    /// A name for people to read in the audit log: a username, a key's name, "system".
    public var name: String
    public var role: Role
    public var agencyID: Agency.ID?

    public init(kind: Kind, id: String, name: String, role: Role, agencyID: Agency.ID?) {
        self.kind = kind
        self.id = id
        self.name = name
        self.role = role
        self.agencyID = agencyID
    }

    public static let anonymous = Principal(kind: .anonymous, id: "", name: "anonymous", role: .public, agencyID: nil)

    /// CityIOC acting on its own behalf; `detail` says which part (`"cli"`, `"demo"`).
    public static func system(_ detail: String) -> Principal {
        Principal(kind: .system, id: detail, name: "system:\(detail)", role: .admin, agencyID: nil)
    }

    public var isAuthenticated: Bool { kind != .anonymous }
}
