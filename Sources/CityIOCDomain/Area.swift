import Foundation

/// An administrative unit. Since 1 July 2025 Vietnam has two levels of local government:
/// province (tỉnh, thành phố trực thuộc trung ương) and commune level (phường, xã, đặc khu).
/// Districts (quận, huyện) no longer exist but older data refers to them, so they can be kept
/// as `legacyDistrict` units marked inactive.
public struct Area: Sendable, Equatable, Codable {
    public typealias Code = Identifier<Area>

    public enum Level: String, CaseIterable, Sendable, Codable {
        case province
        case legacyDistrict = "legacy_district"
        case ward
        case commune
        case specialZone = "special_zone"

        public var isCommuneLevel: Bool { [.ward, .commune, .specialZone].contains(self) }
    }

    /// The official code of the General Statistics Office list (2 digits for a province,
    /// 5 for a commune-level unit).
    public var code: Code
    public var name: String
    public var level: Level
    public var parentCode: Code?
    public var latitude: Double?
    public var longitude: Double?
    public var areaKm2: Double?
    /// False for units that were dissolved or merged (legacy districts, pre-2025 wards).
    public var active: Bool

    public init(
        code: Code, name: String, level: Level, parentCode: Code?, latitude: Double? = nil,
        longitude: Double? = nil, areaKm2: Double? = nil, active: Bool = true
    ) {
        self.code = code
        self.name = name
        self.level = level
        self.parentCode = parentCode
        self.latitude = latitude
        self.longitude = longitude
        self.areaKm2 = areaKm2
        self.active = active
    }

    /// The checks that do not need the database (the parent's existence is the store's).
    public func validate() throws(ValidationError) {
        guard code.rawValue.count >= 2, code.rawValue.count <= 10,
            code.rawValue.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter || $0 == "-") })
        else { throw ValidationError(field: "code", reason: .invalidCode) }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else {
            throw ValidationError(field: "name", reason: .required)
        }
        if level == .province, parentCode != nil { throw ValidationError(field: "parent", reason: .notAllowed) }
        if level != .province, parentCode == nil { throw ValidationError(field: "parent", reason: .required) }
        if let lat = latitude, !(-90...90).contains(lat) { throw ValidationError(field: "latitude", reason: .outOfRange) }
        if let lon = longitude, !(-180...180).contains(lon) { throw ValidationError(field: "longitude", reason: .outOfRange) }
    }
}
