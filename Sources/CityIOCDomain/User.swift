import Foundation

/// A person who signs in: IOC staff, leaders, agency staff, and citizens with an account.
/// The password hash lives beside it in the store and never travels with this value.
public struct User: Sendable, Equatable, Codable {
    public typealias ID = Identifier<User>

    public var id: ID
    /// What the person types to sign in: lowercase letters, digits, `.`, `_`, `-`.
    public var username: String
    public var displayName: String
    public var role: Role
    public var agencyID: Agency.ID?
    /// The language the person chose; nil follows the browser.
    public var language: Language?
    public var active: Bool
    public var failedLogins: Int
    public var lastFailedLoginAt: Date?
    public var lockedUntil: Date?
    public var createdAt: Date

    /// JSON keys in the API's style (`agencyId`).
    enum CodingKeys: String, CodingKey {
        case id, username, displayName, role, agencyID = "agencyId", language, active, failedLogins
        case lastFailedLoginAt, lockedUntil, createdAt
    }

    public init(
        id: ID, username: String, displayName: String, role: Role, agencyID: Agency.ID?,
        language: Language? = nil, active: Bool = true, failedLogins: Int = 0,
        lastFailedLoginAt: Date? = nil, lockedUntil: Date? = nil, createdAt: Date = Date()
    ) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.agencyID = agencyID
        self.language = language
        self.active = active
        self.failedLogins = failedLogins
        self.lastFailedLoginAt = lastFailedLoginAt
        self.lockedUntil = lockedUntil
        self.createdAt = createdAt
    }

    public var principal: Principal {
        Principal(kind: .user, id: id.rawValue, name: username, role: role, agencyID: agencyID)
    }

    public var throttle: LoginThrottle {
        LoginThrottle(failures: failedLogins, lastFailureAt: lastFailedLoginAt, lockedUntil: lockedUntil)
    }

    public static func normalise(username: String) -> String {
        username.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    public func validate() throws(ValidationError) {
        guard (3...40).contains(username.count),
            username.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "._-".contains($0)) })
        else { throw ValidationError(field: "username", reason: .invalidCode) }
        guard !displayName.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError(field: "displayName", reason: .required)
        }
        guard displayName.count <= 120 else { throw ValidationError(field: "displayName", reason: .tooLong) }
        if role.requiresAgency, agencyID == nil { throw ValidationError(field: "agency", reason: .required) }
        if role == .integrator { throw ValidationError(field: "role", reason: .notAllowed) }
    }
}

/// What a new password must be. Long rather than clever, as NIST SP 800-63B advises.
public enum PasswordPolicy {
    public static let minimumLength = 10
    public static let maximumLength = 72  // bcrypt reads no further

    public static func validate(_ password: String) throws(ValidationError) {
        guard password.count >= minimumLength else { throw ValidationError(field: "password", reason: .tooShort) }
        guard password.utf8.count <= maximumLength else { throw ValidationError(field: "password", reason: .tooLong) }
        guard Set(password).count >= 4 else { throw ValidationError(field: "password", reason: .weakPassword) }
    }
}
