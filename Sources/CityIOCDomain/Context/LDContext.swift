import Foundation

/// A JSON-LD `@context` as NGSI-LD uses it: short names of entity types and attributes mapped to
/// the IRIs they stand for. Terms are expanded to IRIs on the way in, so that two clients using
/// different short names for the same IRI see the same data, and compacted with the caller's
/// own context on the way out (ETSI GS CIM 009, clause 5.5.7). Only what NGSI-LD payloads need is
/// done here (term definitions, prefixes, `@vocab`); a general JSON-LD processor is not.
///
/// The core context is always applied last and wins over the user's terms: its terms are
/// `@protected` in v1.8, and the specification forbids redefining them.
public struct LDContext: Sendable, Equatable {
    /// One term's definition.
    public struct Term: Sendable, Equatable {
        public var iri: String
        /// `@id`, `@vocab`, `@json`, a datatype IRI, or none.
        public var type: String?
        /// `@list`, `@set`, `@language`, `@index`, or none.
        public var container: String?
    }

    public private(set) var terms: [String: Term] = [:]
    /// The IRI a term without definition expands to, after this prefix.
    public private(set) var vocabulary: String?
    /// IRI → the term chosen to compact it (shortest, then first in order).
    private var inverse: [String: String] = [:]
    /// Terms usable as prefixes of compact IRIs (no colon, an IRI ending in `/`, `#` or `:`).
    private var prefixes: [Prefix] = []

    private struct Prefix: Sendable, Equatable {
        var term: String
        var iri: String
    }

    /// Where NGSI-LD puts terms that no context defines (clause 5.5.7).
    public static let defaultVocabulary = "https://uri.etsi.org/ngsi-ld/default-context/"
    /// The core `location` GeoProperty, whose bounding box is kept for geo-queries.
    public static let coreLocation = "https://uri.etsi.org/ngsi-ld/location"

    public init() {}

