import Foundation

/// A kind of problem citizens report (a pothole, a flooded street, uncollected garbage), as the
/// Open311 GeoReport v2 service catalogue lists it: what to ask the reporter (attributes), which
/// agency handles it by default, how urgent it is and what deadlines it promises.
public struct Service: Sendable, Equatable, Codable {
    public typealias Code = Identifier<Service>

    public var code: Code
    public var name: String
    public var nameEn: String
    public var description: String
    public var descriptionEn: String
    /// Open311 `group`: how the catalogue is sorted for people ("Hạ tầng giao thông").
    public var group: String
    public var keywords: [String]
    public var defaultAgency: Agency.ID?
    public var priority: Priority
    public var terms: ServiceTerms
    public var attributes: [ServiceAttribute]
    public var active: Bool

    public init(
        code: Code, name: String, nameEn: String, description: String = "", descriptionEn: String = "", group: String,
        keywords: [String] = [], defaultAgency: Agency.ID? = nil, priority: Priority = .normal, terms: ServiceTerms = .standard,
        attributes: [ServiceAttribute] = [], active: Bool = true
    ) {
        self.code = code
        self.name = name
        self.nameEn = nameEn
        self.description = description
        self.descriptionEn = descriptionEn
        self.group = group
        self.keywords = keywords
        self.defaultAgency = defaultAgency
        self.priority = priority
        self.terms = terms
        self.attributes = attributes
        self.active = active
    }

    public func validate() throws(ValidationError) {
        let code = self.code.rawValue
        guard (2...40).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "-_".contains($0)) })
        else { throw ValidationError(field: "code", reason: .invalidCode) }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError(field: "name", reason: .required) }
        guard name.count <= 200, nameEn.count <= 200, group.count <= 100 else { throw ValidationError(field: "name", reason: .tooLong) }
        guard description.count <= 2000, descriptionEn.count <= 2000 else { throw ValidationError(field: "description", reason: .tooLong) }
        var seen = Set<String>()
        for attribute in attributes {
            try attribute.validate()
            guard seen.insert(attribute.code).inserted else { throw ValidationError(field: "attributes", reason: .alreadyExists) }
        }
    }
}

/// A question the reporter answers for a service (Open311 `attribute`).
public struct ServiceAttribute: Sendable, Equatable, Codable {
    public enum Datatype: String, CaseIterable, Sendable, Codable {
        case string, number, datetime, text, singlevaluelist, multivaluelist
    }

    public struct Value: Sendable, Equatable, Codable {
        public var key: String
        public var name: String

        public init(key: String, name: String) {
            self.key = key
            self.name = name
        }
    }

    public var code: String
    public var datatype: Datatype
    public var required: Bool
    /// False for a statement shown to the reporter that takes no answer (Open311 `variable`).
    public var variable: Bool
    public var order: Int
    public var description: String
    public var datatypeDescription: String
    public var values: [Value]

    public init(
        code: String, datatype: Datatype, required: Bool = false, variable: Bool = true, order: Int, description: String,
        datatypeDescription: String = "", values: [Value] = []
    ) {
        self.code = code
        self.datatype = datatype
        self.required = required
        self.variable = variable
        self.order = order
        self.description = description
        self.datatypeDescription = datatypeDescription
        self.values = values
    }

    public func validate() throws(ValidationError) {
        guard (1...40).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) })
        else { throw ValidationError(field: "attributes", reason: .invalidCode) }
        guard !description.isEmpty, description.count <= 500 else { throw ValidationError(field: "attributes", reason: .required) }
        let isList = datatype == .singlevaluelist || datatype == .multivaluelist
        guard isList == !values.isEmpty else { throw ValidationError(field: "attributes", reason: .invalidValue) }
    }

    /// Checks one answer (`attribute[code]=…` in a request): nil when it is acceptable.
    public func problem(with answers: [String]) -> ValidationError.Reason? {
        let given = answers.filter { !$0.isEmpty }
        if given.isEmpty { return required && variable ? .required : nil }
        switch datatype {
        case .string: return given.count == 1 && given[0].count <= 500 ? nil : .invalidValue
        case .text: return given.count == 1 && given[0].count <= 4000 ? nil : .tooLong
        case .number: return given.count == 1 && Double(given[0]) != nil ? nil : .invalidValue
        case .datetime:
            let parsed = try? Date.ISO8601FormatStyle().parse(given[0])
            return given.count == 1 && parsed != nil ? nil : .invalidValue
        case .singlevaluelist:
            return given.count == 1 && values.contains(where: { $0.key == given[0] }) ? nil : .invalidValue
        case .multivaluelist:
            return given.allSatisfy { answer in values.contains(where: { $0.key == answer }) } ? nil : .invalidValue
        }
    }
}
