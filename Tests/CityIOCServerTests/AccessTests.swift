import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CityIOCServer

/// "An agency sees only its own data", and every route's stated audience, through HTTP.
@Suite struct AccessTests {
    static func key(_ services: AppServices, role: Role, agency: Agency.ID? = nil) async throws -> String {
        try await services.administration.createApiKey(name: "test \(role)", role: role, agencyID: agency, context: system).1
    }

    @Test(arguments: TestEngine.all)
    func headAnswersAsGetDoesWithoutTheBody(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            for path in ["/health", "/open311/v2/services.json", "/published"] {
                let get = try await client.execute(uri: path, method: .get)
                let head = try await client.execute(uri: path, method: .head)
                #expect(get.status == .ok && head.status == .ok, "\(path)")
                #expect(head.body.readableBytes == 0 && head.headers[.contentType] == get.headers[.contentType], "\(path)")
            }
            // The same rules as GET: no key, no agency records; nothing there, 404.
            #expect(try await client.execute(uri: "/api/v1/agencies/ubnd-06685/users", method: .head).status == .unauthorized)
            #expect(try await client.execute(uri: "/nothing-here", method: .head).status == .notFound)
        }
    }

    @Test(arguments: TestEngine.all)
    func agencyStaffCannotReadAnotherAgencysRecords(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let honggai = try await Self.key(services, role: .agencyStaff, agency: "ubnd-06685")
            // their own agency's staff: yes
            let own = try await client.execute(uri: "/api/v1/agencies/ubnd-06685/users", method: .get, headers: bearer(honggai))
            #expect(own.status == .ok)
            #expect(try own.items().map { $0["username"] as? String } == ["canbo.honggai"])
            // another agency's: no
            let other = try await client.execute(uri: "/api/v1/agencies/so-xay-dung/users", method: .get, headers: bearer(honggai))
            #expect(other.status == .forbidden)
            #expect(other.headers[.contentType] == "application/problem+json")
            // the user list is cut to their own agency, whatever they ask for
            let all = try await client.execute(uri: "/api/v1/users", method: .get, headers: bearer(honggai))
            #expect(try all.items().map { $0["username"] as? String } == ["canbo.honggai"])
            let asked = try await client.execute(uri: "/api/v1/users?agency=so-xay-dung", method: .get, headers: bearer(honggai))
            #expect(try asked.items().isEmpty)
            // one user of another agency by id
            let xaydung = try #require(try await services.accounts.credentials(username: "canbo.xaydung")).user
            let single = try await client.execute(uri: "/api/v1/users/\(xaydung.id)", method: .get, headers: bearer(honggai))
            #expect(single.status == .forbidden)

            // and in the browser: the agency page lists their own staff; another agency's does not
            var browser = Browser(client)
            _ = try await browser.signIn("canbo.honggai")
            let mine = try await browser.get("/agency")
            #expect(mine.text.contains("canbo.honggai"))
            let theirs = try await browser.get("/admin/agencies/so-xay-dung")
            #expect(theirs.status == .ok)
            #expect(!theirs.text.contains("canbo.xaydung"))
            #expect(try await browser.get("/admin/users").status == .forbidden)
            #expect(try await browser.get("/admin/audit").status == .forbidden)
        }
    }

    @Test(arguments: TestEngine.all)
    func leadersAndOperatorsSeeEveryAgencyButManageNothing(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let leader = try await Self.key(services, role: .leader)
            let users = try await client.execute(uri: "/api/v1/agencies/so-xay-dung/users", method: .get, headers: bearer(leader))
            #expect(try users.items().count == 1)
            var headers = bearer(leader, json: true)
            headers[.contentType] = "application/json"
            let create = try await client.execute(
                uri: "/api/v1/agencies", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"id":"so-moi","name":"Sở mới","kind":"department","areaCode":"22"}"#))
            #expect(create.status == .forbidden)
            #expect(try await services.organisation.agency("so-moi") == nil)
        }
    }

    @Test(arguments: TestEngine.all)
    func apiKeysAreCheckedAndRevocable(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let (key, secret) = try await services.administration.createApiKey(name: "tích hợp", role: .integrator, agencyID: nil, context: system)
            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(secret))
            #expect(me.status == .ok)
            #expect(try me.json()["role"] as? String == "integrator")
            // a machine may read public areas but not people's accounts
            #expect(try await client.execute(uri: "/api/v1/areas", method: .get, headers: bearer(secret)).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/users", method: .get, headers: bearer(secret)).status == .forbidden)
            // a wrong key is a 401, not a quiet fall back to anonymous
            let wrong = try await client.execute(uri: "/api/v1/areas", method: .get, headers: bearer("cioc_wrong"))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.wwwAuthenticate]?.contains("invalid_token") == true)
            _ = try await services.accounts.revokeApiKey(key.id, context: system)
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(secret)).status == .unauthorized)
            // nobody at all: 401 with the problem document
            let anonymous = try await client.execute(uri: "/api/v1/agencies", method: .get)
            #expect(anonymous.status == .unauthorized)
            #expect(try anonymous.json()["type"] as? String == "urn:cityioc:problem:sign-in-required")
        }
    }

    @Test(arguments: TestEngine.all)
    func changesThroughTheAPIAreAudited(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let admin = try await Self.key(services, role: .admin)
            let created = try await client.execute(
                uri: "/api/v1/agencies", method: .post, headers: bearer(admin, json: true),
                body: ByteBuffer(string: #"{"id":"cap-nuoc","name":"Công ty Nước sạch","kind":"utility","areaCode":"22"}"#))
            #expect(created.status == .created)
            let patched = try await client.execute(
                uri: "/api/v1/agencies/cap-nuoc", method: .patch, headers: bearer(admin, json: true),
                body: ByteBuffer(string: #"{"phone":"0203 1234 567"}"#))
            #expect(patched.status == .ok)
            let audit = try await client.execute(uri: "/api/v1/audit?entity_type=agency&entity_id=cap-nuoc", method: .get, headers: bearer(admin))
            let entries = try audit.items()
            #expect(entries.map { $0["action"] as? String } == ["agency.update", "agency.create"])
            #expect(entries.allSatisfy { $0["actorName"] as? String == "test admin" })
            #expect((entries[0]["after"] as? String)?.contains("0203 1234 567") == true)
            #expect(entries[0]["requestId"] as? String != nil)
        }
    }

    @Test(arguments: TestEngine.all)
    func badInputGetsAProblemAndChangesNothing(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let admin = try await Self.key(services, role: .admin)
            let before = try await services.audit.auditEntries(AuditFilter(limit: 500)).count
            let malformed = try await client.execute(
                uri: "/api/v1/agencies", method: .post, headers: bearer(admin, json: true), body: ByteBuffer(string: "{not json"))
            #expect(malformed.status == .badRequest)
            #expect(try malformed.json()["status"] as? Int == 400)
            let wrongType = try await client.execute(
                uri: "/api/v1/agencies", method: .post, headers: bearer(admin), body: ByteBuffer(string: "id=x"))
            #expect(wrongType.status == .unsupportedMediaType)
            let invalid = try await client.execute(
                uri: "/api/v1/agencies", method: .post, headers: bearer(admin, json: true),
                body: ByteBuffer(string: #"{"id":"Sở Mới","name":"x","kind":"department","areaCode":"22"}"#))
            #expect(invalid.status == .unprocessableContent)
            let errors = try invalid.json()["errors"] as? [[String: String]]
            #expect(errors?.first?["field"] == "id")
            let unknownArea = try await client.execute(
                uri: "/api/v1/agencies", method: .post, headers: bearer(admin, json: true),
                body: ByteBuffer(string: #"{"id":"so-moi","name":"Sở mới","kind":"department","areaCode":"00000"}"#))
            #expect(unknownArea.status == .unprocessableContent)
            let huge = try await client.execute(
                uri: "/api/v1/agencies", method: .post, headers: bearer(admin, json: true),
                body: ByteBuffer(string: "{\"name\":\"" + String(repeating: "x", count: 2 << 20) + "\"}"))
            #expect(huge.status == .contentTooLarge)
            let badFilter = try await client.execute(uri: "/api/v1/audit?limit=100000", method: .get, headers: bearer(admin))
            #expect(badFilter.status == .unprocessableContent)
            #expect(try await services.audit.auditEntries(AuditFilter(limit: 500)).count == before)
        }
    }

    @Test(arguments: TestEngine.all)
    func unknownRoutesAre404sInEachFormat(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let api = try await client.execute(uri: "/api/v1/nothing-here", method: .get)
            #expect(api.status == .notFound)
            #expect(api.headers[.contentType] == "application/problem+json")
            #expect(api.headers[HTTPField.Name("X-Request-Id")!] != nil)
            var browser = Browser(client)
            _ = try await browser.signIn("admin")
            let page = try await browser.get("/no/such/page")
            #expect(page.status == .notFound)
            #expect(page.text.contains("<html"))
            #expect(try await browser.get("/admin/agencies/khong-co").status == .notFound)
        }
    }

    @Test(arguments: TestEngine.all)
    func healthReadinessAndMetricsAnswer(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .ok)
            #expect(try ready.json()["database"] as? String == engine.rawValue)
            _ = try await client.execute(uri: "/api/v1/areas", method: .get)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("hb_requests"))
            #expect(metrics.text.contains("cityioc_db_operation_duration_seconds"))
        }
    }

    @Test func theBearerSchemeIsReadInAnyCaseAndTheSecretTrimmed() {
        #expect(PrincipalMiddleware.bearerSecret("Bearer cioc_abc") == "cioc_abc")
        #expect(PrincipalMiddleware.bearerSecret("bEaReR   cioc_abc \t") == "cioc_abc")
        #expect(PrincipalMiddleware.bearerSecret("Bearer  ") == "")
        #expect(PrincipalMiddleware.bearerSecret("Basic dXNlcjpwdw==") == nil)
        #expect(PrincipalMiddleware.bearerSecret("Bearer") == nil)
        #expect(PrincipalMiddleware.bearerSecret("Bearer\tcioc_abc") == nil)
        #expect(PrincipalMiddleware.bearerSecret("Bearer\u{0}cioc_abc") == nil)
        #expect(PrincipalMiddleware.bearerSecret("Bearer khóa") == "khóa")
    }

    @Test func secretsInURLsAreNotLogged() {
        #expect(LogfmtHandler.redacted("/follow/Zq9_token-1?new=1") == "/follow/***?new=1")
        #expect(LogfmtHandler.redacted("/wall/abcDEF123/2?page=1") == "/wall/***/2?page=1")
        #expect(LogfmtHandler.redacted("/open311/v2/tokens/5f2a.json") == "/open311/v2/tokens/***.json")
        #expect(LogfmtHandler.redacted("/events?kinds=indicator_value&wall=abc") == "/events?kinds=indicator_value&wall=***")
        #expect(LogfmtHandler.redacted("/open311/v2/requests.json?api_key=k&status=open") == "/open311/v2/requests.json?api_key=***&status=open")
        #expect(LogfmtHandler.redacted("/admin/walls") == "/admin/walls")
        #expect(LogfmtHandler.redacted("/desk?service=o-ga") == "/desk?service=o-ga")
    }
}
