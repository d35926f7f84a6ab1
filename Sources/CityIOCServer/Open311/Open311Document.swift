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
        let body = format == .json ? json : "<?xml version=\"1.0\" encoding=\"utf-8\"?>" + xml(root)
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    var json: String {
        switch self {
        case .text(let text): return Self.jsonString(text)
        case .number(let number): return String(number)
        case .decimal(let number): return number.isFinite ? String(number) : "null"
        case .flag(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .object(let fields): return "{" + fields.map { Self.jsonString($0.0) + ":" + $0.1.json }.joined(separator: ",") + "}"
        case .list(_, let items): return "[" + items.map(\.json).joined(separator: ",") + "]"
        }
    }

    func xml(_ name: String) -> String {
        switch self {
        case .text(let text): return "<\(name)>\(HTML.escape(text))</\(name)>"
        case .number(let number): return "<\(name)>\(number)</\(name)>"
        case .decimal(let number): return "<\(name)>\(number)</\(name)>"
        case .flag(let flag): return "<\(name)>\(flag)</\(name)>"
        case .null: return "<\(name)/>"
        case .object(let fields): return "<\(name)>" + fields.map { $0.1.xml($0.0) }.joined() + "</\(name)>"
        case .list(let item, let items): return "<\(name)>" + items.map { $0.xml(item) }.joined() + "</\(name)>"
        }
    }

    static func jsonString(_ text: String) -> String {
        // Most text needs no escaping: copy it whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// The spec's error list: `[{"code": 404, "description": "…"}]`, `<errors><error>…`.
    static func errors(_ status: HTTPResponse.Status, _ description: String) -> Open311Document {
        .list(item: "error", [.object([("code", .number(status.code)), ("description", .text(description))])])
    }
}
