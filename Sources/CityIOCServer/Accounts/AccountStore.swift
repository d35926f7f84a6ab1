import CityIOCDomain
import Foundation

/// People, their sessions, and machines' API keys. Secrets arrive here already hashed.
public protocol AccountStore: Sendable {
    func createUser(_ user: User, passwordHash: String, context: ChangeContext) async throws
    /// Saves name, role, agency, language and active flag; audited with before and after.
    func updateUser(_ user: User, context: ChangeContext) async throws
    /// Replaces the password hash, clears any lockout and ends the user's other sessions.
    func setPassword(_ id: User.ID, hash: String, context: ChangeContext) async throws
    func user(_ id: User.ID) async throws -> User?
    func credentials(username: String) async throws -> UserCredentials?
    func users(_ query: UserQuery) async throws -> [User]
    /// Counts a wrong password (and locks the account when the throttle says so).
    func recordLoginFailure(_ id: User.ID, throttle: LoginThrottle, context: ChangeContext) async throws
    func unlock(_ id: User.ID, context: ChangeContext) async throws

    /// Signs a user in: stores the session and clears the failure count, in one transaction.
    func createSession(_ session: SessionRecord, context: ChangeContext) async throws
    func session(tokenHash: String) async throws -> (SessionRecord, User)?
    func endSession(tokenHash: String, context: ChangeContext) async throws
    /// Pushes the session's expiry forward; not audited (it is bookkeeping, not a change).
    func touchSession(tokenHash: String, expiresAt: Date, now: Date) async throws

    func createApiKey(_ key: ApiKey, secretHash: String, context: ChangeContext) async throws
    func apiKey(secretHash: String) async throws -> ApiKey?
    func apiKeys() async throws -> [ApiKey]
    func revokeApiKey(_ id: ApiKey.ID, context: ChangeContext) async throws -> ApiKey
    func touchApiKey(_ id: ApiKey.ID, now: Date) async throws
}

public struct UserCredentials: Sendable {
    public var user: User
    public var passwordHash: String
}

public struct UserQuery: Sendable, Equatable {
    /// Which agencies' users may be listed: from `AccessPolicy.scope(for:)`.
    public var scope: RecordScope
    public var agency: Agency.ID?
    public var role: Role?
    public var text: String?
    public var includeInactive: Bool

    public init(
        scope: RecordScope, agency: Agency.ID? = nil, role: Role? = nil, text: String? = nil, includeInactive: Bool = true
    ) {
        self.scope = scope
        self.agency = agency
        self.role = role
        self.text = text
        self.includeInactive = includeInactive
    }
}

/// A signed-in browser. The cookie holds a random token; the database holds its SHA-256, so a
/// copy of the database does not let anyone in.
public struct SessionRecord: Sendable, Equatable {
    public var tokenHash: String
    public var userID: User.ID
    /// Sent back in every form and checked on every unsafe request (synchronizer token).
    public var csrfToken: String
    public var createdAt: Date
    public var expiresAt: Date
    public var lastSeenAt: Date
    public var userAgent: String?
    public var remoteAddress: String?
}
