import CityIOCDomain
import Foundation

/// Making accounts and keys, the same way from the web pages, the API and the command line:
/// validated, hashed, audited.
public struct AccountAdministration: Sendable {
    let accounts: any AccountStore
    let organisation: any OrganisationStore
    let hasher: PasswordHasher

    public init(accounts: any AccountStore, organisation: any OrganisationStore, hasher: PasswordHasher) {
        self.accounts = accounts
        self.organisation = organisation
        self.hasher = hasher
    }

    public struct NewUser: Sendable {
        public var username: String
        public var displayName: String
        public var role: Role
        public var agencyID: Agency.ID?
        public var language: Language?
        public var password: String

        public init(username: String, displayName: String, role: Role, agencyID: Agency.ID?, language: Language? = nil, password: String) {
            self.username = username
            self.displayName = displayName
            self.role = role
            self.agencyID = agencyID
            self.language = language
            self.password = password
        }
    }

    @discardableResult
    public func createUser(_ new: NewUser, context: ChangeContext) async throws -> User {
        let user = User(
            id: .random(), username: User.normalise(username: new.username),
            displayName: new.displayName.trimmingCharacters(in: .whitespacesAndNewlines), role: new.role,
            agencyID: new.agencyID, language: new.language, createdAt: context.now)
        try user.validate()
        try PasswordPolicy.validate(new.password)
        try await requireAgency(user.agencyID)
        let hash = try await hasher.hash(new.password)
        do {
            try await accounts.createUser(user, passwordHash: hash, context: context)
        } catch StoreError.duplicate {
            throw ValidationError(field: "username", reason: .alreadyExists)
        }
        return user
    }

    public func updateUser(_ user: User, context: ChangeContext) async throws {
        try user.validate()
        try await requireAgency(user.agencyID)
        try await accounts.updateUser(user, context: context)
    }

    public func resetPassword(_ id: User.ID, to password: String, context: ChangeContext) async throws {
        try PasswordPolicy.validate(password)
        try await accounts.setPassword(id, hash: try await hasher.hash(password), context: context)
    }

    /// Makes a key and returns it with its secret, which exists nowhere else after this call.
    public func createApiKey(name: String, role: Role, agencyID: Agency.ID?, context: ChangeContext) async throws -> (ApiKey, String) {
        let secret = ApiKey.secretPrefix + Secret.token()
        let key = ApiKey(
            id: .random(), name: name.trimmingCharacters(in: .whitespacesAndNewlines), role: role, agencyID: agencyID,
            prefix: String(secret.prefix(ApiKey.secretPrefix.count + 6)), createdAt: context.now,
            createdBy: context.principal.name)
        try key.validate()
        try await requireAgency(agencyID)
        try await accounts.createApiKey(key, secretHash: Secret.sha256(secret), context: context)
        return (key, secret)
    }

    func requireAgency(_ id: Agency.ID?) async throws {
        guard let id else { return }
        guard try await organisation.agency(id) != nil else { throw ValidationError(field: "agency", reason: .unknownReference) }
    }
}

extension AppServices {
    public var administration: AccountAdministration {
        AccountAdministration(accounts: accounts, organisation: organisation, hasher: hasher)
    }
}
