import Foundation

/// The NGSI-LD query language (`q`, clause 4.9): terms on attribute values joined by `;` (and)
/// and `|` (or, weaker), grouped by parentheses. A term names an attribute, optionally a path
/// into its sub-attributes (`pm25.observedAt`) or into a JSON value (`address[locality]`), and
/// compares it (`==`, `!=`, `<`, `<=`, `>`, `>=`, a list `a,b`, a range `1..5`, a pattern `~=`,
/// `!~=`); a bare name asks that the attribute exists, `!name` that it does not. Parsed once,
/// then tested on entities.
public indirect enum EntityFilter: Sendable, Equatable {
    case all([EntityFilter])
    case any([EntityFilter])
    case term(Term)

    public struct Term: Sendable, Equatable {
        /// The attribute's expanded name, then sub-attribute names (expanded) or metadata members.
        public var path: [String]
        /// Keys into a JSON value, from `[a.b]`.
        public var valuePath: [String]
        public var comparison: Comparison?

        public init(path: [String], valuePath: [String] = [], comparison: Comparison?) {
            self.path = path
            self.valuePath = valuePath
            self.comparison = comparison
        }
    }

    public enum Comparison: Sendable, Equatable {
        case equal([Literal])
        case unequal([Literal])
        case range(Literal, Literal, negated: Bool)
        case less(Literal, orEqual: Bool)
        case greater(Literal, orEqual: Bool)
        case matches(String, negated: Bool)
        /// `!name`: the entity has no such attribute (or the path reaches no value).
        case absent
    }

    public enum Literal: Sendable, Equatable {
        case number(Double)
        case text(String)
        case flag(Bool)
        /// An instant, kept with its text (a value may hold the same text).
        case time(Date, String)
    }

    // MARK: - Parsing

    /// Parses `q`; names are expanded with `context`.
    public static func parse(_ text: String, context: LDContext) throws(NGSIError) -> EntityFilter {
        var parser = Parser(text: Array(text.unicodeScalars), context: context)
        let filter = try parser.disjunction()
        guard parser.atEnd else { throw parser.problem("unexpected \(parser.rest)") }
        return filter
    }

    struct Parser {
        let text: [Unicode.Scalar]
        let context: LDContext
        var index = 0
        var depth = 0

        init(text: [Unicode.Scalar], context: LDContext) {
            self.text = text
            self.context = context
        }

        var atEnd: Bool { index >= text.count }
        var rest: String { String(String.UnicodeScalarView(text[min(index, text.count)...])) }
        func peek(_ offset: Int = 0) -> Unicode.Scalar? { index + offset < text.count ? text[index + offset] : nil }

        func problem(_ what: String) -> NGSIError { NGSIError.invalid("The q expression is not valid: \(what).", String(String.UnicodeScalarView(text))) }

        mutating func disjunction() throws(NGSIError) -> EntityFilter {
            var parts = [try conjunction()]
            while peek() == "|" {
                index += 1
                parts.append(try conjunction())
            }
            return parts.count == 1 ? parts[0] : .any(parts)
        }

        mutating func conjunction() throws(NGSIError) -> EntityFilter {
            var parts = [try primary()]
            while peek() == ";" {
                index += 1
                parts.append(try primary())
            }
            return parts.count == 1 ? parts[0] : .all(parts)
        }

        mutating func primary() throws(NGSIError) -> EntityFilter {
            if peek() == "(" {
                depth += 1
                guard depth < 16 else { throw problem("too many nested parentheses") }
                index += 1
                let inner = try disjunction()
                guard peek() == ")" else { throw problem("a parenthesis is not closed") }
                index += 1
                depth -= 1
                return inner
            }
            return .term(try term())
        }

        static let nameEnd: Set<Unicode.Scalar> = ["=", "!", "<", ">", "~", ";", "|", "(", ")", "[", "]", ".", " "]

        mutating func name() throws(NGSIError) -> String {
            let start = index
            while let c = peek(), !Self.nameEnd.contains(c) { index += 1 }
            guard index > start else { throw problem("an attribute name is missing at \(rest)") }
            // A compact IRI (`sdm:pm25`) is one name; a dot always starts a sub-attribute.
            return String(String.UnicodeScalarView(text[start..<index]))
        }

        mutating func term() throws(NGSIError) -> Term {
            let absent = peek() == "!"
            if absent { index += 1 }
            var names = [try name()]
            while peek() == "." {
                index += 1
                names.append(try name())
            }
            var valuePath: [String] = []
            if peek() == "[" {
                index += 1
                valuePath.append(try name())
                while peek() == "." {
                    index += 1
                    valuePath.append(try name())
                }
                guard peek() == "]" else { throw problem("a [ is not closed") }
                index += 1
            }
            for name in names where !ContextEntity.isValidName(name) { throw problem("\(name) is not a valid attribute name") }
            let metadata: Set<String> = ["observedAt", "unitCode", "datasetId", "createdAt", "modifiedAt", "lang"]
            let path = names.enumerated().map { offset, name in offset > 0 && metadata.contains(name) ? name : context.expand(name) }
            let comparison = try self.comparison()
            if absent {
                guard comparison == nil else { throw problem("!\(names[0]) asks that an attribute is absent and takes no comparison") }
                return Term(path: path, valuePath: valuePath, comparison: .absent)
            }
            return Term(path: path, valuePath: valuePath, comparison: comparison)
        }

        mutating func comparison() throws(NGSIError) -> Comparison? {
            func take(_ op: String) -> Bool {
                let scalars = Array(op.unicodeScalars)
                guard index + scalars.count <= text.count, Array(text[index..<index + scalars.count]) == scalars else { return false }
                index += scalars.count
                return true
            }
            if take("==") { return try equality(negated: false) }
            if take("!=") { return try equality(negated: true) }
            if take("!~=") { return .matches(try pattern(), negated: true) }
            if take("~=") { return .matches(try pattern(), negated: false) }
            if take(">=") { return .greater(try literal(), orEqual: true) }
            if take("<=") { return .less(try literal(), orEqual: true) }
            if take(">") { return .greater(try literal(), orEqual: false) }
            if take("<") { return .less(try literal(), orEqual: false) }
            if atEnd || peek() == ";" || peek() == "|" || peek() == ")" { return nil }
            throw problem("unknown operator at \(rest)")
        }

        mutating func equality(negated: Bool) throws(NGSIError) -> Comparison {
            let first = try literal()
            if peek() == ".", peek(1) == "." {
                index += 2
                return .range(first, try literal(), negated: negated)
            }
            var values = [first]
            while peek() == "," {
                index += 1
                values.append(try literal())
            }
            return negated ? .unequal(values) : .equal(values)
        }

        /// A regular expression runs to the next `;`, `|` or `)` outside its own parentheses
        /// (`name~=(?i)eiff.*`, `id~=(a|b)`); a backslash keeps the next character.
        mutating func pattern() throws(NGSIError) -> String {
            let start = index
            var nesting = 0
            while let c = peek() {
                if c == "\\" {
                    index = min(index + 2, text.count)
                    continue
                }
                if nesting == 0, c == ";" || c == "|" || c == ")" { break }
                if c == "(" { nesting += 1 } else if c == ")" { nesting -= 1 }
                index += 1
            }
            let pattern = String(String.UnicodeScalarView(text[start..<index]))
            guard !pattern.isEmpty, (try? Regex(pattern)) != nil else { throw problem("\(pattern) is not a regular expression") }
            return pattern
        }

        mutating func literal() throws(NGSIError) -> Literal {
            if peek() == "\"" {
                index += 1
                var value = String.UnicodeScalarView()
                while let c = peek(), c != "\"" {
                    if c == "\\", let next = peek(1) {
                        value.append(next)
                        index += 2
                    } else {
                        value.append(c)
                        index += 1
                    }
                }
                guard peek() == "\"" else { throw problem("a quoted string is not closed") }
                index += 1
                return .text(String(value))
            }
            let start = index
            while let c = peek(), c != ";", c != "|", c != ")", c != "," {
                if c == ".", peek(1) == "." { break }
                index += 1
            }
            let raw = String(String.UnicodeScalarView(text[start..<index]))
            guard !raw.isEmpty else { throw problem("a value is missing") }
            guard !raw.unicodeScalars.contains(where: { "<>=!~\"'() ".unicodeScalars.contains($0) }) else { throw problem("\(raw) must be quoted") }
            if raw == "true" || raw == "false" { return .flag(raw == "true") }
            if let number = Double(raw), raw.first.map({ $0.isNumber || $0 == "-" || $0 == "+" }) == true { return .number(number) }
            if raw.count >= 10, raw.first?.isNumber == true, let date = Timestamp.parse(raw) ?? Self.day(raw) { return .time(date, raw) }
            return .text(raw)
        }

        /// `2026-12-01` as midnight UTC.
        static func day(_ raw: String) -> Date? { raw.count == 10 ? Timestamp.parse(raw + "T00:00:00.000Z") : nil }
    }

    // MARK: - Testing an entity

    public func matches(_ entity: ContextEntity) -> Bool {
        switch self {
        case .all(let parts): parts.allSatisfy { $0.matches(entity) }
        case .any(let parts): parts.contains { $0.matches(entity) }
        case .term(let term): term.matches(entity)
        }
    }
}

