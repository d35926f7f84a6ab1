import CityIOCDomain
import Foundation

/// Areas (the administrative tree) and agencies.
public protocol OrganisationStore: Sendable {
    func areas(_ query: AreaQuery) async throws -> [Area]
    func area(_ code: Area.Code) async throws -> Area?
    /// Creates or updates an area; audited as `area.create` or `area.update`.
    func saveArea(_ area: Area, context: ChangeContext) async throws
    func agencies(_ query: AgencyQuery) async throws -> [Agency]
    func agency(_ id: Agency.ID) async throws -> Agency?
    func createAgency(_ agency: Agency, context: ChangeContext) async throws
    func updateAgency(_ agency: Agency, context: ChangeContext) async throws
    func organisationCounts() async throws -> OrganisationCounts
}

public struct AreaQuery: Sendable, Equatable {
    public var parent: Area.Code?
    public var level: Area.Level?
    /// Matched against names without diacritics: "hong gai" finds "Hồng Gai".
    public var text: String?
    public var includeInactive: Bool

    public init(parent: Area.Code? = nil, level: Area.Level? = nil, text: String? = nil, includeInactive: Bool = false) {
        self.parent = parent
        self.level = level
        self.text = text
        self.includeInactive = includeInactive
    }
}

public struct AgencyQuery: Sendable, Equatable {
    public var kind: Agency.Kind?
    public var area: Area.Code?
    public var text: String?
    public var includeInactive: Bool

    public init(kind: Agency.Kind? = nil, area: Area.Code? = nil, text: String? = nil, includeInactive: Bool = false) {
        self.kind = kind
        self.area = area
        self.text = text
        self.includeInactive = includeInactive
    }
}

public struct OrganisationCounts: Sendable, Equatable {
    public var areas: Int
    public var agencies: Int
    public var users: Int
    public var activeKeys: Int
}
