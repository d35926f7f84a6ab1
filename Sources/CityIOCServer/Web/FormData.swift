import Foundation
import Hummingbird

/// The fields of an `application/x-www-form-urlencoded` body.
public struct FormData: Sendable {
    public var fields: [String: [String]] = [:]

    public init(encoded: String) {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            fields[name, default: []].append(value)
        }
    }

    public init(request: Request, context: AppRequestContext) async throws {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        self.init(encoded: String(buffer: buffer))
    }

    public subscript(name: String) -> String? { fields[name]?.first }

    /// Every value of a repeated field (checkboxes).
    public func all(_ name: String) -> [String] { fields[name] ?? [] }

    /// The field trimmed, nil when missing or blank.
    public func text(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    public func flag(_ name: String) -> Bool { ["on", "true", "1", "yes"].contains(self[name] ?? "") }

    static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
