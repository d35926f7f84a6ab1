import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CityIOCServer

@Suite struct SignInTests {
    @Test(arguments: TestEngine.all)
    func aPersonSignsInAndOut(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            var browser = Browser(client)
            let start = try await browser.get("/")
            #expect(start.status == .seeOther)
            #expect(start.headers[.location] == "/login?next=%2F")

            let login = try await browser.signIn("dieuhanh")
            #expect(login.status == .seeOther)
            #expect(login.headers[.location] == "/")
            let cookie = try #require(login.headers[values: .setCookie].first { $0.hasPrefix("cityioc_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))

            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.text.contains("Tỉnh Quảng Ninh"))
            // an operator sees no admin links
            #expect(!home.text.contains("/admin/users"))

            let out = try await browser.post("/logout", form: [:])
            #expect(out.status == .seeOther)
            #expect(try await browser.get("/").status == .seeOther)
            let actions = try await services.audit.auditEntries(AuditFilter(action: "session")).map(\.action)
            #expect(actions == ["session.logout", "session.login"])
        }
    }

    @Test(arguments: TestEngine.all)
    func fiveWrongPasswordsLockTheAccount(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            var browser = Browser(client)
            // the throttle makes attempts 4 and 5 wait; step the clock by resetting the wait
            for attempt in 1...LoginThrottle.lockoutFailures {
                let response = try await browser.signIn("canbo.honggai", password: "sai mật khẩu \(attempt)")
                #expect(response.status == (attempt == LoginThrottle.lockoutFailures ? .tooManyRequests : .unauthorized))
                try await Self.forgetWait(services, "canbo.honggai")
            }
            // now even the right password is refused, with the lock explained
            let refused = try await browser.signIn("canbo.honggai")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.text.contains("tạm khóa"))
            #expect(!browser.cookies.keys.contains("cityioc_session"))
            #expect(try await services.audit.auditEntries(AuditFilter(action: "user.locked")).count == 1)

            // an admin lifts the lock; the person signs in
            var admin = Browser(client)
            _ = try await admin.signIn("admin")
            let user = try #require(try await services.accounts.credentials(username: "canbo.honggai")).user
            try await admin.get("/admin/users/\(user.id)")
            #expect(try await admin.post("/admin/users/\(user.id)/unlock", form: [:]).status == .seeOther)
            #expect(try await browser.signIn("canbo.honggai").status == .seeOther)
        }
    }

    /// Moves the last failure into the past, as if the person had waited out the back-off.
    static func forgetWait(_ services: AppServices, _ username: String) async throws {
        try await services.database.perform(
            Mutation { _ in
                Plan(
                    statements: [
                        SQL(
                            "UPDATE users SET last_failed_login_at = ? WHERE username = ?",
                            [.date(Date().addingTimeInterval(-120)), .text(username)])
                    ], audit: nil, result: ())
            }, context: system)
    }

    @Test(arguments: TestEngine.all)
    func repeatedFailuresMustWaitBeforeTheNextCheck(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            var browser = Browser(client)
            for attempt in 1...3 { _ = try await browser.signIn("lanhdao", password: "sai \(attempt) lần nữa") }
            let waiting = try await browser.signIn("lanhdao")
            #expect(waiting.status == .tooManyRequests)
            #expect(waiting.text.contains("giây"))
        }
    }

    @Test(arguments: TestEngine.all)
    func aFormWithoutItsCSRFTokenIsRefused(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            var browser = Browser(client)
            _ = try await browser.signIn("admin")
            try await browser.get("/admin/agencies/new")
            let form = ["id": "so-moi", "name": "Sở Mới", "kind": "department", "area": "22", "active": "on"]
            let forged = try await browser.post("/admin/agencies", form: form, csrf: false)
            #expect(forged.status == .forbidden)
            var wrong = form
            wrong["_csrf"] = "not-the-token-of-this-session-000000000000"
            #expect(try await browser.post("/admin/agencies", form: wrong, csrf: false).status == .forbidden)
            #expect(try await services.organisation.agency("so-moi") == nil)
            // the same form with its token goes through
            #expect(try await browser.post("/admin/agencies", form: form).status == .seeOther)
            #expect(try await services.organisation.agency("so-moi")?.name == "Sở Mới")
            // and the login form too needs its token
            var stranger = Browser(client)
            let login = try await stranger.post("/login", form: ["username": "admin", "password": Fixture.password], csrf: false)
            #expect(login.status == .forbidden)
        }
    }

    @Test(arguments: TestEngine.all)
    func pagesFollowThePersonsLanguage(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            var browser = Browser(client)
            var english = HTTPFields()
            english[.acceptLanguage] = "en-GB,en;q=0.9"
            #expect(try await browser.get("/login", headers: english).text.contains("Sign in"))
            #expect(try await browser.get("/login").text.contains("Đăng nhập"))
            _ = try await browser.signIn("lanhdao")
            try await browser.get("/")
            #expect(try await browser.post("/language", form: ["language": "en", "next": "/"]).status == .seeOther)
            let user = try #require(try await services.accounts.credentials(username: "lanhdao")).user
            #expect(user.language == .en)
            // the choice follows the person, whatever the browser says
            var vietnamese = HTTPFields()
            vietnamese[.acceptLanguage] = "vi"
            browser.cookies["cityioc_lang"] = nil
            #expect(try await browser.get("/", headers: vietnamese).text.contains("Overview"))
        }
    }

    @Test func nextParameterCannotLeaveTheSite() {
        #expect(SessionController.safeNext("//evil.example/x") == "/")
        #expect(SessionController.safeNext("https://evil.example") == "/")
        #expect(SessionController.safeNext("/\\evil") == "/")
        #expect(SessionController.safeNext("/admin/users?role=admin") == "/admin/users?role=admin")
    }
}
