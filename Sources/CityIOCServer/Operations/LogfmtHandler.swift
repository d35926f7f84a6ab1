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
            let name = key == "hb.request.id" ? "request_id" : key.contains(".") ? key.replacingOccurrences(of: ".", with: "_") : key
            line += " \(name)=\(Self.quote(value.description))"
        }
        line += " logger=\(label)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func quote(_ value: String) -> String {
        if !value.isEmpty, value.allSatisfy({ $0.isLetter || $0.isNumber || "-_./:".contains($0) }) { return value }
        guard value.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return "\"\(value)\"" }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}
