import CityIOCDomain
import Foundation

/// A value bound into a statement or read out of a row, the same for both engines.
public enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case bool(Bool)
    case date(Date)

    public init(_ text: String?) { self = text.map(SQLValue.text) ?? .null }
    public init(_ date: Date?) { self = date.map(SQLValue.date) ?? .null }
    public init(_ number: Double?) { self = number.map(SQLValue.double) ?? .null }
}

/// A statement with `?` placeholders and its values. Written once; each engine adapts the
/// placeholders (`$1`, `$2`… for PostgreSQL).
public struct SQL: Sendable, ExpressibleByStringLiteral {
    public var text: String
    public var binds: [SQLValue]

    public init(_ text: String, _ binds: [SQLValue] = []) {
        self.text = text
        self.binds = binds
    }
    public init(stringLiteral value: String) { self.init(value) }

    public mutating func append(_ fragment: String, _ binds: SQLValue...) {
        text += fragment
        self.binds += binds
    }

    /// The statement with PostgreSQL's numbered placeholders. Question marks inside quoted
    /// literals are left alone.
    public var numberedPlaceholders: String {
        var result = ""
        result.reserveCapacity(text.count + 16)
        var index = 0
        var inQuote = false
        for character in text {
            if character == "'" { inQuote.toggle() }
            if character == "?" && !inQuote {
                index += 1
                result += "$\(index)"
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// One row of a result, by column name.
public struct SQLRow: Sendable {
    /// Where each column of a result is, shared by all its rows: a row is its cells alone (a
    /// dictionary of names per row was built, and hashed into, for every row of every list).
    final class Columns: Sendable {
        let names: [String]
        /// For a wide result only: a short one is searched name by name, which is faster than
        /// hashing (a name of up to 15 bytes is compared as two machine words), and a list of a
        /// thousand reports looks up sixteen columns per row.
        let places: [String: Int]?

        /// When a result names a column twice, the last one is read, as a dictionary kept it.
        init(_ names: [String]) {
            self.names = names
            if names.count > 24 {
                var places: [String: Int] = Dictionary(minimumCapacity: names.count)
                for (place, name) in names.enumerated() { places[name] = place }
                self.places = places
            } else {
                places = nil
            }
        }

        func place(_ name: String) -> Int? {
            if let places { return places[name] }
            var place = names.count
            while place > 0 {
                place -= 1
                if names[place] == name { return place }
            }
            return nil
        }
    }

    let columns: Columns
    let cells: [SQLValue]

    init(columns: Columns, cells: [SQLValue]) {
        self.columns = columns
        self.cells = cells
    }

    public init(values: [String: SQLValue]) {
        let names = Array(values.keys)
        self.init(columns: Columns(names), cells: names.map { values[$0]! })
    }

    /// Every column by name.
    public var values: [String: SQLValue] {
        var values: [String: SQLValue] = Dictionary(minimumCapacity: cells.count)
        for (place, name) in columns.names.enumerated() { values[name] = cells[place] }
        return values
    }

    private subscript(column: String) -> SQLValue? { columns.place(column).map { cells[$0] } }

    public func optionalText(_ column: String) -> String? {
        switch self[column] {
        case .text(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        default: return nil
        }
    }
    public func text(_ column: String) throws -> String {
        guard let text = optionalText(column) else { throw StoreError.corruptRow(column) }
        return text
    }
    public func optionalInt(_ column: String) -> Int64? {
        switch self[column] {
        case .int(let number): return number
        case .double(let number): return Int64(number)
        case .bool(let flag): return flag ? 1 : 0
        case .text(let text): return Int64(text)
        default: return nil
        }
    }
    public func int(_ column: String) throws -> Int64 {
        guard let number = optionalInt(column) else { throw StoreError.corruptRow(column) }
        return number
    }
    public func optionalDouble(_ column: String) -> Double? {
        switch self[column] {
        case .double(let number): return number
        case .int(let number): return Double(number)
        case .text(let text): return Double(text)
        default: return nil
        }
    }
    public func double(_ column: String) throws -> Double {
        guard let number = optionalDouble(column) else { throw StoreError.corruptRow(column) }
        return number
    }
    public func bool(_ column: String) throws -> Bool {
        switch self[column] {
        case .bool(let flag): return flag
        case .int(let number): return number != 0
        default: throw StoreError.corruptRow(column)
        }
    }
    public func optionalDate(_ column: String) -> Date? {
        switch self[column] {
        case .date(let date): return date
        case .text(let text): return SQLTimestamp.parse(text)
        default: return nil
        }
    }
    public func date(_ column: String) throws -> Date {
        guard let date = optionalDate(column) else { throw StoreError.corruptRow(column) }
        return date
    }
}

/// How SQLite keeps instants: UTC text with milliseconds, which sorts as time does.
public enum SQLTimestamp {
    /// `2026-11-22T09:10:23.333Z`, exactly as `Date.ISO8601FormatStyle(includingFractionalSeconds:
    /// true)` writes it (milliseconds cut, not rounded), computed directly (`Timestamp`).
    public static func format(_ date: Date) -> String { Timestamp.utcMilliseconds(date) }
    /// Its own form read directly; other ISO 8601 text (older rows, a client's input) through
    /// Foundation.
    public static func parse(_ text: String) -> Date? { Timestamp.parse(text) }
}
