import Foundation

/// The errors of the NGSI-LD API (ETSI GS CIM 009, clause 5.5.2, table "error types"), each with
/// the type URI and HTTP status the specification gives it. The API writes them as
/// ProblemDetails (RFC 9457) with the spec's `type`.
public struct NGSIError: Error, Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case invalidRequest = "InvalidRequest"
        case badRequestData = "BadRequestData"
        case alreadyExists = "AlreadyExists"
        case operationNotSupported = "OperationNotSupported"
        case resourceNotFound = "ResourceNotFound"
        case internalError = "InternalError"
        case tooComplexQuery = "TooComplexQuery"
        case tooManyResults = "TooManyResults"
        case ldContextNotAvailable = "LdContextNotAvailable"
        case noMultiTenantSupport = "NoMultiTenantSupport"
        case nonexistentTenant = "NonexistentTenant"
        case unsupportedMediaType = "UnsupportedMediaType"
        case notAcceptable = "NotAcceptable"
        case payloadTooLarge = "PayloadTooLarge"
        case unauthorized = "Unauthorized"
        case forbidden = "Forbidden"

        public var status: Int {
            switch self {
            case .invalidRequest, .badRequestData: 400
            case .alreadyExists: 409
            case .operationNotSupported: 422
            case .resourceNotFound, .nonexistentTenant: 404
            case .internalError: 500
            case .tooComplexQuery, .tooManyResults: 403
            case .ldContextNotAvailable: 503
            case .noMultiTenantSupport: 501
            case .unsupportedMediaType: 415
            case .notAcceptable: 406
            case .payloadTooLarge: 413
            case .unauthorized: 401
            case .forbidden: 403
            }
        }

        /// `https://uri.etsi.org/ngsi-ld/errors/BadRequestData`; the HTTP-level ones are not
        /// in the spec's table and get their own words under the same base.
        public var type: String { "https://uri.etsi.org/ngsi-ld/errors/" + rawValue }
    }

    public var kind: Kind
    public var title: String
    public var detail: String

    public init(_ kind: Kind, _ title: String, detail: String = "") {
        self.kind = kind
        self.title = title
        self.detail = detail
    }

    public static func badData(_ title: String, _ detail: String = "") -> NGSIError { NGSIError(.badRequestData, title, detail: detail) }
    public static func invalid(_ title: String, _ detail: String = "") -> NGSIError { NGSIError(.invalidRequest, title, detail: detail) }
    public static func notFound(_ title: String, _ detail: String = "") -> NGSIError { NGSIError(.resourceNotFound, title, detail: detail) }
}
