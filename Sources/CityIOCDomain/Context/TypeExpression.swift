import Foundation

/// Leaves joined by `;` (and, binding tighter) and `,` or `|` (or), grouped by parentheses: the
/// grammar of a query's `type` (clause 4.17) and of `scopeQ` (clause 4.19), with their own leaves.
public indirect enum BooleanExpression<Leaf: Sendable & Equatable>: Sendable, Equatable {
    case leaf(Leaf)
    case all([BooleanExpression])
    case any([BooleanExpression])

    /// Parses `text`; `leaf` reads each name (and refuses what is not one).
    public static func parse(_ text: String, leaf: @escaping (String) throws(NGSIError) -> Leaf) throws(NGSIError) -> BooleanExpression {
        var parser = Parser(scalars: Array(text.unicodeScalars), leaf: leaf)
        let expression = try parser.disjunction()
        guard parser.index == parser.scalars.count else { throw parser.problem() }
        return expression
    }

    public var leaves: [Leaf] {
        switch self {
        case .leaf(let leaf): [leaf]
        case .all(let parts), .any(let parts): parts.flatMap(\.leaves)
        }
    }

    /// True when every leaf of the expression joins by or (a plain list).
    public var isList: Bool {
        switch self {
        case .leaf: true
        case .all: false
        case .any(let parts): parts.allSatisfy { if case .leaf = $0 { true } else { false } }
        }
    }

    public func evaluate(_ test: (Leaf) -> Bool) -> Bool {
        switch self {
        case .leaf(let leaf): test(leaf)
        case .all(let parts): parts.allSatisfy { $0.evaluate(test) }
        case .any(let parts): parts.contains { $0.evaluate(test) }
        }
    }

    struct Parser {
        let scalars: [Unicode.Scalar]
        let leaf: (String) throws(NGSIError) -> Leaf
        var index = 0
        var depth = 0

        func problem() -> NGSIError { .badData("The expression is not valid.", String(String.UnicodeScalarView(scalars))) }
        func peek() -> Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        mutating func disjunction() throws(NGSIError) -> BooleanExpression {
            var parts = [try conjunction()]
            while peek() == "|" || peek() == "," {
                index += 1
                parts.append(try conjunction())
            }
            return parts.count == 1 ? parts[0] : .any(parts)
        }

        mutating func conjunction() throws(NGSIError) -> BooleanExpression {
            var parts = [try primary()]
            while peek() == ";" {
                index += 1
                parts.append(try primary())
            }
            return parts.count == 1 ? parts[0] : .all(parts)
        }

        mutating func primary() throws(NGSIError) -> BooleanExpression {
            if peek() == "(" {
                depth += 1
                guard depth < 16 else { throw problem() }
                index += 1
                let inner = try disjunction()
                guard peek() == ")" else { throw problem() }
                index += 1
                depth -= 1
                return inner
            }
            let start = index
            while let c = peek(), !["|", ",", ";", "(", ")"].contains(c) { index += 1 }
            let text = String(String.UnicodeScalarView(scalars[start..<index])).trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { throw problem() }
            return .leaf(try leaf(text))
        }
    }
}

/// A query's `type`: expanded type names.
public typealias TypeExpression = BooleanExpression<String>

extension BooleanExpression where Leaf == String {
    public static func parse(_ text: String, context: LDContext) throws(NGSIError) -> TypeExpression {
        try parse(text) { name throws(NGSIError) in
            guard ContextEntity.isValidName(name) else { throw .badData("The type expression is not valid.", text) }
            return context.expand(name)
        }
    }

    /// Every type the expression names: an entity can only match if it has one of them.
    public var names: [String] { Array(Set(leaves)).sorted() }

    public func matches(_ types: [String]) -> Bool { evaluate { types.contains($0) } }
}

/// `scopeQ` (clause 4.19): scope paths such as `/Quảng Ninh/Hạ Long`, where a last `#` stands for
/// the scope and everything below it and a `+` for any one level.
public typealias ScopeQuery = BooleanExpression<[Substring]>

extension BooleanExpression where Leaf == [Substring] {
    public static func parse(scopes text: String) throws(NGSIError) -> ScopeQuery {
        try parse(text) { path throws(NGSIError) in
            guard path.hasPrefix("/") else { throw .badData("A scope starts with /.", path) }
            let levels = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            guard path == "/" || levels.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }),
                levels.dropLast().allSatisfy({ $0 != "#" })
            else { throw .badData("scopeQ is not valid: a path of levels, # only at its end.", path) }
            return path == "/" ? [] : Array(levels)
        }
    }

    /// True when one of the entity's scopes matches.
    public func matches(scopes: [String]) -> Bool {
        evaluate { pattern in
            scopes.contains { scope in
                let levels = scope == "/" ? [] : Array(scope.split(separator: "/", omittingEmptySubsequences: false).dropFirst())
                if pattern.last == "#" {
                    let prefix = pattern.dropLast()
                    return levels.count >= prefix.count && zip(prefix, levels).allSatisfy { $0 == "+" || $0 == $1 }
                }
                return levels.count == pattern.count && zip(pattern, levels).allSatisfy { $0 == "+" || $0 == $1 }
            }
        }
    }
}
