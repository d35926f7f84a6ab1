import Foundation
import Logging

/// One line per event in logfmt (`ts=… level=… msg="…" request_id=…`), readable by people and
/// by log shippers. Hummingbird puts the request id in every request's logger metadata; it is
/// printed as `request_id`.
public struct LogfmtHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "ts=\(SQLTimestamp.format(Date())) level=\(event.level) msg=\(Self.quote(event.message.description))"
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        if let error = event.error { merged["error"] = "\(error)" }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            let name = key == "hb.request.id" ? "request_id" : key.utf8.contains(0x2E) ? key.replacingOccurrences(of: ".", with: "_") : key
            let text = key == "hb.request.path" ? Self.redacted(value.description) : value.description
            line += " \(name)=\(Self.quote(text))"
        }
        line += " logger=\(label)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// A request's path and query with the secrets some URLs carry replaced by `***`: a
    /// citizen's follow-up token (`/follow/…`, Open311 `tokens/…`), a wall's token (`/wall/…`,
    /// `wall=`), and keys or tokens sent in a query (`api_key=`, `token=`). Request lines are
    /// logged, secrets never are.
    static func redacted(_ uri: String) -> String {
        guard uri.contains("/follow/") || uri.contains("/wall/") || uri.contains("/tokens/") || uri.contains("=") else { return uri }
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var segments = parts[0].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for index in segments.indices.dropLast() where ["follow", "wall", "tokens"].contains(segments[index]) {
            let next = segments[index + 1]
            // Open311's `tokens/{token}.json` keeps its format.
            let dot = next.lastIndex(of: ".").map { String(next[$0...]) } ?? ""
            if !next.isEmpty { segments[index + 1] = "***" + (segments[index] == "tokens" ? dot : "") }
        }
        var result = segments.joined(separator: "/")
        if parts.count > 1 {
            let query = parts[1].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
                let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                return ["wall", "api_key", "token"].contains(name.lowercased()) ? "\(name)=***" : String(pair)
            }
            result += "?" + query.joined(separator: "&")
        }
        return result
    }

    /// A value as it is when it holds only letters, digits and `-_./:` (any non-ASCII byte
    /// counts as a letter: Vietnamese words stay readable), quoted otherwise. Looked at byte by
    /// byte: every request writes a line, and grapheme-by-grapheme tests showed in profiles.
    static func quote(_ value: String) -> String {
        let utf8 = value.utf8
        if !utf8.isEmpty, utf8.allSatisfy({ Self.bare[Int($0)] }) { return value }
        guard utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return "\"\(value)\"" }
        // Byte by byte, so a CR LF pair (one Character) is escaped too: a value never starts a line.
        var escaped: [UInt8] = [0x22]
        for byte in utf8 {
            switch byte {
            case 0x5C, 0x22: escaped += [0x5C, byte]
            case 0x0A: escaped += [0x5C, UInt8(ascii: "n")]
            case 0x0D: escaped += [0x5C, UInt8(ascii: "r")]
            default: escaped.append(byte)
            }
        }
        escaped.append(0x22)
        return String(decoding: escaped, as: UTF8.self)
    }

    private static let bare: [Bool] = (0..<256).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"): true
        default: byte >= 0x80
        }
    }
}
