import CityIOCDomain
import Hummingbird
import NIOCore

/// What CityIOC knows about a request once `PrincipalMiddleware` has looked at it.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Who is calling; `.anonymous` until a session or an API key says otherwise.
    public var principal: Principal = .anonymous
    /// The signed-in person (nil for API keys and anonymous visitors).
    public var user: User?
    public var session: SessionRecord?
    public var language: Language = .vi
    /// The token that forms on this page must send back.
    public var csrfToken: String = ""
    public var remoteAddress: String?
    /// The form body, when `PrincipalMiddleware` already read it for its CSRF token.
    public var form: FormData?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies larger than this are refused with 413 before anything is decoded: 1 MB, more for
    /// bodies that carry files (`PrincipalMiddleware` sets it from the attachment limits).
    public var maxUploadSize: Int = 1 << 20

    public var changeContext: ChangeContext {
        ChangeContext(principal: principal, requestID: id)
    }
}
