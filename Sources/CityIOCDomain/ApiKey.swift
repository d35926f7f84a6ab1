import Foundation

/// A bearer token for a machine: a sensor gateway, a sector system, the province IOC. Only a
/// hash of the secret is stored; the secret is shown once, when the key is made.
public struct ApiKey: Sendable, Equatable, Codable {
    public typealias ID = Identifier<ApiKey>

    public var id: ID
    public var name: String
    public var role: Role
    public var agencyID: Agency.ID?
    /// The first characters of the secret, so people can tell keys apart without seeing them.
    public var prefix: String
    public var createdAt: Date
    public var createdBy: String
    public var revokedAt: Date?
    public var lastUsedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, role, agencyID = "agencyId", prefix, createdAt, createdBy, revokedAt, lastUsedAt
    }

    public init(
        id: ID, name: String, role: Role, agencyID: Agency.ID?, prefix: String, createdAt: Date,
        createdBy: String, revokedAt: Date? = nil, lastUsedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.agencyID = agencyID
        self.prefix = prefix
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }

    public var isActive: Bool { revokedAt == nil }

    public var principal: Principal {
        Principal(kind: .apiKey, id: id.rawValue, name: name, role: role, agencyID: agencyID)
    }

    /// Every secret starts with this, so leaked keys are easy to find by secret scanners.
    public static let secretPrefix = "cioc_"

    public func validate() throws(ValidationError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError(field: "name", reason: .required) }
        guard name.count <= 120 else { throw ValidationError(field: "name", reason: .tooLong) }
        guard Self.keyRoles.contains(role) else { throw ValidationError(field: "role", reason: .notAllowed) }
        if role.requiresAgency, agencyID == nil { throw ValidationError(field: "agency", reason: .required) }
    }

    static var keyRoles: [Role] { Role.keyRoles }
}
