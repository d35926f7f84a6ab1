import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PostgresNIO

/// Turns every error into the answer its caller can read: a problem document for the API and
/// machines, a page in the visitor's language for people, a redirect to the login page for a
/// person who is not signed in. Only unexpected errors are 500s, and they are logged with
/// the request id that the page shows.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return respond(to: error, request: request, context: context)
        }
    }

    struct Outcome {
        var status: HTTPResponse.Status
        var slug: String
        var message: Text
        var validation: ValidationError?
        var headers: HTTPFields = [:]
        var rows: [RejectedRow]?
        var rowIndicators: [Indicator.Code: Indicator] = [:]

        /// The same refusal in NGSI-LD's terms.
        func ngsi(_ language: Language) -> NGSIError {
            let kind: NGSIError.Kind =
                switch status.code {
                case 401: .unauthorized
                case 403: .forbidden
                case 404: .resourceNotFound
                case 405: .operationNotSupported
                case 409: .alreadyExists
                case 413: .payloadTooLarge
                case 415: .unsupportedMediaType
                case 503: .ldContextNotAvailable
                case 400..<500: .badRequestData
                default: .internalError
                }
            return NGSIError(kind, message(language))
        }
    }

    func outcome(of error: any Error, context: Context) -> Outcome {
        switch error {
        case let error as AccessError:
            switch error {
            case .signInRequired:
                var headers = HTTPFields()
                headers[.wwwAuthenticate] = "Bearer realm=\"cityioc\""
                return Outcome(
                    status: .unauthorized, slug: "sign-in-required",
                    message: Text(vi: "Cần đăng nhập hoặc khóa API.", en: "Sign in or send an API key."), headers: headers)
            case .forbidden: return Outcome(status: .forbidden, slug: "forbidden", message: .forbidden)
            case .badCSRFToken: return Outcome(status: .forbidden, slug: "csrf", message: .sessionExpiredForm)
            case .invalidApiKey:
                var headers = HTTPFields()
                headers[.wwwAuthenticate] = "Bearer realm=\"cityioc\", error=\"invalid_token\""
                return Outcome(
                    status: .unauthorized, slug: "invalid-api-key",
                    message: Text(vi: "Khóa API không hợp lệ hoặc đã bị thu hồi.", en: "The API key is not valid or was revoked."),
                    headers: headers)
            }
        case let error as WorkflowError:
            if case .notAllowed = error { return Outcome(status: .forbidden, slug: "forbidden", message: .forbidden) }
            return Outcome(
                status: .unprocessableContent, slug: "workflow",
                message: Text(vi: "Không thể thực hiện bước này.", en: "This step is not possible."))
        case let error as Open311Error:
            return Outcome(status: error.status, slug: "open311", message: error.message)
        case let error as ClientError:
            var outcome = Outcome(status: error.status, slug: error.rows == nil ? "bad-request" : "rejected-rows", message: error.message, validation: error.validation)
            outcome.rows = error.rows
            outcome.rowIndicators = error.rowIndicators
            return outcome
        case let error as ValidationError:
            return Outcome(
                status: .unprocessableContent, slug: "validation",
                message: Text(vi: error.message(.vi), en: error.message(.en)), validation: error)
        case let error as StoreError:
            switch error {
            case .notFound: return Outcome(status: .notFound, slug: "not-found", message: .notFound)
            case .duplicate:
                return Outcome(
                    status: .conflict, slug: "conflict",
                    message: Text(vi: "Bản ghi với mã này đã tồn tại.", en: "A record with this code already exists."))
            case .unknownReference:
                return Outcome(
                    status: .unprocessableContent, slug: "unknown-reference",
                    message: Text(vi: "Bản ghi tham chiếu không tồn tại.", en: "A referenced record does not exist."))
            case .unavailable:
                return Outcome(status: .serviceUnavailable, slug: "unavailable", message: .unavailable)
            case .corruptRow, .newerSchema:
                return Outcome(status: .internalServerError, slug: "internal", message: .serverError)
            }
        case let error as DecodingError:
            let detail = Self.describe(error)
            return Outcome(
                status: .badRequest, slug: "malformed-json",
                message: Text(vi: "Nội dung JSON không hợp lệ: \(detail)", en: "The JSON body is not valid: \(detail)"))
        case let error as any HTTPResponseError:
            switch error.status {
            case .notFound: return Outcome(status: .notFound, slug: "not-found", message: .notFound)
            case .contentTooLarge: return Outcome(status: .contentTooLarge, slug: "too-large", message: .tooLarge)
            case .methodNotAllowed:
                return Outcome(
                    status: .methodNotAllowed, slug: "method-not-allowed",
                    message: Text(vi: "Phương thức không được hỗ trợ.", en: "This method is not allowed here."))
            default:
                if error.status.code < 500 {
                    return Outcome(status: error.status, slug: "bad-request", message: .badRequest)
                }
                return Outcome(status: .internalServerError, slug: "internal", message: .serverError)
            }
        default:
            return Outcome(status: .internalServerError, slug: "internal", message: .serverError)
        }
    }

    func respond(to error: any Error, request: Request, context: Context) -> Response {
        var outcome = outcome(of: error, context: context)
        if outcome.status.code >= 500 {
            context.logger.error("request failed", metadata: ["error": "\(Self.loggable(error))", "path": "\(request.uri.path)"])
        } else {
            context.logger.debug("request refused", metadata: ["status": "\(outcome.status.code)", "reason": "\(outcome.slug)"])
        }
        let language = LanguagePreference.resolve(request: request, user: nil)
        if PathKind(request.uri.path) == .ngsiLD {
            return Self.ngsiProblem(error as? NGSIError ?? outcome.ngsi(language), request: request, headers: outcome.headers)
        }
        if PathKind(request.uri.path) == .open311 {
            let format: Open311Document.Format = request.uri.path.lowercased().hasSuffix(".xml") ? .xml : .json
            return Open311Document.errors(outcome.status, outcome.message(language)).response(format, root: "errors", status: outcome.status)
        }
        if Self.wantsProblem(request) {
            var problem = ProblemDetails(
                status: outcome.status, slug: outcome.slug, detail: outcome.message(language), instance: request.uri.path,
                requestID: context.id)
            if let validation = outcome.validation {
                problem.errors = [.init(field: validation.field, reason: validation.reason.rawValue)]
            }
            problem.rows = outcome.rows?.map { ProblemDetails.RowProblem($0, language, catalogue: outcome.rowIndicators) }
            return problem.response(headers: outcome.headers)
        }
        if outcome.status == .unauthorized, request.method == .get {
            let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return Response.redirect(to: "/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        }
        outcome.headers[.contentType] = "text/html; charset=utf-8"
        let page = ErrorPage(status: outcome.status, message: outcome.message(language), requestID: context.id, language: language)
        return Response(status: outcome.status, headers: outcome.headers, body: .init(byteBuffer: ByteBuffer(string: page.render().raw)))
    }

    /// NGSI-LD's error format: ProblemDetails with the spec's type URI, as `application/json`.
    static func ngsiProblem(_ error: NGSIError, request: Request, headers extra: HTTPFields) -> Response {
        var members: [String: JSON] = ["type": .string(error.kind.type), "title": .string(error.title), "status": .number(Double(error.kind.status))]
        if !error.detail.isEmpty { members["detail"] = .string(error.detail) }
        members["instance"] = .string(request.uri.path)
        var headers = extra
        headers[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: error.kind.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: JSON.object(members).text)))
    }

    /// Machines get problem documents: the API, the operational endpoints, and any client that
    /// asks for JSON rather than HTML.
    static func wantsProblem(_ request: Request) -> Bool {
        if PathKind(request.uri.path) == .api { return true }
        let accept = request.headers[.accept] ?? ""
        return accept.contains("json") && !accept.contains("text/html")
    }

    /// What of an error may go into a log: never a query's bound values (a password hash, a
    /// token's hash), which a driver's debug description would include.
    static func loggable(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState] ?? "-"
            let message = error.serverInfo?[.message] ?? "-"
            return "PSQLError code=\(error.code) sqlstate=\(state) message=\(message)"
        }
        return String(describing: error)
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context): return context.debugDescription
        case .keyNotFound(let key, _): return "missing field \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "wrong type at \"\(path)\""
        @unknown default: return "unreadable"
        }
    }
}

/// Adds `X-Request-Id` to every response, so a person reporting a problem can quote it and an
/// operator can find the log lines; and the headers that keep browsers strict: only this
/// server's own scripts and styles, no framing, no type sniffing.
struct ResponseHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.requestID] = context.id
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "same-origin"
        response.headers[.xFrameOptions] = "DENY"
        return response
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}
