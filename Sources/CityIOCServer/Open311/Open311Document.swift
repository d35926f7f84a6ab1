import Foundation
import Hummingbird

/// An Open311 GeoReport v2 document, built once and written as JSON or XML. The spec defines
/// both formats over the same fields; writing them from one tree keeps them identical.
indirect enum Open311Document: Sendable, Equatable {
    case text(String)
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
        var body = ""
        if format == .json {
            write(json: &body)
        } else {
            body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
            write(xml: &body, root)
        }
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    var json: String {
        var text = ""
        write(json: &text)
        return text
    }

    func xml(_ name: String) -> String {
        var text = ""
        write(xml: &text, name)
        return text
    }

    /// Appends the JSON form to `out`: one growing string for a whole list of a thousand
    /// requests, not a string per field joined on the way up.
    func write(json out: inout String) {
        switch self {
        case .text(let text): JSONText.append(text, to: &out)
        case .number(let number): out += String(number)
        case .decimal(let number): out += number.isFinite ? String(number) : "null"
        case .flag(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        case .object(let fields):
            out += "{"
            for (index, (name, value)) in fields.enumerated() {
                if index > 0 { out += "," }
                JSONText.append(name, to: &out)
                out += ":"
                value.write(json: &out)
            }
            out += "}"
        case .list(_, let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(json: &out)
            }
            out += "]"
        }
    }

    /// Appends the XML form, as the element `name`, to `out`.
    func write(xml out: inout String, _ name: String) {
        switch self {
        case .null:
            out += "<" + name + "/>"
            return
        case .text(let text): out += "<" + name + ">" + HTML.escape(text)
        case .number(let number): out += "<" + name + ">" + String(number)
        case .decimal(let number): out += "<" + name + ">" + String(number)
        case .flag(let flag): out += "<" + name + ">" + (flag ? "true" : "false")
        case .object(let fields):
            out += "<" + name + ">"
            for (field, value) in fields { value.write(xml: &out, field) }
        case .list(let item, let items):
            out += "<" + name + ">"
            for value in items { value.write(xml: &out, item) }
        }
        out += "</" + name + ">"
    }

    /// The spec's error list: `[{"code": 404, "description": "…"}]`, `<errors><error>…`.
    static func errors(_ status: HTTPResponse.Status, _ description: String) -> Open311Document {
        .list(item: "error", [.object([("code", .number(status.code)), ("description", .text(description))])])
    }
}
