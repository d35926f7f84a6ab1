import CityIOCDomain
import Testing

@Suite struct AccessPolicyTests {
    func principal(_ role: Role, agency: Agency.ID? = nil) -> Principal {
        Principal(kind: .user, id: "u", name: "u", role: role, agencyID: agency)
    }

    @Test func agencyStaffSeeOnlyTheirOwnAgency() {
        let staff = principal(.agencyStaff, agency: "ubnd-06685")
        #expect(AccessPolicy.scope(for: staff) == .agency("ubnd-06685"))
        #expect(AccessPolicy.canRead(staff, ownedBy: "ubnd-06685"))
        #expect(!AccessPolicy.canRead(staff, ownedBy: "so-xay-dung"))
        #expect(!AccessPolicy.canRead(staff, ownedBy: nil))
    }

    @Test func staffWithoutAnAgencySeeNothing() {
        #expect(AccessPolicy.scope(for: principal(.agencyStaff)) == .none)
    }

    @Test(arguments: [Role.admin, .leader, .operator])
    func centreRolesSeeEveryAgency(role: Role) {
        #expect(AccessPolicy.scope(for: principal(role)) == .all)
        #expect(AccessPolicy.canRead(principal(role), ownedBy: "so-xay-dung"))
    }

    @Test func onlyAdminsManageAccountsAndReadTheAuditLog() {
        for role in Role.allCases {
            let p = principal(role, agency: role == .agencyStaff ? "a" : nil)
            #expect(AccessPolicy.allows(p, .manageUsers) == (role == .admin))
            #expect(AccessPolicy.allows(p, .readAudit) == (role == .admin))
        }
    }

    @Test func anonymousVisitorsMayNotViewTheOrganisation() {
        #expect(!AccessPolicy.allows(.anonymous, .viewOrganisation))
        #expect(AccessPolicy.scope(for: .anonymous) == .none)
    }
}