extension EntityFilter.Term {
    func matches(_ entity: ContextEntity) -> Bool {
        let values = self.values(in: entity)
        guard let comparison else { return !values.isEmpty }
        if case .absent = comparison { return values.isEmpty }
        if case .unequal = comparison {
            // `!=` holds when the attribute exists and none of its values is one of those.
            return !values.isEmpty && values.allSatisfy { Self.test($0, comparison) }
        }
        return values.contains { Self.test($0, comparison) }
    }

    /// Every value the path reaches, over all instances (and list items).
    func values(in entity: ContextEntity) -> [JSON] {
        var current: [JSON] = entity.attributes[path[0]] ?? []
        for step in path.dropFirst() {
            current = current.flatMap { instance -> [JSON] in
                guard let member = instance[step] else { return [] }
                return member.object?["type"] != nil ? [member] : [.object(["type": "Property", "value": member])]
            }
        }
        var results = current.compactMap { instance -> JSON? in
            guard let kind = instance["type"]?.string.flatMap(ContextEntity.Kind.init(rawValue:)) else { return instance["value"] }
            return instance[kind.valueMember]
        }
        for key in valuePath { results = results.compactMap { $0[key] } }
        return results.flatMap { $0.array ?? [$0] }
    }

    static func test(_ value: JSON, _ comparison: EntityFilter.Comparison) -> Bool {
        switch comparison {
        case .equal(let literals): literals.contains { compare(value, $0) == .orderedSame }
        case .unequal(let literals): !literals.contains { compare(value, $0) == .orderedSame }
        case .range(let low, let high, let negated):
            (compare(value, low).map { $0 != .orderedAscending } ?? false)
                && (compare(value, high).map { $0 != .orderedDescending } ?? false)
                    != negated
        case .less(let literal, let orEqual): compare(value, literal).map { $0 == .orderedAscending || (orEqual && $0 == .orderedSame) } ?? false
        case .greater(let literal, let orEqual): compare(value, literal).map { $0 == .orderedDescending || (orEqual && $0 == .orderedSame) } ?? false
        case .matches(let pattern, let negated):
            (value.string.map { text in (try? Regex(pattern)).map { text.contains($0) } ?? false } ?? false) != negated
        case .absent: false
        }
    }

    /// The value against a literal of the same kind; nil when they are not comparable.
    static func compare(_ value: JSON, _ literal: EntityFilter.Literal) -> ComparisonResult? {
        func order<T: Comparable>(_ a: T, _ b: T) -> ComparisonResult { a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame }
        switch (value, literal) {
        case (.number(let a), .number(let b)): return order(a, b)
        case (.string(let a), .text(let b)): return order(a, b)
        case (.bool(let a), .flag(let b)): return a == b ? .orderedSame : .orderedAscending
        case (.string(let a), .time(let b, let text)):
            if let date = Timestamp.parse(a) ?? EntityFilter.Parser.day(a) { return order(date, b) }
            return order(a, text)
        case (.object(let members), _):
            // A DateTime value as NGSI-LD writes it: {"@type": "DateTime", "@value": "…"}.
            return members["@value"].flatMap { compare($0, literal) }
        default: return nil
        }
    }
}
