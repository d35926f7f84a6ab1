import CityIOCDomain
import Foundation

/// The part of a `q` filter the database can test, so that a query reads the entities that may
/// match rather than every candidate of its type. Always a superset of what `EntityFilter`
/// matches: the exact test in Swift still decides. Pushed down: an attribute's existence or
/// absence (`q=a`, `q=!a`, through the attribute index, exact) and comparisons of a top-level
/// attribute with numbers (`<`, `<=`, `>`, `>=`, `==`, ranges), which drop the entities whose
/// every instance of the attribute has a plain number failing the test; the rest is left to Swift.
extension CityStore {
    static func prefilter(_ filter: EntityFilter, engine: DatabaseEngine) -> SQL? {
        switch filter {
        case .term(let term): return prefilter(term, engine: engine)
        case .all(let parts):
            // Dropping a conjunct only widens the set: each part that can be tested is.
            let tested = parts.compactMap { prefilter($0, engine: engine) }
            return tested.isEmpty ? nil : joined(tested, " AND ")
        case .any(let parts):
            // A disjunction narrows nothing unless every branch can be tested.
            let tested = parts.compactMap { prefilter($0, engine: engine) }
            return tested.count == parts.count && !tested.isEmpty ? joined(tested, " OR ") : nil
        }
    }

    private static func joined(_ parts: [SQL], _ separator: String) -> SQL {
        var sql = SQL("(" + parts.map(\.text).joined(separator: separator) + ")")
        sql.binds = parts.flatMap(\.binds)
        return sql
    }

    private static func prefilter(_ term: EntityFilter.Term, engine: DatabaseEngine) -> SQL? {
        guard term.path.count == 1, term.valuePath.isEmpty, let name = term.path.first else { return nil }
        guard let comparison = term.comparison else {
            return SQL(
                "EXISTS (SELECT 1 FROM context_entity_attributes a WHERE a.tenant = e.tenant AND a.entity_id = e.id AND a.name = ?)", [.text(name)])
        }
        if case .absent = comparison {
            return SQL(
                "NOT EXISTS (SELECT 1 FROM context_entity_attributes a WHERE a.tenant = e.tenant AND a.entity_id = e.id AND a.name = ?)", [.text(name)])
        }
        let test: (String, [SQLValue])
        switch comparison {
        case .greater(.number(let n), let orEqual): test = (orEqual ? ">= ?" : "> ?", [.double(n)])
        case .less(.number(let n), let orEqual): test = (orEqual ? "<= ?" : "< ?", [.double(n)])
        case .range(.number(let low), .number(let high), negated: false): test = ("BETWEEN ? AND ?", [.double(low), .double(high)])
        case .equal(let literals):
            let numbers = literals.compactMap { literal -> Double? in if case .number(let n) = literal { n } else { nil } }
            guard numbers.count == literals.count, !numbers.isEmpty else { return nil }
            test = ("IN (" + numbers.map { _ in "?" }.joined(separator: ", ") + ")", numbers.map { .double($0) })
        default: return nil
        }
        switch engine {
        case .sqlite:
            // A JSON path names the attribute; an IRI cannot hold the quote that would end it.
            guard !name.contains("\"") && !name.contains("\\") else { return nil }
            return SQL(
                """
                EXISTS (SELECT 1 FROM json_each(e.body, ?) i WHERE COALESCE(json_type(i.value, '$.value'), '') NOT IN ('integer', 'real') \
                OR json_extract(i.value, '$.value') \(test.0))
                """, [.text("$.attributes.\"\(name)\"")] + test.1)
        case .postgres:
            return SQL(
                """
                EXISTS (SELECT 1 FROM jsonb_array_elements((e.body::jsonb) -> 'attributes' -> ?) i WHERE jsonb_typeof(i -> 'value') IS DISTINCT FROM 'number' \
                OR (CASE WHEN jsonb_typeof(i -> 'value') = 'number' THEN (i ->> 'value')::float8 END) \(test.0))
                """, [.text(name)] + test.1)
        }
    }
}
