import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics

/// Finds out who is calling and guards against forged form posts, before any route runs.
///
/// - `Authorization: Bearer cioc_…` → the API key's principal (a wrong or revoked key is a 401,
///   never a silent downgrade to anonymous).
/// - the `cityioc_session` cookie → the signed-in user, while the session lives and the account
///   is active.
/// - CSRF: an unsafe request (POST, PUT, PATCH, DELETE) that rides on cookies must carry the
///   token of its session (or, before sign-in, of the `cityioc_csrf` cookie) in the `_csrf` form
///   field or the `X-CSRF-Token` header. Requests with a bearer key carry no ambient credentials
///   and need none.
struct PrincipalMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let accounts: any AccountStore
    let sessions: SessionPolicy
    /// The largest body that carries files: a form with photos, an e-mail with attachments, a
    /// GeoJSON file of ward outlines.
    let uploadLimit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        let now = Date()
        let unsafe = ![.get, .head, .options].contains(request.method)
        if let type = request.headers[.contentType]?.lowercased(),
            type.hasPrefix("multipart/form-data") || type.hasPrefix("message/rfc822") || type.hasPrefix("application/geo+json")
        {
            // Base64 in e-mail makes files a third larger.
            context.maxUploadSize = type.hasPrefix("message/") ? uploadLimit / 3 * 4 : uploadLimit
        }

        if let authorization = request.headers[.authorization] {
            guard let secret = Self.bearerSecret(authorization) else { throw AccessError.invalidApiKey }
            guard let key = try await accounts.apiKey(secretHash: Secret.sha256(secret)), key.isActive else {
                throw AccessError.invalidApiKey
            }
            context.principal = key.principal
            context.language = LanguagePreference.resolve(request: request, user: nil)
            if key.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
                try? await accounts.touchApiKey(key.id, now: now)
            }
            return try await next(request, context)
        }

        var anonymousToken: String?
        if let token = request.cookies[SessionPolicy.sessionCookie]?.value,
            let (session, user) = try await accounts.session(tokenHash: Secret.sha256(token)),
            session.expiresAt > now, user.active
        {
            context.principal = user.principal
            context.user = user
            context.session = session
            context.csrfToken = session.csrfToken
            if now.timeIntervalSince(session.lastSeenAt) > 300 {
                try? await accounts.touchSession(
                    tokenHash: session.tokenHash, expiresAt: now.addingTimeInterval(sessions.idleLifetime), now: now)
            }
        } else if let token = request.cookies[SessionPolicy.csrfCookie]?.value, token.count >= 32 {
            context.csrfToken = token
        } else if Self.mayRenderForm(request) {
            // A visitor's first page: the token its forms (the login form) will send back.
            anonymousToken = Secret.token()
            context.csrfToken = anonymousToken!
        }
        context.language = LanguagePreference.resolve(request: request, user: context.user)

        if unsafe {
            let usesCookies = request.cookies[SessionPolicy.sessionCookie] != nil || Self.mayRenderForm(request)
            if usesCookies {
                var sent = request.headers[.csrfToken]
                let type = request.headers[.contentType]?.lowercased() ?? ""
                if sent == nil, type.hasPrefix("application/x-www-form-urlencoded") || type.hasPrefix("multipart/form-data") {
                    let buffer = try await request.collectBody(upTo: context.maxUploadSize)
                    // Read once: the route gets this form rather than parsing the body again.
                    context.form = try? FormData.parse(body: buffer, contentType: request.headers[.contentType])
                    sent = context.form?["_csrf"]
                }
                guard anonymousToken == nil, let sent, !context.csrfToken.isEmpty, Secret.equal(sent, context.csrfToken) else {
                    throw AccessError.badCSRFToken
                }
            }
        }

        var response = try await next(request, context)
        if let anonymousToken, response.headers[.contentType]?.hasPrefix("text/html") == true {
            response.setCookie(sessions.cookie(name: SessionPolicy.csrfCookie, value: anonymousToken, strict: true))
        }
        return response
    }
}

extension PrincipalMiddleware {
    /// The secret of `Bearer <secret>` (the scheme in any case, blanks around the secret
    /// dropped), nil for another scheme. Every API call passes here: it works on the bytes
    /// (lowercasing the header and Foundation's trimming were 3% of an entity retrieve).
    static func bearerSecret(_ authorization: String) -> String? {
        let bytes = Array(authorization.utf8)
        guard bytes.count > 7, bytes[6] == UInt8(ascii: " "),
            zip(bytes[0..<6], "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 })
        else { return nil }
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = bytes[7...].firstIndex(where: { !blank($0) }), let last = bytes.lastIndex(where: { !blank($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    /// Pages for people may hold forms; the API, the probes and the assets never do.
    static func mayRenderForm(_ request: Request) -> Bool {
        PathKind(request.uri.path) == .page
    }
}

/// How long sessions live and how their cookies are set.
public struct SessionPolicy: Sendable {
    static let sessionCookie = "cityioc_session"
    static let csrfCookie = "cityioc_csrf"
    /// A session ends after this long without a request.
    public var idleLifetime: TimeInterval = 12 * 3600
    /// Set `Secure` on cookies; on whenever CityIOC is served over HTTPS (behind a proxy).
    public var secureCookies: Bool = false

    public init(idleLifetime: TimeInterval = 12 * 3600, secureCookies: Bool = false) {
        self.idleLifetime = idleLifetime
        self.secureCookies = secureCookies
    }

    func cookie(name: String, value: String, strict: Bool = false, maxAge: Int? = nil) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true,
            sameSite: strict ? .strict : .lax)
    }
}
