import CityIOCDomain
import Foundation
import Hummingbird

/// An Open311 GeoReport v2 document, built once and written as JSON or XML. The spec defines
/// both formats over the same fields; writing them from one tree keeps them identical.
enum Open311Document: Sendable, Equatable {
    case text(String)
    /// An instant in a zone `offset` seconds east of UTC, written as RFC 3339 (`Timestamp.local`).
    case time(Date, offset: Int)
    case number(Int)
    case decimal(Double)
    case flag(Bool)
    case null
    /// Fields in the spec's order.
    case object([(String, Open311Document)])
    /// A list; `item` names each element in XML (`<service>` inside `<services>`).
    case list(item: String, [Open311Document])

    static func == (lhs: Open311Document, rhs: Open311Document) -> Bool { lhs.json == rhs.json }

    enum Format: String, Sendable {
        case json
        case xml

        /// From a path's last component: `services.json` → (.json, "services").
        static func split(_ file: String) -> (Format, String)? {
            guard let dot = file.lastIndex(of: ".") else { return nil }
            guard let format = Format(rawValue: file[file.index(after: dot)...].lowercased()) else { return nil }
            return (format, String(file[..<dot]))
        }

        var contentType: String { self == .json ? "application/json; charset=utf-8" : "text/xml; charset=utf-8" }
    }

    func response(_ format: Format, root: String, status: HTTPResponse.Status = .ok) -> Response {
        var writer = Open311Writer(format)
        write(to: &writer, root)
        return writer.response(status: status)
    }

    var json: String {
        var writer = Open311Writer(.json)
        write(to: &writer, "")
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The XML form as the element `name`, without the declaration.
    func xml(_ name: String) -> String {
        var writer = Open311Writer(.xml)
        let declaration = writer.bytes.count
        write(to: &writer, name)
        return String(decoding: writer.bytes[declaration...], as: UTF8.self)
    }

    /// Writes the tree as the value `name` (the XML element's name; in JSON, the member's).
    func write(to writer: inout Open311Writer, _ name: String) {
        switch self {
        case .text(let text): writer.text(name, text)
        case .time(let date, let offset): writer.time(name, date, offset: offset)
        case .number(let number): writer.number(name, number)
        case .decimal(let number): writer.decimal(name, number)
        case .flag(let flag): writer.flag(name, flag)
        case .null: writer.null(name)
        case .object(let fields):
            writer.beginObject(name)
            for (field, value) in fields { value.write(to: &writer, field) }
            writer.end()
        case .list(let item, let items):
            writer.beginList(name)
            for value in items { value.write(to: &writer, item) }
            writer.end()
        }
    }

    /// The spec's error list: `[{"code": 404, "description": "…"}]`, `<errors><error>…`.
    static func errors(_ status: HTTPResponse.Status, _ description: String) -> Open311Document {
        .list(item: "error", [.object([("code", .number(status.code)), ("description", .text(description))])])
    }
}
