import Foundation

extension ContextEntity {
    /// How an entity is written back (clause 4.5): every attribute as an object (`normalized`),
    /// attribute → value (`keyValues`, called `simplified` in 1.8), or `concise` (types left out
    /// where the member says the kind, a Property with nothing else as its bare value).
    public enum Representation: String, Sendable {
        case normalized
        case keyValues
        case concise
    }

    /// What a client asked to see of an entity.
    public struct View: Sendable {
        public var representation: Representation = .normalized
        /// Expanded attribute names to keep (`attrs`, `pick`); nil keeps all.
        public var attributes: Set<String>?
        /// Expanded attribute names to leave out (`omit`).
        public var omitted: Set<String> = []
        /// `options=sysAttrs`: createdAt and modifiedAt of the entity and each attribute.
        public var systemAttributes = false
        /// `lang=vi`: LanguageProperties as the string in that language (or the first one).
        public var language: String?
        /// Of `id`, `type` and `scope`, those `pick` leaves out or `omit` names (clause 4.21:
        /// the projection is of the entity's members, not only its attributes).
        public var droppedMembers: Set<String> = []
        /// `datasetId=a,b`: only the attribute instances with those datasetIds (`@none` for the
        /// default instance); an attribute with none of them is left out. Nil keeps all.
        public var datasetIDs: Set<String>?

        public init(
            representation: Representation = .normalized, attributes: Set<String>? = nil, omitted: Set<String> = [],
            systemAttributes: Bool = false, language: String? = nil
        ) {
            self.representation = representation
            self.attributes = attributes
            self.omitted = omitted
            self.systemAttributes = systemAttributes
            self.language = language
        }
    }

    /// The entity as a client with `context` reads it, names compacted with that context.
    public func rendered(_ view: View, context: LDContext) -> [String: JSON] {
        var out = [String: JSON](minimumCapacity: attributes.count + 4)
        let dropped = view.droppedMembers
        if !dropped.contains("id") { out["id"] = .string(id) }
        if !dropped.contains("type") {
            let shortTypes = types.map { JSON.string(context.compact($0)) }
            out["type"] = shortTypes.count == 1 ? shortTypes[0] : .array(shortTypes)
        }
        if !scopes.isEmpty, !dropped.contains("scope") { out["scope"] = scopes.count == 1 ? .string(scopes[0]) : .array(scopes.map { .string($0) }) }
        if view.systemAttributes && view.representation != .keyValues {
            out["createdAt"] = .string(Timestamp.utcMilliseconds(createdAt))
            out["modifiedAt"] = .string(Timestamp.utcMilliseconds(modifiedAt))
        }
        for (name, instances) in attributes {
            if let keep = view.attributes, !keep.contains(name) { continue }
            if view.omitted.contains(name) { continue }
            var kept = instances
            if let wanted = view.datasetIDs {
                kept = instances.filter { wanted.contains($0["datasetId"]?.string ?? "@none") }
                if kept.isEmpty { continue }
            }
            let written = kept.map { Self.render($0, view, context: context) }
            out[context.compact(name)] = written.count == 1 ? written[0] : .array(written)
        }
        return out
    }

    static func render(_ instance: JSON, _ view: View, context: LDContext) -> JSON {
        guard case .object(let members) = instance, let kind = members["type"]?.string.flatMap(Kind.init(rawValue:)) else { return instance }
        var value = members[kind.valueMember] ?? .null
        if kind == .vocabProperty { value = Self.compactVocab(value, context) }
        if kind == .languageProperty, let language = view.language, case .object(let map) = value {
            let (tag, chosen) = Self.chooseLanguage(map, language) ?? ("@none", .null)
            if view.representation == .keyValues { return chosen }
            var out: [String: JSON] = ["type": .string(Kind.property.rawValue), "value": chosen, "lang": .string(tag)]
            if view.systemAttributes { out["createdAt"] = members["createdAt"]; out["modifiedAt"] = members["modifiedAt"] }
            return .object(out.compactMapValues { $0 })
        }
        if view.representation == .keyValues {
            if kind == .languageProperty { return .object(["languageMap": value]) }
            return value
        }
        var out = [String: JSON](minimumCapacity: members.count)
        for (key, member) in members {
            switch key {
            case "createdAt", "modifiedAt": if view.systemAttributes { out[key] = member }
            case "type": if view.representation == .normalized { out[key] = member }
            case kind.valueMember: out[key] = value
            case "objectType": out[key] = .array(member.items.compactMap(\.string).map { .string(context.compact($0)) })
            case _ where attributeMembers.contains(key): out[key] = member
            default: out[context.compact(key)] = render(member, view, context: context)
            }
        }
        // Concise: a Property with only its value is that value.
        if view.representation == .concise, kind == .property, out.count == 1, let bare = out["value"], bare.object == nil { return bare }
        if view.representation == .concise, kind == .geoProperty, out.count == 1, let bare = out["value"] { return bare }
        return .object(out)
    }

    /// The member of a languageMap that `lang` asks for. `lang` is one tag or a list as in
    /// `Accept-Language` (`fr-CH,fr;q=0.9,*;q=0.5`): ranges by quality, then order; each tried as
    /// written and then with its last subtags cut (RFC 4647 lookup: `fr-CH` finds `fr`), case
    /// aside; `*` takes any. When none matches: the `@none` string, else the first tag in order.
    /// The tag is the one chosen, so a client can tell what it got.
    static func chooseLanguage(_ map: [String: JSON], _ lang: String) -> (tag: String, value: JSON)? {
        let keys = map.keys.sorted()
        let lowered = Dictionary(keys.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        for range in languageRanges(lang) {
            if range == "*" {
                if let key = keys.first(where: { $0 != "@none" }) ?? keys.first { return (key, map[key]!) }
                continue
            }
            var tag = Substring(range)
            while !tag.isEmpty {
                if let key = lowered[String(tag)] { return (key, map[key]!) }
                guard let cut = tag.lastIndex(of: "-") else { break }
                tag = tag[..<cut]
            }
        }
        if let none = map["@none"] { return ("@none", none) }
        return keys.first.map { ($0, map[$0]!) }
    }

    /// `fr-CH, fr;q=0.9, *;q=0.5` → `["fr-ch", "fr", "*"]`: lowercased, by quality (1 when not
    /// given), ties in the order written; ranges with quality 0 dropped.
    static func languageRanges(_ text: String) -> [String] {
        var ranges: [(tag: String, quality: Double, order: Int)] = []
        for (order, part) in text.split(separator: ",").enumerated() {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty else { continue }
            var quality = 1.0
            for parameter in pieces.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 1
            }
            if quality > 0 { ranges.append((tag.lowercased(), quality, order)) }
        }
        return ranges.sorted { $0.quality != $1.quality ? $0.quality > $1.quality : $0.order < $1.order }.map(\.tag)
    }

    static func compactVocab(_ value: JSON, _ context: LDContext) -> JSON {
        switch value {
        case .string(let iri): .string(context.compact(iri))
        case .array(let items): .array(items.map { compactVocab($0, context) })
        default: value
        }
    }
}
