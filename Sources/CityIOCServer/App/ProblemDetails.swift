import CityIOCDomain
import Foundation
import Hummingbird

/// An error for API clients, as RFC 9457 `application/problem+json`.
struct ProblemDetails: Codable, Sendable {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var instance: String?
    var requestId: String?
    var errors: [FieldProblem]?

    struct FieldProblem: Codable, Sendable {
        var field: String
        var reason: String
    }

    init(status: HTTPResponse.Status, slug: String, detail: String, instance: String?, requestID: String?) {
        self.type = "urn:cityioc:problem:\(slug)"
        self.title = status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.instance = instance
        self.requestId = requestID
    }

    func response(headers extra: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        var headers = extra
        headers[.contentType] = "application/problem+json"
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
