import Foundation

/// What a person or a machine is allowed to do in CityIOC. Every route names the permission
/// it needs; `AccessPolicy` is the one place that decides.
public enum Role: String, CaseIterable, Sendable, Codable {
    /// The IOC's system administrators: areas, agencies, accounts, keys, audit.
    case admin
    /// Chairman, vice-chairmen, department heads: see everything, change little.
    case leader
    /// The centre's staff: watch the wall, take and route citizen reports.
    case `operator`
    /// Staff of one agency (department, ward committee, police, utility…): their own cases only.
    case agencyStaff = "agency_staff"
    /// Machines (sensors, subsystems, portals) calling the APIs with a key.
    case integrator
    /// Citizens with an account; anonymous visitors get the same rights.
    case `public`

    /// Roles whose holder must belong to an agency, because what they see is that agency's.
    public var requiresAgency: Bool { self == .agencyStaff }

    /// Roles that can be given to an API key. People log in; keys never act as a person.
    public static let keyRoles: [Role] = [.integrator, .leader, .operator, .agencyStaff, .admin]
}

/// A thing a principal may be allowed to do.
public enum Permission: String, CaseIterable, Sendable {
    case viewOrganisation
    case manageOrganisation
    case viewUsers
    case manageUsers
    case manageApiKeys
    case readAudit
    case useDesk
    case pushData
    /// See citizen reports: all of them at the centre, an agency's own at that agency.
    case viewReports
    /// Read the city's context data (NGSI-LD entities: sensors, stations, cameras): the city's
    /// staff and machines. Writing it is `pushData`.
    case readContextData
    /// Read the indicator catalogue, values and targets: the city's staff and machines.
    case viewIndicators
    /// Edit the indicator catalogue: admins.
    case manageIndicators
    /// Send indicator values at all (which ones: `AccessPolicy.canSetValues`).
    case enterIndicatorValues
}
