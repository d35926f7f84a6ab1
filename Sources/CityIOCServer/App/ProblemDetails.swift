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

    /// Rows of a set of values that were refused (nothing of the set is written).
    var rows: [RowProblem]?

    struct FieldProblem: Codable, Sendable {
        var field: String
        var reason: String
    }

    /// A refused row as the API tells it (in a 422 problem, and in a `valid-only` answer).
    struct RowProblem: Codable, Sendable {
        var row: Int
        var field: String
        var reason: String
        var given: String
        /// The reason in the caller's language.
        var message: String

        init(_ refused: RejectedRow, _ language: Language, catalogue: [Indicator.Code: Indicator]) {
            row = refused.number
            field = refused.field
            reason = refused.reason.rawValue
            given = refused.given
            message = refused.message(language, indicator: refused.indicator.flatMap { catalogue[$0] })
        }
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
