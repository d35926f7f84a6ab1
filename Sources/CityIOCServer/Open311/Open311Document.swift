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
        var body: [UInt8] = []
        // About 700 bytes per request object: a list of a thousand is written without growing
        // the buffer (and copying it, and faulting in fresh pages) ten times over.
        if case .list(_, let items) = self { body.reserveCapacity(min(4 << 20, 4096 + items.count * 768)) } else { body.reserveCapacity(4096) }
        if format == .json {
            write(json: &body)
        } else {
            body.append(contentsOf: #"<?xml version="1.0" encoding="utf-8"?>"#.utf8)
            write(xml: &body, root)
        }
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    var json: String {
        var bytes: [UInt8] = []
        write(json: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    func xml(_ name: String) -> String {
        var bytes: [UInt8] = []
        write(xml: &bytes, name)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the JSON form to `out`: one growing buffer of bytes for a whole list of a
    /// thousand requests, not a string per field joined on the way up.
    func write(json out: inout [UInt8]) {
        switch self {
        case .text(let text): JSONText.append(text, to: &out)
        case .time(let date, let offset):
            out.append(0x22)
            Timestamp.appendLocal(date, offset: offset, to: &out)
            out.append(0x22)
        case .number(let number): out.append(contentsOf: String(number).utf8)
        case .decimal(let number): out.append(contentsOf: (number.isFinite ? String(number) : "null").utf8)
        case .flag(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (index, (name, value)) in fields.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.append(name, to: &out)
                out.append(UInt8(ascii: ":"))
                value.write(json: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .list(_, let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(json: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
    }

    /// Appends the XML form, as the element `name`, to `out`.
    func write(xml out: inout [UInt8], _ name: String) {
        out.append(UInt8(ascii: "<"))
        out.append(contentsOf: name.utf8)
        switch self {
        case .null:
            out.append(contentsOf: "/>".utf8)
            return
        case .text(let text):
            out.append(UInt8(ascii: ">"))
            HTML.escape(text, into: &out)
        case .time(let date, let offset):
            out.append(UInt8(ascii: ">"))
            Timestamp.appendLocal(date, offset: offset, to: &out)
        case .number(let number): out.append(contentsOf: (">" + String(number)).utf8)
        case .decimal(let number): out.append(contentsOf: (">" + String(number)).utf8)
        case .flag(let flag): out.append(contentsOf: (flag ? ">true" : ">false").utf8)
        case .object(let fields):
            out.append(UInt8(ascii: ">"))
            for (field, value) in fields { value.write(xml: &out, field) }
        case .list(let item, let items):
            out.append(UInt8(ascii: ">"))
            for value in items { value.write(xml: &out, item) }
        }
        out.append(contentsOf: "</".utf8)
        out.append(contentsOf: name.utf8)
        out.append(UInt8(ascii: ">"))
    }

    /// The spec's error list: `[{"code": 404, "description": "…"}]`, `<errors><error>…`.
    static func errors(_ status: HTTPResponse.Status, _ description: String) -> Open311Document {
        .list(item: "error", [.object([("code", .number(status.code)), ("description", .text(description))])])
    }
}
