import Hummingbird

/// HTML text in which every interpolated `String` is escaped. Only another `HTML` value goes in
/// as is, so markup cannot be injected by a ward name or a username.
public struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible, ResponseGenerator {
    public var raw: String

    public init(raw: String) { self.raw = raw }
    public init(stringLiteral value: String) { raw = value }
    public init(stringInterpolation: StringInterpolation) { raw = stringInterpolation.raw }
    public var description: String { raw }

    public struct StringInterpolation: StringInterpolationProtocol {
        var raw = ""
        public init(literalCapacity: Int, interpolationCount: Int) { raw.reserveCapacity(literalCapacity * 2) }
        public mutating func appendLiteral(_ literal: String) { raw += literal }
        public mutating func appendInterpolation(_ text: String) { raw += HTML.escape(text) }
        public mutating func appendInterpolation(_ text: String?) { raw += HTML.escape(text ?? "") }
        public mutating func appendInterpolation(_ html: HTML) { raw += html.raw }
        public mutating func appendInterpolation(_ html: [HTML]) { for part in html { raw += part.raw } }
        public mutating func appendInterpolation(_ number: Int) { raw += String(number) }
        public mutating func appendInterpolation(_ text: some CustomStringConvertible) { raw += HTML.escape(text.description) }
    }

    /// Escapes on UTF-8 bytes: the five special characters are ASCII, so a byte scan is exact,
    /// and most names (Vietnamese included) contain none and are returned as they are.
    public static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count + 16)
        escape(text, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` escaped to bytes (Open311's XML).
    static func escape(_ text: String, into out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case 0x26: out.append(contentsOf: "&amp;".utf8)
            case 0x3C: out.append(contentsOf: "&lt;".utf8)
            case 0x3E: out.append(contentsOf: "&gt;".utf8)
            case 0x22: out.append(contentsOf: "&quot;".utf8)
            case 0x27: out.append(contentsOf: "&#39;".utf8)
            default: out.append(byte)
            }
        }
    }

    public static func join(_ parts: [HTML], separator: HTML = "") -> HTML {
        HTML(raw: parts.map(\.raw).joined(separator: separator.raw))
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response(status: .ok)
    }

    /// The page with another status: a form shown again with its error is a 422, so scripts and
    /// tests can tell a refusal from a success.
    public func response(status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: raw)))
    }
}
