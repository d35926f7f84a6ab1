import Foundation

/// An NGSI-LD entity as CityIOC keeps it: its id, its types and attribute names expanded to
/// full IRIs (so clients with different @contexts share the data), and each attribute as a
/// list of instances (one per `datasetId`), each instance a normalized attribute object whose
/// own sub-attribute names are expanded too. `ContextEntity+Rendering` gives it back in the
/// representation and with the @context a client asks for.
public struct ContextEntity: Sendable, Equatable {
    public var id: String
    /// Expanded type IRIs, sorted.
    public var types: [String]
    public var scopes: [String]
    /// Expanded attribute IRI → instances.
    public var attributes: [String: [JSON]]
    public var createdAt: Date
    public var modifiedAt: Date

    public init(id: String, types: [String], scopes: [String] = [], attributes: [String: [JSON]] = [:], createdAt: Date, modifiedAt: Date) {
        self.id = id
        self.types = types
        self.scopes = scopes
        self.attributes = attributes
        self.createdAt = createdAt
        self.modifiedAt = modifiedAt
    }

    /// The members of an entity that are not attributes.
    static let reserved: Set<String> = ["id", "@id", "type", "@type", "scope", "@context", "createdAt", "modifiedAt", "deletedAt"]

    /// The attribute kinds of NGSI-LD 1.8 and the member that holds each one's value.
    public enum Kind: String, Sendable, CaseIterable {
        case property = "Property"
        case relationship = "Relationship"
        case geoProperty = "GeoProperty"
        case languageProperty = "LanguageProperty"
        case vocabProperty = "VocabProperty"
        case jsonProperty = "JsonProperty"
        case listProperty = "ListProperty"
        case listRelationship = "ListRelationship"

        public var valueMember: String {
            switch self {
            case .property, .geoProperty: "value"
            case .relationship: "object"
            case .languageProperty: "languageMap"
            case .vocabProperty: "vocab"
            case .jsonProperty: "json"
            case .listProperty: "valueList"
            case .listRelationship: "objectList"
            }
        }

        /// The kind a concise attribute (no `type`) has, from the member it carries.
        static func inferred(from members: [String: JSON]) -> Kind? {
            for kind in [Kind.relationship, .languageProperty, .vocabProperty, .jsonProperty, .listProperty, .listRelationship]
            where members[kind.valueMember] != nil { return kind }
            if let value = members["value"] { return GeoJSON.isGeometry(value) ? .geoProperty : .property }
            return nil
        }
    }

    /// Members of an attribute that are not sub-attributes.
    static let attributeMembers: Set<String> = [
        "type", "@type", "value", "object", "languageMap", "vocab", "json", "valueList", "objectList", "datasetId", "observedAt",
        "unitCode", "createdAt", "modifiedAt", "deletedAt", "instanceId", "objectType", "lang", "previousValue", "previousObject",
    ]

    /// The members that hold an attribute's value, one per kind (`value` twice: Property and
    /// GeoProperty share it), in a fixed order so the first one found names the error.
    static let valueMembers = Kind.allCases.map(\.valueMember)
    /// Members of attributes in the server's answers and notifications only.
    static let serverMembers: [String] = [
        "previousValue", "previousObject", "previousLanguageMap", "previousVocab", "previousJson", "previousValueList", "previousObjectList",
        "entity", "entityList", "entityIdSealed", "entityTypeSealed",
    ]

    // MARK: - Reading a payload

    /// Reads an entity payload (normalized or concise) with the active context. Nothing is
    /// taken on trust: every id, name, kind and value shape is checked, and the first problem
    /// is the error.
    public static func parse(_ payload: JSON, context: LDContext, now: Date) throws(NGSIError) -> ContextEntity {
        guard case .object(let members) = payload else { throw .badData("An entity must be a JSON object.") }
        guard let idValue = members["id"] ?? members["@id"] else { throw .badData("The entity has no id.") }
        guard let id = idValue.string, isURI(id) else { throw .badData("The entity id must be a URI.", "\(idValue.text) is not a URI.") }
        guard let typeValue = members["type"] ?? members["@type"] else { throw .badData("The entity has no type.") }
        let types = try typeNames(typeValue, context: context)
        var scopes: [String] = []
        if let scope = members["scope"] { scopes = try scopeNames(scope) }
        var entity = ContextEntity(id: id, types: types, scopes: scopes, createdAt: now, modifiedAt: now)
        for (name, value) in members where !reserved.contains(name) {
            entity.attributes[try attributeName(name, context: context)] = try instances(name, value, context: context, now: now)
        }
        return entity
    }

