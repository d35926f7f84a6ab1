import Foundation

/// An e-mail as a mail gateway hands it over (RFC 5322 with MIME): its sender, its subject and its
/// readable text. Enough to take a citizen's report from a message; attachments are not read yet.
public struct MailMessage: Sendable, Equatable {
    public var fromName: String?
    public var fromAddress: String?
    public var subject: String
    public var text: String
    public var messageID: String?

    public enum Problem: Error, Sendable, Equatable {
        case noHeaders
        case noText
    }

    public init(fromName: String?, fromAddress: String?, subject: String, text: String, messageID: String?) {
        self.fromName = fromName
        self.fromAddress = fromAddress
        self.subject = subject
        self.text = text
        self.messageID = messageID
    }

    /// Parses a raw message: headers (folded lines joined, RFC 2047 words decoded), then the
    /// body's first `text/plain` part (or an HTML part with its tags removed), undoing base64 or
    /// quoted-printable.
    public init(raw: Data) throws(Problem) {
        let (headers, body) = Self.split(raw)
        guard !headers.isEmpty else { throw .noHeaders }
        let (name, address) = Self.mailbox(headers["from"].map(Self.decodeWords) ?? "")
        fromName = name
        fromAddress = address
        subject = headers["subject"].map(Self.decodeWords) ?? ""
        messageID = headers["message-id"]
        text = Self.readableText(headers: headers, body: body).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty || !subject.isEmpty else { throw .noText }
    }

    /// Headers by lower-cased name (the first of each), and the body's bytes.
    static func split(_ raw: Data) -> ([String: String], Data) {
        let bytes = [UInt8](raw)
        var end = bytes.count
        var bodyStart = bytes.count
        var index = 0
        while index < bytes.count {
            if bytes[index] == 10 {
                if index + 1 < bytes.count, bytes[index + 1] == 10 { (end, bodyStart) = (index, index + 2); break }
                if index + 2 < bytes.count, bytes[index + 1] == 13, bytes[index + 2] == 10 { (end, bodyStart) = (index, index + 3); break }
            }
            index += 1
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

    /// `"Nguyễn Văn A" <a@example.vn>` or `a@example.vn` → (name, address).
    static func mailbox(_ value: String) -> (String?, String?) {
        if let open = value.lastIndex(of: "<"), let close = value.lastIndex(of: ">"), open < close {
            let name = value[..<open].trimmingCharacters(in: CharacterSet(charactersIn: " \""))
            return (name.isEmpty ? nil : name, String(value[value.index(after: open)..<close]).trimmingCharacters(in: .whitespaces))
        }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return (nil, trimmed.contains("@") ? trimmed : nil)
    }

    /// RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?utf-8?Q?…?=`) decoded; other text kept.
    public static func decodeWords(_ value: String) -> String {
        var result = ""
        var rest = Substring(value)
        var lastWasWord = false
        while let start = rest.range(of: "=?") {
            let before = rest[..<start.lowerBound]
            // Whitespace between two encoded words is not part of the text.
            if !(lastWasWord && before.allSatisfy(\.isWhitespace)) { result += before }
            let afterStart = rest[start.upperBound...]
            let parts = afterStart.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[3].hasPrefix("="), let decoded = decodeWord(encoding: String(parts[1]), text: String(parts[2])) else {
                result += "=?"
                rest = afterStart
                lastWasWord = false
                continue
            }
            result += decoded
            rest = parts[3].dropFirst()
            lastWasWord = true
        }
        return result + rest
    }

    static func decodeWord(encoding: String, text: String) -> String? {
        switch encoding.uppercased() {
        case "B": return Data(base64Encoded: text, options: .ignoreUnknownCharacters).map { String(decoding: $0, as: UTF8.self) }
        case "Q": return String(decoding: quotedPrintable(text.replacingOccurrences(of: "_", with: " ")), as: UTF8.self)
        default: return nil
        }
    }

    static func quotedPrintable(_ text: String) -> Data {
        var out = [UInt8]()
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "=") {
                if index + 1 < bytes.count, bytes[index + 1] == 10 { index += 2; continue }  // soft line break
                if index + 2 < bytes.count, bytes[index + 1] == 13, bytes[index + 2] == 10 { index += 3; continue }
                if index + 2 < bytes.count, let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                    out.append(value)
                    index += 3
                    continue
                }
            }
            out.append(bytes[index])
            index += 1
        }
        return Data(out)
    }

    static func decodeBody(_ body: Data, encoding: String?) -> String {
        switch encoding?.lowercased() {
        case "base64": return Data(base64Encoded: String(decoding: body, as: UTF8.self), options: .ignoreUnknownCharacters).map { String(decoding: $0, as: UTF8.self) } ?? ""
        case "quoted-printable": return String(decoding: quotedPrintable(String(decoding: body, as: UTF8.self)), as: UTF8.self)
        default: return String(decoding: body, as: UTF8.self)
        }
    }

    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    /// The text a person wrote: plain text first, else HTML without its tags; nested multiparts followed.
    static func readableText(headers: [String: String], body: Data, depth: Int = 0) -> String {
        let type = (headers["content-type"] ?? "text/plain").lowercased()
        if type.hasPrefix("multipart/"), depth < 5, let boundary = parameter("boundary", in: headers["content-type"] ?? "") {
            let text = String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            let parts = text.components(separatedBy: "--" + boundary).dropFirst().filter { !$0.hasPrefix("--") }
            var html: String?
            for part in parts {
                let (partHeaders, partBody) = split(Data(part.drop { $0 == "\n" }.utf8))
                let partType = (partHeaders["content-type"] ?? "text/plain").lowercased()
                if partType.hasPrefix("text/plain") || partType.hasPrefix("multipart/") {
                    let found = readableText(headers: partHeaders, body: partBody, depth: depth + 1)
                    if !found.isEmpty { return found }
                } else if partType.hasPrefix("text/html"), html == nil {
                    html = readableText(headers: partHeaders, body: partBody, depth: depth + 1)
                }
            }
            return html ?? ""
        }
        let decoded = decodeBody(body, encoding: headers["content-transfer-encoding"])
        if type.hasPrefix("text/html") {
            return decoded.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
                .replacingOccurrences(of: "&nbsp;", with: " ").replacingOccurrences(of: "[ \t]+", with: " ", options: .regularExpression)
        }
        return type.hasPrefix("text/") ? decoded : ""
    }
}
