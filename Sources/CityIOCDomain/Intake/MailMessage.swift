import Foundation

/// An e-mail as a mail gateway hands it over (RFC 5322 with MIME): its sender, its subject, its
/// readable text and the files attached to it.
public struct MailMessage: Sendable, Equatable {
    public var fromName: String?
    public var fromAddress: String?
    public var subject: String
    public var text: String
    public var messageID: String?
    public var attachments: [Attachment] = []

    /// A file sent with the message, its transfer encoding undone.
    public struct Attachment: Sendable, Equatable {
        public var fileName: String?
        /// What the sender's mail program said it is; what it really is comes from its bytes.
        public var contentType: String
        public var data: Data
    }

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
    /// quoted-printable, and the other parts as attachments.
    public init(raw: Data) throws(Problem) {
        let (headers, body) = MIMEParts.split(raw)
        guard !headers.isEmpty else { throw .noHeaders }
        let (name, address) = Self.mailbox(headers["from"].map(Self.decodeWords) ?? "")
        fromName = name
        fromAddress = address
        subject = headers["subject"].map(Self.decodeWords) ?? ""
        messageID = headers["message-id"]
        let (readable, attachments) = Self.contents(headers: headers, body: body)
        text = readable.trimmingCharacters(in: .whitespacesAndNewlines)
        self.attachments = attachments
        guard !text.isEmpty || !subject.isEmpty else { throw .noText }
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
        String(decoding: decodeBytes(body, encoding: encoding), as: UTF8.self)
    }

    /// A part's bytes with its transfer encoding (base64, quoted-printable) undone.
    static func decodeBytes(_ body: Data, encoding: String?) -> Data {
        switch encoding?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "base64": return Data(base64Encoded: String(decoding: body, as: UTF8.self), options: .ignoreUnknownCharacters) ?? Data()
        case "quoted-printable": return quotedPrintable(String(decoding: body, as: UTF8.self))
        default: return body
        }
    }

    /// The text a person wrote: plain text first, else HTML without its tags; nested multiparts
    /// followed. Parts that are files (a name, or a type other than text) are attachments.
    static func contents(headers: [String: String], body: Data, depth: Int = 0) -> (text: String, attachments: [Attachment]) {
        let type = (headers["content-type"] ?? "text/plain").lowercased()
        if type.hasPrefix("multipart/"), depth < 5, let boundary = MIMEParts.parameter("boundary", in: headers["content-type"] ?? ""),
            let parts = try? MIMEParts.parts(of: body, boundary: boundary)
        {
            var text: String?
            var html: String?
            var attachments: [Attachment] = []
            for part in parts {
                let partType = part.contentType
                let disposition = (part.headers["content-disposition"] ?? "").lowercased()
                if partType.hasPrefix("multipart/") {
                    let (found, inner) = contents(headers: part.headers, body: part.body, depth: depth + 1)
                    if text == nil, !found.isEmpty { text = found }
                    attachments += inner
                } else if !disposition.hasPrefix("attachment"), part.fileName == nil, partType == "text/plain" {
                    if text == nil { text = contents(headers: part.headers, body: part.body, depth: depth + 1).text }
                } else if !disposition.hasPrefix("attachment"), part.fileName == nil, partType == "text/html" {
                    if html == nil { html = contents(headers: part.headers, body: part.body, depth: depth + 1).text }
                } else {
                    attachments.append(
                        Attachment(fileName: part.fileName, contentType: partType, data: decodeBytes(part.body, encoding: part.headers["content-transfer-encoding"])))
                }
            }
            return (text.flatMap { $0.isEmpty ? nil : $0 } ?? html ?? "", attachments)
        }
        let decoded = decodeBody(body, encoding: headers["content-transfer-encoding"]).replacingOccurrences(of: "\r\n", with: "\n")
        if type.hasPrefix("text/html") {
            let plain = decoded.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
                .replacingOccurrences(of: "&nbsp;", with: " ").replacingOccurrences(of: "[ \t]+", with: " ", options: .regularExpression)
            return (plain, [])
        }
        return (type.hasPrefix("text/") ? decoded : "", [])
    }
}