    /// `"Vehicle"` or `["Vehicle", "Car"]` → expanded IRIs, sorted and without repeats.
    public static func typeNames(_ value: JSON, context: LDContext) throws(NGSIError) -> [String] {
        var names: [String] = []
        for item in value.items {
            guard let name = item.string, isValidName(name) else { throw .badData("The entity type \(item.text) is not a valid name.") }
            names.append(context.expand(name))
        }
        guard !names.isEmpty else { throw .badData("The entity has no type.") }
        return Array(Set(names)).sorted()
    }

    static func scopeNames(_ value: JSON) throws(NGSIError) -> [String] {
        try value.items.map { item throws(NGSIError) in
            guard let scope = item.string, scope.hasPrefix("/"), scope.count > 1 || scope == "/",
                scope.split(separator: "/", omittingEmptySubsequences: false).dropFirst().allSatisfy({ !$0.isEmpty && !$0.contains(" ") })
            else { throw .badData("A scope must be a path such as /Quảng Ninh/Hạ Long without spaces: \(item.text).") }
            return scope
        }
    }

    /// An attribute's name, checked and expanded.
    public static func attributeName(_ name: String, context: LDContext) throws(NGSIError) -> String {
        guard isValidName(name) else { throw .badData("The attribute name \(name) has characters NGSI-LD forbids.") }
        return context.expand(name)
    }

    /// An attribute's instances: an object, or an array of objects with different datasetIds.
    public static func instances(_ name: String, _ value: JSON, context: LDContext, now: Date) throws(NGSIError) -> [JSON] {
        let given: [JSON]
        if case .array(let items) = value, items.allSatisfy({ $0.object != nil }), !items.isEmpty { given = items } else { given = [value] }
        var seen: Set<String> = []
        var result: [JSON] = []
        for item in given {
            let instance = try attribute(name, item, context: context, now: now)
            let dataset = instance["datasetId"]?.string ?? ""
            guard seen.insert(dataset).inserted else {
                throw .badData("The attribute \(name) has two instances with the same datasetId.", dataset.isEmpty ? "Both have no datasetId." : dataset)
            }
            result.append(instance)
        }
        return result
    }

    /// One attribute instance, normalized: `type` always written, the value in its kind's
    /// member, sub-attributes expanded, system times set.
    public static func attribute(_ name: String, _ value: JSON, context: LDContext, now: Date, depth: Int = 0) throws(NGSIError) -> JSON {
        guard depth < 4 else { throw .badData("Sub-attributes of \(name) nest too deeply.") }
        let stamp = JSON.string(Timestamp.utcMilliseconds(now))
        // Concise: a bare value is a Property's value, a bare GeoJSON geometry a GeoProperty's.
        if GeoJSON.isGeometry(value) { return .object(["type": .string(Kind.geoProperty.rawValue), "value": value, "createdAt": stamp, "modifiedAt": stamp]) }
        guard case .object(var members) = value else {
            guard !value.isNull else { throw .badData("The attribute \(name) has a null value.") }
            return .object(["type": .string(Kind.property.rawValue), "value": value, "createdAt": stamp, "modifiedAt": stamp])
        }
        if let atType = members.removeValue(forKey: "@type"), members["type"] == nil { members["type"] = atType }
        let kind: Kind
        if let given = members["type"] {
            guard let text = given.string, let named = Kind(rawValue: text) else {
                throw .badData(
                    "The attribute \(name) has an unknown type \(given.text).",
                    "Use Property, Relationship, GeoProperty, LanguageProperty, VocabProperty, JsonProperty, ListProperty or ListRelationship.")
            }
            kind = named
        } else if let inferred = Kind.inferred(from: members) {
            kind = inferred
        } else {
            throw .badData("The attribute \(name) has neither a type nor a value.")
        }
        guard let content = members[kind.valueMember], !content.isNull else {
            throw .badData("The \(kind.rawValue) \(name) has no \(kind.valueMember).")
        }
        // Clause 4.5: an attribute holds its own kind's value member only (a Property with an
        // `object` is a mistake, not a sub-property), and never what only the server writes.
        // A few lookups per attribute: this runs for every attribute of every write.
        if let stray = Self.valueMembers.first(where: { $0 != kind.valueMember && members[$0] != nil }) {
            throw .badData("The \(kind.rawValue) \(name) cannot have \(stray): that member belongs to another kind of attribute.")
        }
        if let stray = Self.serverMembers.first(where: { members[$0] != nil }) {
            throw .badData("\(stray) of \(name) is written by the server; a request cannot send it.")
        }
        var out: [String: JSON] = ["type": .string(kind.rawValue)]
        switch kind {
        case .property:
            out["value"] = content
        case .geoProperty:
            guard GeoJSON.isGeometry(content) else { throw .badData("The GeoProperty \(name) must hold a GeoJSON geometry.", content.text) }
            out["value"] = content
        case .relationship:
            for target in content.items { guard let uri = target.string, isURI(uri) else { throw .badData("The Relationship \(name) must point to a URI.", target.text) } }
            out["object"] = content
            if let objectType = members["objectType"] { out["objectType"] = .array(try typeNames(objectType, context: context).map { .string($0) }) }
        case .languageProperty:
            guard case .object(let map) = content, !map.isEmpty,
                map.allSatisfy({ key, text in isLanguageTag(key) && text.items.allSatisfy { $0.string != nil } })
            else { throw .badData("The LanguageProperty \(name) needs a languageMap of language tags to strings.", content.text) }
            out["languageMap"] = content
        case .vocabProperty:
            var expanded: [JSON] = []
            for item in content.items {
                guard let term = item.string, isValidName(term) else { throw .badData("The VocabProperty \(name) must hold names.", item.text) }
                expanded.append(.string(context.expand(term)))
            }
            out["vocab"] = expanded.count == 1 && content.array == nil ? expanded[0] : .array(expanded)
        case .jsonProperty:
            out["json"] = content
        case .listProperty:
            guard content.array != nil else { throw .badData("The ListProperty \(name) needs a valueList array.") }
            out["valueList"] = content
        case .listRelationship:
            guard let items = content.array else { throw .badData("The ListRelationship \(name) needs an objectList array.") }
            for item in items {
                guard let uri = (item["object"] ?? item).string, isURI(uri) else { throw .badData("The ListRelationship \(name) must list URIs.", item.text) }
            }
            out["objectList"] = content
        }
        if let dataset = members["datasetId"] {
            guard let uri = dataset.string, isURI(uri) else { throw .badData("The datasetId of \(name) must be a URI.", dataset.text) }
            out["datasetId"] = dataset
        }
        if let observed = members["observedAt"] {
            guard let text = observed.string, let date = Timestamp.parse(text) else {
                throw .badData("observedAt of \(name) must be an ISO 8601 date and time.", observed.text)
            }
            out["observedAt"] = .string(Timestamp.utcMilliseconds(date))
        }
        if let unit = members["unitCode"] {
            guard let code = unit.string, !code.isEmpty else { throw .badData("unitCode of \(name) must be a UN/CEFACT code.", unit.text) }
            out["unitCode"] = unit
        }
        if let lang = members["lang"], kind == .property { out["lang"] = lang }
        for (sub, subValue) in members where !attributeMembers.contains(sub) {
            let subName = try attributeName(sub, context: context)
            out[subName] = try attribute(sub, subValue, context: context, now: now, depth: depth + 1)
        }
        out["createdAt"] = stamp
        out["modifiedAt"] = stamp
        return .object(out)
    }

