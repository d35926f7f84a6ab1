import CityIOCDomain
import Foundation
import Hummingbird

/// Signing in and out, and choosing the language.
struct SessionController {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/login", .anyone, use: loginPage)
        router.on(.post, "/login", .anyone, use: login)
        router.on(.post, "/logout", .anyone, use: logout)
        router.on(.post, "/language", .anyone, use: chooseLanguage)
    }

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.principal.isAuthenticated { return .seeOther(Self.safeNext(request.uri.queryParameters["next"].map(String.init))) }
        return try render(context, next: request.uri.queryParameters["next"].map(String.init), username: "", message: nil)
            .response(from: request, context: context)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        let username = form["username"] ?? ""
        let next = form["next"]
        let signIn = SignIn(accounts: services.accounts, hasher: services.hasher, policy: services.sessions)
        let outcome = try await signIn.attempt(
            username: username, password: form["password"] ?? "", userAgent: request.headers[.userAgent],
            remoteAddress: context.remoteAddress, requestID: context.id)
        let language = context.language
        let format = Format(language: language)
        let message: String
        let status: HTTPResponse.Status
        switch outcome {
        case .signedIn(let token, _):
            var response = Response.seeOther(Self.safeNext(next))
            response.setCookie(services.sessions.cookie(name: SessionPolicy.sessionCookie, value: token))
            return response
        case .wrongCredentials:
            message = Text.wrongCredentials(language)
            status = .unauthorized
        case .wait(let until):
            let seconds = max(1, Int(until.timeIntervalSinceNow.rounded(.up)))
            message = Text.waitSeconds(language).replacingOccurrences(of: "%@", with: String(seconds))
            status = .tooManyRequests
        case .locked(let until):
            message = Text.lockedUntil(language).replacingOccurrences(of: "%@", with: format.dateTime(until))
            status = .tooManyRequests
        }
        return render(context, next: next, username: username, message: message).response(status: status)
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let session = context.session {
            try await services.accounts.endSession(tokenHash: session.tokenHash, context: context.changeContext)
        }
        var response = Response.seeOther("/login")
        response.setCookie(services.sessions.cookie(name: SessionPolicy.sessionCookie, value: "", maxAge: 0))
        return response
    }

    @Sendable func chooseLanguage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        guard let language = form["language"].flatMap(Language.init(rawValue:)) else {
            throw ClientError(.badRequest, .badRequest)
        }
        if var user = context.user, user.language != language {
            user.language = language
            try await services.accounts.updateUser(user, context: context.changeContext)
        }
        var response = Response.seeOther(Self.safeNext(form["next"]))
        response.setCookie(services.sessions.cookie(name: LanguagePreference.cookie, value: language.rawValue, maxAge: 365 * 86400))
        return response
    }

    func render(_ context: AppRequestContext, next: String?, username: String, message: String?) -> HTML {
        let chrome = services.chrome(context, "/login")
        let body: HTML = """
            <div class="panel login">
            <h1>\(chrome.t(.signIn))</h1>
            <p class="hint">\(chrome.t(.appName))</p>
            \(message.map { Flash(kind: .error, message: $0).html } ?? "")
            <form class="stack" method="post" action="/login">
            \(chrome.csrfField)
            <input type="hidden" name="next" value="\(Self.safeNext(next))">
            <label>\(chrome.t(.username))<input name="username" value="\(username)" autocomplete="username" autocapitalize="none" required autofocus></label>
            <label>\(chrome.t(.password))<input type="password" name="password" autocomplete="current-password" required></label>
            <button type="submit">\(chrome.t(.signIn))</button>
            </form>
            <p><a href="/report">\(Text(vi: "Người dân: gửi phản ánh hiện trường →", en: "Citizens: report a problem →")(chrome.language))</a></p>
            </div>
            """
        return Layout(chrome: chrome, title: chrome.t(.signIn), flash: nil, body: body).render()
    }

    /// Only a path on this server: never `//elsewhere` or `https://elsewhere` (open redirect).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"), !next.contains("\n") else {
            return "/"
        }
        return next
    }
}
