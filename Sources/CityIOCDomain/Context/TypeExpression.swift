import Foundation

/// The `type` parameter of a query (clause 4.17): type names joined by `,` or `|` (or) and `;`
/// (and, binding tighter), grouped by parentheses; names expanded with the request's context.
public indirect enum TypeExpression: Sendable, Equatable {
    case name(String)
    case all([TypeExpression])
    case any([TypeExpression])

    public static func parse(_ text: String, context: LDContext) throws(NGSIError) -> TypeExpression {
        var parser = Parser(scalars: Array(text.unicodeScalars), context: context)
        let expression = try parser.disjunction()
        guard parser.index == parser.scalars.count else { throw parser.problem() }
        return expression
    }

    /// Every type the expression names: an entity can only match if it has one of them.
    public var names: [String] {
        switch self {
        case .name(let name): [name]
        case .all(let parts), .any(let parts): Array(Set(parts.flatMap(\.names))).sorted()
        }
    }

    public func matches(_ types: [String]) -> Bool {
        switch self {
        case .name(let name): types.contains(name)
        case .all(let parts): parts.allSatisfy { $0.matches(types) }
        case .any(let parts): parts.contains { $0.matches(types) }
        }
    }

    struct Parser {
        let scalars: [Unicode.Scalar]
        let context: LDContext
        var index = 0
        var depth = 0

        init(scalars: [Unicode.Scalar], context: LDContext) {
            self.scalars = scalars
            self.context = context
        }

        func problem() -> NGSIError { .badData("The type expression is not valid.", String(String.UnicodeScalarView(scalars))) }
        func peek() -> Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        mutating func disjunction() throws(NGSIError) -> TypeExpression {
            var parts = [try conjunction()]
            while peek() == "|" || peek() == "," {
                index += 1
                parts.append(try conjunction())
            }
            return parts.count == 1 ? parts[0] : .any(parts)
        }

        mutating func conjunction() throws(NGSIError) -> TypeExpression {
            var parts = [try primary()]
            while peek() == ";" {
                index += 1
                parts.append(try primary())
            }
            return parts.count == 1 ? parts[0] : .all(parts)
        }

        mutating func primary() throws(NGSIError) -> TypeExpression {
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
            let name = String(String.UnicodeScalarView(scalars[start..<index])).trimmingCharacters(in: .whitespaces)
            guard ContextEntity.isValidName(name) else { throw problem() }
            return .name(context.expand(name))
        }
    }
}