    /// Why a context could not be used; the API answers with `InvalidRequest` or
    /// `LdContextNotAvailable` according to `isUnavailable`.
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
        /// A context named by a URL that could not be had (not a malformed one).
        public var isUnavailable: Bool
        public init(_ message: String, unavailable: Bool = false) {
            self.message = message
            isUnavailable = unavailable
        }
    }

    /// A context from the value of `@context`: an object of term definitions, or an array of
    /// objects and URLs; `resolve` gives the `@context` value of the document a URL names.
    public init(_ value: JSON, resolve: (String) throws(Problem) -> JSON) throws(Problem) {
        self.init()
        try add(value, resolve: resolve, depth: 0)
    }

    /// This context with `other`'s terms added, `other` winning where both define a term.
    public func merged(with other: LDContext) -> LDContext {
        var result = self
        for (term, definition) in other.terms { result.terms[term] = definition }
        if let vocabulary = other.vocabulary { result.vocabulary = vocabulary }
        result.rebuildInverse()
        return result
    }

    private mutating func add(_ value: JSON, resolve: (String) throws(Problem) -> JSON, depth: Int) throws(Problem) {
        guard depth < 8 else { throw Problem("@context nests other contexts too deeply.") }
        switch value {
        case .null: self = LDContext()
        case .string(let url): try add(try resolve(url), resolve: resolve, depth: depth + 1)
        case .array(let items): for item in items { try add(item, resolve: resolve, depth: depth + 1) }
        case .object(let definitions): try define(definitions)
        default: throw Problem("@context must be a URL, an object or an array of them.")
        }
    }

    /// Adds term definitions; values that are compact IRIs or other terms are expanded against
    /// the definitions of the same object and the ones before it.
    private mutating func define(_ definitions: [String: JSON]) throws(Problem) {
        if let vocab = definitions["@vocab"] {
            switch vocab {
            case .null: vocabulary = nil
            case .string(let iri): vocabulary = iri
            default: throw Problem("@vocab must be an IRI.")
            }
        }
        var raw: [String: Term] = [:]
        for (term, definition) in definitions where !term.hasPrefix("@") {
            switch definition {
            case .null: terms[term] = nil
            case .string(let iri): raw[term] = Term(iri: iri)
            case .object(let members):
                let id = members["@id"]?.string ?? (term.contains(":") ? term : nil)
                guard let iri = id else {
                    // `{"@type": …}` alone keeps the term's IRI from the vocabulary.
                    raw[term] = Term(iri: (vocabulary ?? Self.defaultVocabulary) + term, type: members["@type"]?.string)
                    continue
                }
                raw[term] = Term(iri: iri, type: members["@type"]?.string, container: members["@container"]?.string)
            default: throw Problem("The definition of \(term) in @context must be an IRI or an object.")
            }
        }
        // Prefixes first (`"ngsi-ld": "https://…"`), so `"ngsi-ld:Property"` expands in one pass.
        for (term, definition) in raw where !definition.iri.contains(":") || definition.iri.contains("://") { terms[term] = definition }
        for (term, var definition) in raw {
            definition.iri = expandIRI(definition.iri, within: raw)
            if let type = definition.type, !type.hasPrefix("@") { definition.type = expandIRI(type, within: raw) }
            terms[term] = definition
        }
        rebuildInverse()
    }

    private func expandIRI(_ value: String, within raw: [String: Term]) -> String {
        var value = value
        for _ in 0..<4 {
            if let colon = value.firstIndex(of: ":") {
                let prefix = String(value[..<colon])
                let rest = value[value.index(after: colon)...]
                guard !rest.hasPrefix("//"), let base = terms[prefix]?.iri ?? raw[prefix]?.iri, base != value else { return value }
                value = base + rest
            } else if let term = terms[value] ?? raw[value], term.iri != value {
                value = term.iri
            } else {
                return (vocabulary ?? Self.defaultVocabulary) + value
            }
        }
        return value
    }

    private mutating func rebuildInverse() {
        inverse = [:]
        prefixes = []
        for (term, definition) in terms {
            if !term.contains(":"), let last = definition.iri.last, last == "/" || last == "#" || last == ":" { prefixes.append(Prefix(term: term, iri: definition.iri)) }
            if let chosen = inverse[definition.iri], chosen.count < term.count || (chosen.count == term.count && chosen < term) { continue }
            inverse[definition.iri] = term
        }
    }

    /// The IRI a term stands for: its definition, a prefix's IRI and the rest for a compact IRI
    /// (`ngsi-ld:location`), an absolute IRI as it is (`urn:…`, `https://…`), else the
    /// vocabulary (the default context when the user set none) and the term.
    public func expand(_ term: String) -> String {
        if term.hasPrefix("@") { return term }
        if let definition = terms[term] { return definition.iri }
        if let colon = term.firstIndex(of: ":") {
            let prefix = String(term[..<colon])
            let rest = term[term.index(after: colon)...]
            if !rest.hasPrefix("//"), let base = terms[prefix]?.iri { return base + rest }
            return term
        }
        return (vocabulary ?? Self.defaultVocabulary) + term
    }

    /// The short name of an IRI in this context: a term defined for it, the rest after the
    /// vocabulary, a compact IRI with a defined prefix, else the IRI itself.
    public func compact(_ iri: String) -> String {
        if let term = inverse[iri] { return term }
        if let vocabulary, let rest = shortName(iri, after: vocabulary) { return rest }
        if vocabulary != Self.defaultVocabulary, let rest = shortName(iri, after: Self.defaultVocabulary) { return rest }
        var best: String?
        for prefix in prefixes where iri.utf8.count > prefix.iri.utf8.count && iri.hasPrefix(prefix.iri) {
            let candidate = prefix.term + ":" + String(decoding: iri.utf8.dropFirst(prefix.iri.utf8.count), as: UTF8.self)
            if best == nil || candidate.count < best!.count || (candidate.count == best!.count && candidate < best!) { best = candidate }
        }
        return best ?? iri
    }

    /// The rest of `iri` after a vocabulary, when it is a plain name that expands back to it.
    private func shortName(_ iri: String, after base: String) -> String? {
        guard iri.utf8.count > base.utf8.count, iri.utf8.starts(with: base.utf8) else { return nil }
        let rest = String(decoding: iri.utf8.dropFirst(base.utf8.count), as: UTF8.self)
        guard terms[rest] == nil, !rest.utf8.contains(0x3A), expand(rest) == iri else { return nil }
        return rest
    }

    /// The definition that decides how a term's value is read (`@type: @vocab`, `@json`…).
    public func definition(ofIRI iri: String) -> Term? { inverse[iri].flatMap { terms[$0] } }
}
