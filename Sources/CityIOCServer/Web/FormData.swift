import CityIOCDomain
import Foundation
import Hummingbird

/// The fields of a form body: `application/x-www-form-urlencoded`, or `multipart/form-data` with
/// files (a report's photos, Open311's `media`).
public struct FormData: Sendable {
    public var fields: [String: [String]] = [:]
    /// Files by field name; a file input left empty sends none.
    public var files: [String: [Attachment.Upload]] = [:]

    public init(encoded: String) {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            fields[name, default: []].append(value)
        }
    }

    /// The parts of a `multipart/form-data` body: those with a file name are files.
    public init(multipart body: Data, boundary: String) throws(MIMEParts.Problem) {
        for part in try MIMEParts.parts(of: body, boundary: boundary) {
            guard let name = part.fieldName else { continue }
            if part.headers["content-disposition"].flatMap({ MIMEParts.parameter("filename", in: $0) ?? MIMEParts.parameter("filename*", in: $0) }) != nil {
                guard !part.body.isEmpty else { continue }
                files[name, default: []].append(Attachment.Upload(fileName: part.fileName, data: part.body))
            } else {
                fields[name, default: []].append(String(decoding: part.body, as: UTF8.self))
            }
        }
    }

    public init(request: Request, context: AppRequestContext) async throws {
        if let form = context.form {
            self = form
            return
        }
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        self = try Self.parse(body: buffer, contentType: request.headers[.contentType])
    }

    /// A body as its declared type says: multipart when it says so (a 400 when it is not), else URL-encoded.
    static func parse(body: ByteBuffer, contentType: String?) throws -> FormData {
        if let contentType, contentType.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = MIMEParts.parameter("boundary", in: contentType), !boundary.isEmpty,
                let form = try? FormData(multipart: Data(buffer: body), boundary: boundary)
            else {
                throw ClientError(
                    .badRequest, Text(vi: "Dữ liệu biểu mẫu (multipart) không đọc được.", en: "The multipart form body could not be read."))
            }
            return form
        }
        return FormData(encoded: String(buffer: body))
    }

    /// Every file sent, whatever its field.
    public var allFiles: [Attachment.Upload] { files.keys.sorted().flatMap { files[$0] ?? [] } }

    public subscript(name: String) -> String? { fields[name]?.first }

    /// Every value of a repeated field (checkboxes).
    public func all(_ name: String) -> [String] { fields[name] ?? [] }

    /// The field trimmed, nil when missing or blank.
    public func text(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    public func flag(_ name: String) -> Bool { ["on", "true", "1", "yes"].contains(self[name] ?? "") }

    /// `+` as a space and `%XX` as a byte, over the UTF-8 bytes (Foundation's string methods
    /// took a tenth of a report's intake); a `%` not followed by two hex digits stays as it is.
    static func decode(_ part: Substring) -> String {
        let utf8 = part.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return String(part) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), let high = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), high < utf8.endIndex,
                let low = utf8.index(high, offsetBy: 1, limitedBy: utf8.endIndex), low < utf8.endIndex, let h = hex(utf8[high]), let l = hex(utf8[low])
            {
                bytes.append(h << 4 | l)
                index = low
            } else {
                bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