    // MARK: - Rules of names

    /// A URI as NGSI-LD ids must be: a scheme (`urn:`, `https:`…), then no spaces or controls.
    public static func isURI(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let colon = bytes.firstIndex(of: 0x3A), colon > 0, colon < bytes.count - 1 else { return false }
        func letter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
        guard letter(bytes[0]), bytes[1..<colon].allSatisfy({ letter($0) || (0x30...0x39).contains($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
        else { return false }
        return !bytes.contains { $0 <= 0x20 || $0 == 0x7F || [0x3C, 0x3E, 0x22, 0x7B, 0x7D, 0x7C, 0x5C, 0x5E, 0x60].contains($0) }
    }

    /// Names of types and attributes: not empty, and none of the characters the NGSI-LD API
    /// forbids in them (`<>"'=;()`, whitespace and controls), which would break queries.
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 256 else { return false }
        // Names are nearly always ASCII: judged byte by byte; others scalar by scalar.
        if name.utf8.allSatisfy({ $0 < 0x80 }) { return !name.utf8.contains(where: isForbiddenInNames) }
        return !name.unicodeScalars.contains { ($0.isASCII && isForbiddenInNames(UInt8($0.value))) || $0.properties.isWhitespace }
    }

    /// Controls, space, DEL and `<>"'=;()`, which the spec forbids in names.
    private static func isForbiddenInNames(_ byte: UInt8) -> Bool {
        switch byte {
        case 0...0x20, 0x7F, 0x3C, 0x3E, 0x22, 0x27, 0x3D, 0x3B, 0x28, 0x29: true
        default: false
        }
    }

    /// `vi`, `en`, `vi-VN`, `@none`.
    static func isLanguageTag(_ tag: String) -> Bool {
        tag == "@none"
            || (!tag.isEmpty && tag.count <= 35
                && tag.split(separator: "-", omittingEmptySubsequences: false).allSatisfy { part in
                    !part.isEmpty && part.count <= 8 && part.unicodeScalars.allSatisfy { $0.isASCII && CharacterSet.alphanumerics.contains($0) }
                })
    }
}
