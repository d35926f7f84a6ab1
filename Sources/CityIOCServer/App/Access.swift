import CityIOCDomain
import Hummingbird

/// Who may call a route. Every route is registered with one (`Router.on(_:_:_:use:)`), so the
/// answer is written next to the path rather than somewhere inside the handler.
public enum Access: Sendable {
    /// Anyone, signed in or not (the login page, public data, health checks).
    case anyone
    /// Any signed-in person or API key.
    case signedIn
    /// Those whose role has this permission, as `AccessPolicy` decides.
    case permission(Permission)

    func check(_ principal: Principal) throws(AccessError) {
        switch self {
        case .anyone: return
        case .signedIn:
            guard principal.isAuthenticated else { throw .signInRequired }
        case .permission(let permission):
            guard principal.isAuthenticated else { throw .signInRequired }
            guard AccessPolicy.allows(principal, permission) else { throw .forbidden }
        }
    }
}

public enum AccessError: Error, Sendable {
    case signInRequired
    case forbidden
    /// An unsafe request whose CSRF token is missing or wrong.
    case badCSRFToken
    /// A bearer token that is not a live API key.
    case invalidApiKey
}

/// A client's mistake that a handler found: shown on the page or sent as a problem document.
public struct ClientError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var message: Text
    public var validation: ValidationError?
    /// Rows of a set of values (an API body, an import) refused, each with its reason.
    public var rows: [RejectedRow]?
    /// For the rows' messages: the catalogue entries they name.
    var rowIndicators: [Indicator.Code: Indicator] = [:]

    public init(_ status: HTTPResponse.Status = .badRequest, _ message: Text, validation: ValidationError? = nil) {
        self.status = status
        self.message = message
        self.validation = validation
    }
}

extension Router where Context == AppRequestContext {
    /// Registers a route together with who may call it.
    @discardableResult
    func on<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method, _ path: RouterPath, _ access: Access,
        use handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) -> Self {
        self.on(path, method: method) { request, context -> Output in
            try access.check(context.principal)
            return try await handler(request, context)
        }
    }
}
