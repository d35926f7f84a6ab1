import Foundation

/// A body that receives and handles work: a provincial department (Sở), a ward or commune
/// People's Committee (UBND phường/xã), the police, a utility, a hospital, a school.
public struct Agency: Sendable, Equatable, Codable {
    public typealias ID = Identifier<Agency>

    public enum Kind: String, CaseIterable, Sendable, Codable {
        case peoplesCommittee = "peoples_committee"
        case department
        case wardCommittee = "ward_committee"
        case police
        case utility
        case hospital
        case school
        case other
    }

    /// A short stable code chosen by the city (`so-xay-dung`, `ubnd-06685`); also the id.
    public var id: ID
    public var name: String
    public var nameEn: String
    public var kind: Kind
    /// The area the agency serves (a ward for a ward committee, the province for a department).
    public var areaCode: Area.Code
    public var email: String?
    public var phone: String?
    public var active: Bool

    public init(
        id: ID, name: String, nameEn: String, kind: Kind, areaCode: Area.Code, email: String? = nil,
        phone: String? = nil, active: Bool = true
    ) {
        self.id = id
        self.name = name
        self.nameEn = nameEn
        self.kind = kind
        self.areaCode = areaCode
        self.email = email
        self.phone = phone
        self.active = active
    }

    public func validate() throws(ValidationError) {
        let code = id.rawValue
        guard (2...40).contains(code.count),
            code.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
        else { throw ValidationError(field: "id", reason: .invalidCode) }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else {
            throw ValidationError(field: "name", reason: .required)
        }
        guard nameEn.count <= 200 else { throw ValidationError(field: "nameEn", reason: .tooLong) }
        if let email, !email.isEmpty, !(email.contains("@") && email.count <= 200) {
            throw ValidationError(field: "email", reason: .invalidEmail)
        }
        if let phone, !phone.isEmpty,
            !(phone.count <= 20 && phone.allSatisfy({ $0.isNumber || " +-.()".contains($0) }))
        {
            throw ValidationError(field: "phone", reason: .invalidPhone)
        }
    }
}
