import CityIOCDomain
import Testing

@Suite struct ValidationTests {
    @Test func agencyStaffMustBelongToAnAgency() {
        let user = User(id: "1", username: "canbo", displayName: "Cán bộ", role: .agencyStaff, agencyID: nil)
        #expect(throws: ValidationError(field: "agency", reason: .required)) { try user.validate() }
    }

    @Test(arguments: ["ab", "Has Space", "UPPER", "dấu", String(repeating: "a", count: 41)])
    func usernamesAreShortLowercaseAscii(username: String) {
        let user = User(id: "1", username: username, displayName: "X", role: .operator, agencyID: nil)
        #expect(throws: ValidationError.self) { try user.validate() }
    }

    @Test func passwordsMustBeLongAndVaried() {
        #expect(throws: ValidationError(field: "password", reason: .tooShort)) { try PasswordPolicy.validate("short") }
        #expect(throws: ValidationError(field: "password", reason: .weakPassword)) { try PasswordPolicy.validate("aaaaaaaaaaaa") }
        #expect(throws: ValidationError(field: "password", reason: .tooLong)) {
            try PasswordPolicy.validate(String(repeating: "abcd", count: 19))
        }
        #expect(throws: Never.self) { try PasswordPolicy.validate("hạ long bay 2025") }
    }

    @Test func areasNeedAParentExceptProvinces() {
        #expect(throws: ValidationError(field: "parent", reason: .required)) {
            try Area(code: "06685", name: "Phường Hồng Gai", level: .ward, parentCode: nil).validate()
        }
        #expect(throws: ValidationError(field: "parent", reason: .notAllowed)) {
            try Area(code: "22", name: "Tỉnh Quảng Ninh", level: .province, parentCode: "01").validate()
        }
        #expect(throws: ValidationError(field: "latitude", reason: .outOfRange)) {
            try Area(code: "06685", name: "Hồng Gai", level: .ward, parentCode: "22", latitude: 91).validate()
        }
    }

    @Test func agencyCodesAndContactsAreChecked() {
        let good = Agency(id: "so-xay-dung", name: "Sở Xây dựng", nameEn: "", kind: .department, areaCode: "22", email: "sxd@example.vn", phone: "0203 3835 123")
        #expect(throws: Never.self) { try good.validate() }
        var bad = good
        bad.id = "Sở XD"
        #expect(throws: ValidationError(field: "id", reason: .invalidCode)) { try bad.validate() }
        bad = good
        bad.email = "not-an-address"
        #expect(throws: ValidationError(field: "email", reason: .invalidEmail)) { try bad.validate() }
    }
}
