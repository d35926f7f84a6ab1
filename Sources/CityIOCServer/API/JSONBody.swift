import Foundation
import Hummingbird

/// A JSON response: keys sorted, dates as ISO 8601, so clients and tests see stable output.
struct JSONBody<Value: Encodable & Sendable>: ResponseGenerator, Sendable {
    var value: Value
    var status: HTTPResponse.Status = .ok

    init(_ value: Value, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A list with its count, the shape of every collection the API returns.
struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    var items: [Item]
    var count: Int
    /// For the audit log: pass as `before` to get the next (older) page.
    var next: String?

    init(_ items: [Item], next: String? = nil) {
        self.items = items
        self.count = items.count
        self.next = next
    }
}

extension Request {
    /// Decodes a JSON body, answering 415 for another media type and 400 for bad JSON.
    func decodeJSON<T: Decodable>(_ type: T.Type, context: AppRequestContext) async throws -> T {
        guard let contentType = headers[.contentType], contentType.lowercased().hasPrefix("application/json") else {
            throw ClientError(
                .unsupportedMediaType,
                Text(vi: "Nội dung phải là application/json.", en: "The body must be application/json."))
        }
        var request = self
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw error
        }
    }
}
