import Foundation

/// Which records a principal may see. Stores translate this into a `WHERE` clause, so a list
/// never loads what it must not show.
public enum RecordScope: Sendable, Equatable {
    /// Every record (admins, leaders, operators).
    case all
    /// Only the records owned by this agency.
    case agency(Agency.ID)
    /// Nothing.
    case none

    public func allows(owner: Agency.ID?) -> Bool {
        switch self {
        case .all: return true
        case .agency(let mine): return owner == mine
        case .none: return false
        }
    }
}

/// The single place that answers "may this principal do that?". Later capabilities (reports,
/// indicators, documents) ask it rather than checking roles themselves, so that "an agency sees
/// only its own data" is decided once.
public enum AccessPolicy {
    public static func allows(_ principal: Principal, _ permission: Permission) -> Bool {
        let role = principal.role
        switch permission {
        case .viewOrganisation:
            // The directory is for the city's staff and machines; citizens use the public pages.
            return principal.isAuthenticated && role != .public
        case .manageOrganisation, .manageUsers, .manageApiKeys, .readAudit:
            return role == .admin
        case .viewUsers:
            return [.admin, .leader, .agencyStaff].contains(role)
        case .useDesk:
            return [.admin, .operator].contains(role)
        case .pushData:
            return [.admin, .integrator].contains(role)
        case .viewReports:
            return [.admin, .leader, .operator, .agencyStaff].contains(role)
        case .readContextData:
            return principal.isAuthenticated && role != .public
        case .viewIndicators:
            return principal.isAuthenticated && role != .public
        case .manageIndicators:
            return role == .admin
        case .enterIndicatorValues:
            return [.admin, .agencyStaff, .integrator].contains(role)
        }
    }

    /// The records owned by agencies that this principal may read.
    public static func scope(for principal: Principal) -> RecordScope {
        switch principal.role {
        case .admin, .leader, .operator:
            return .all
        case .agencyStaff:
            guard let agency = principal.agencyID else { return .none }
            return .agency(agency)
        case .integrator, .public:
            return .none
        }
    }

    /// Values of an indicator: admins (and CityIOC itself), and the staff and keys of the agency
    /// that owns it. Leaders and operators read them; nobody writes another agency's.
    public static func canSetValues(_ principal: Principal, of indicator: Indicator) -> Bool {
        switch principal.role {
        case .admin: return true
        case .agencyStaff, .integrator:
            guard let owner = indicator.agency, principal.isAuthenticated else { return false }
            return principal.agencyID == owner
        case .leader, .operator, .public: return false
        }
    }

    public static func canRead(_ principal: Principal, ownedBy owner: Agency.ID?) -> Bool {
        scope(for: principal).allows(owner: owner)
    }

    /// A report's photo or video: the answer's are public once the answer is (unless the desk
    /// withdrew one); the reporter's are seen by whoever may see the report (the reporter too, by
    /// the follow-up token, elsewhere).
    public static func canSee(_ attachment: Attachment, of report: Report, by principal: Principal) -> Bool {
        if attachment.stage == .answer, attachment.withdrawn == nil, [.published, .rated].contains(report.workflow.status) { return true }
        return allows(principal, .viewReports) && canRead(principal, ownedBy: report.workflow.agency)
    }
}
