import Foundation

/// MIME bodies as bytes: the headers of an entity, and the parts of a multipart body (RFC 2046).
/// One reader for the two places CityIOC meets them: forms with files (`multipart/form-data`,
/// RFC 7578) and e-mail. Bytes stay bytes: a photo is never turned into a string on the way.
public enum MIMEParts {
    public struct Part: Sendable, Equatable {
        /// Headers by lower-cased name (the first of each), folded lines joined.
        public var headers: [String: String]
        public var body: Data

        public init(headers: [String: String], body: Data) {
            self.headers = headers
            self.body = body
        }

        /// The form field a part answers (`Content-Disposition: form-data; name="…"`).
        public var fieldName: String? { headers["content-disposition"].flatMap { MIMEParts.parameter("name", in: $0) } }

        /// The file name a sender gave (`filename*=UTF-8''…` preferred), without any folder.
        public var fileName: String? {
            let disposition = headers["content-disposition"] ?? ""
            let named =
                MIMEParts.parameter("filename*", in: disposition) ?? MIMEParts.parameter("filename", in: disposition)
                ?? headers["content-type"].flatMap { MIMEParts.parameter("name", in: $0) }
            guard let named else { return nil }
            let base = named.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
            return base.isEmpty ? nil : String(MailMessage.decodeWords(base).prefix(200))
        }

        /// The declared type without parameters, lower-cased (`text/plain` when none).
        public var contentType: String {
            (headers["content-type"] ?? "text/plain").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? "text/plain"
        }
    }

    public enum Problem: Error, Sendable, Equatable {
        /// No delimiter line was found.
        case noParts
        /// More parts than a sender may send in one body.
        case tooManyParts
    }

    /// The parts between `--boundary` lines, up to the closing `--boundary--`. Lines may end in
    /// CRLF (HTTP) or LF (mail handed over by some gateways); the line break before a delimiter
    /// belongs to the delimiter, so a part's bytes come back exactly as sent.
    public static func parts(of body: Data, boundary: String, limit: Int = 200) throws(Problem) -> [Part] {
        let bytes = [UInt8](body)
        let dash = Array(("--" + boundary).utf8)
        var parts: [Part] = []
        // Each delimiter starts a line: at the very start or just after a line feed.
        var cursor = 0
        var partStart = 0
        var opened = false
        while let found = find(dash, in: bytes, from: cursor) {
            let atLineStart = found == 0 || bytes[found - 1] == 10
            guard atLineStart else {
                cursor = found + 1
                continue
            }
            if opened {
                // The previous part runs to the line break before this delimiter.
                var end = found - 1
                if end > 0, bytes[end - 1] == 13 { end -= 1 }
                let (headers, content) = split(Data(bytes[partStart..<max(partStart, end)]))
                parts.append(Part(headers: headers, body: content))
                guard parts.count <= limit else { throw .tooManyParts }
            }
            var next = found + dash.count
            if next + 1 < bytes.count, bytes[next] == 45, bytes[next + 1] == 45 { return parts }  // "--": the closing delimiter
            // Skip the rest of the delimiter line (transport padding) and its line break.
            while next < bytes.count, bytes[next] != 10 { next += 1 }
            cursor = min(next + 1, bytes.count)
            partStart = cursor
            opened = true
        }
        guard opened else { throw .noParts }
        // A body cut short after its last part: keep what was complete.
        return parts
    }

    /// Where `needle` first occurs in `bytes` at or after `start`.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, bytes.count - start >= needle.count else { return nil }
        var index = start
        let last = bytes.count - needle.count
        while index <= last {
            guard let hit = bytes[index...last].firstIndex(of: first) else { return nil }
            var matched = 1
            while matched < needle.count, bytes[hit + matched] == needle[matched] { matched += 1 }
            if matched == needle.count { return hit }
            index = hit + 1
        }
        return nil
    }

    /// Headers by lower-cased name (the first of each), and the body's bytes after the blank line.
    public static func split(_ raw: Data) -> ([String: String], Data) {
        let bytes = [UInt8](raw)
        var end = bytes.count
        var bodyStart = bytes.count
        // A part with no headers starts with its blank line.
        if bytes.starts(with: [13, 10]) {
            (end, bodyStart) = (0, 2)
        } else if bytes.first == 10 {
            (end, bodyStart) = (0, 1)
        } else {
            var index = 0
            while index < bytes.count {
                if bytes[index] == 10 {
                    if index + 1 < bytes.count, bytes[index + 1] == 10 { (end, bodyStart) = (index, index + 2); break }
                    if index + 2 < bytes.count, bytes[index + 1] == 13, bytes[index + 2] == 10 { (end, bodyStart) = (index, index + 3); break }
                }
                index += 1
            }
        }
        let head = String(decoding: bytes[0..<end], as: UTF8.self).replacingOccurrences(of: "\r", with: "")
        var headers: [String: String] = [:]
        var current: (String, String)?
        for line in head.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t", current != nil {
                current!.1 += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            if let (name, value) = current, headers[name] == nil { headers[name] = value }
            guard let colon = line.firstIndex(of: ":") else { current = nil; continue }
            current = (line[..<colon].lowercased().trimmingCharacters(in: .whitespaces), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        if let (name, value) = current, headers[name] == nil { headers[name] = value }
        return (headers, Data(bytes[min(bodyStart, bytes.count)...]))
    }

    /// A parameter of a header value (`boundary`, `name`, `filename`), quoted or not; a
    /// semicolon inside quotes is part of the value. `name*` takes RFC 5987's `UTF-8''%E1%BB%…`.
    public static func parameter(_ name: String, in header: String) -> String? {
        var index = header.firstIndex(of: ";")
        while let start = index {
            var cursor = header.index(after: start)
            while cursor < header.endIndex, header[cursor] == " " || header[cursor] == "\t" { cursor = header.index(after: cursor) }
            guard let equals = header[cursor...].firstIndex(of: "=") else { return nil }
            let key = header[cursor..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = ""
            var position = header.index(after: equals)
            while position < header.endIndex, header[position] == " " { position = header.index(after: position) }
            if position < header.endIndex, header[position] == "\"" {
                position = header.index(after: position)
                while position < header.endIndex, header[position] != "\"" {
                    if header[position] == "\\", header.index(after: position) < header.endIndex { position = header.index(after: position) }
                    value.append(header[position])
                    position = header.index(after: position)
                }
                if position < header.endIndex { position = header.index(after: position) }
            } else {
                while position < header.endIndex, header[position] != ";" {
                    value.append(header[position])
                    position = header.index(after: position)
                }
                value = value.trimmingCharacters(in: .whitespaces)
            }
            if key == name.lowercased() {
                if name.hasSuffix("*") {
                    // charset'language'percent-encoded
                    let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    return pieces.count == 3 ? String(pieces[2]).removingPercentEncoding : nil
                }
                return value
            }
            index = header[position...].firstIndex(of: ";")
        }
        return nil
    }
}
