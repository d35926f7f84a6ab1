import CityIOCDomain
import Foundation

/// JSON written directly into a string, for the few shapes written so often that Foundation's
/// generic encoder showed in profiles: strings in an Open311 list of a thousand requests, and a
/// new report's reporter and answers (stored as JSON text, read back by `JSONDecoder`).
enum JSONText {
    /// Appends `text` as a JSON string, quotes included.
    static func append(_ text: String, to result: inout String) { JSON.quote(text, into: &result) }

    /// Appends `text` as a JSON string to bytes.
    static func append(_ text: String, to out: inout [UInt8]) { JSON.quote(text, into: &out) }

    static func quoted(_ text: String) -> String {
        var result = ""
        append(text, to: &result)
        return result
    }

    /// `{"name":"…","phone":"…","email":"…"}`, leaving out what is missing, as `JSONEncoder`
    /// writes a `Report.Reporter`.
    static func object(_ fields: [(String, String?)]) -> String {
        var result = "{"
        for (name, value) in fields {
            guard let value else { continue }
            if result.utf8.count > 1 { result += "," }
            append(name, to: &result)
            result += ":"
            append(value, to: &result)
        }
        return result + "}"
    }

    /// `{"code":["value",…],…}` with the codes in order.
    static func lists(_ lists: [String: [String]]) -> String {
        var result = "{"
        for (index, key) in lists.keys.sorted().enumerated() {
            if index > 0 { result += "," }
            append(key, to: &result)
            result += ":["
            for (position, value) in lists[key]!.enumerated() {
                if position > 0 { result += "," }
                append(value, to: &result)
            }
            result += "]"
        }
        return result + "}"
    }
}
