import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CityIOCServer

@Suite struct RoutingTests {
    @Test(arguments: TestEngine.all)
    func adminsKeepRulesAndTheDeskFollowsThem(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let key = try await Open311RequestTests.prepare(services)
            var staff = Browser(client)
            _ = try await staff.signIn("canbo.xaydung")
            #expect(try await staff.get("/admin/routing").status == .ok)
            #expect(try await staff.post("/admin/routing", form: ["service": "o-ga", "area": "06685", "agency": "ubnd-06685"]).status == .forbidden)

            var admin = Browser(client)
            _ = try await admin.signIn("admin")
            try await admin.get("/admin/routing")
            let unknown = try await admin.post("/admin/routing", form: ["service": "o-ga", "area": "06685", "agency": "khong-co"])
            #expect(unknown.status == .unprocessableContent)
            try await admin.get("/admin/routing")
            #expect(try await admin.post("/admin/routing", form: ["service": "o-ga", "area": "06685", "agency": "ubnd-06685"]).status == .seeOther)
            #expect(try await services.routing.routingRules() == [RoutingRule(service: "o-ga", area: "06685", agency: "ubnd-06685")])
            #expect(try await services.audit.auditEntries(AuditFilter(action: "routing.create")).count == 1)

            // A pothole in Hồng Gai goes to the ward by the rule; the bulk assign follows it.
            let (headers, body) = Open311RequestTests.form([
                ("api_key", key), ("service_code", "o-ga"), ("lat", "20.9490"), ("long", "107.0470"), ("attribute[size]", "small"),
            ])
            let posted = try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: headers, body: body)
            let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: posted.body)) as? [[String: Any]])?.first?["service_request_id"] as? String)
            var desk = Browser(client)
            _ = try await desk.signIn("dieuhanh")
            try await desk.get("/reports/\(id)")
            #expect(try await desk.post("/reports/\(id)/step", form: ["event": "classify", "priority": "normal"]).status == .seeOther)
            let page = try await desk.get("/reports/\(id)")
            #expect(page.text.contains("<option value=\"ubnd-06685\" selected>"))
            #expect(page.text.contains("Đề xuất theo quy tắc phân công (06685)"))
            #expect(try await desk.post("/desk/assign", fields: [("id", id), ("agency", "")]).status == .seeOther)
            #expect(try await services.reports.report(Report.ID(id))?.workflow.agency == "ubnd-06685")

            // The same rules through the API, with its errors.
            var headersJSON = HTTPFields()
            headersJSON[.contentType] = "application/json"
            let adminKey = try await services.administration.createApiKey(name: "admin", role: .admin, agencyID: nil, context: system).1
            headersJSON[.authorization] = "Bearer \(adminKey)"
            let put = try await client.execute(
                uri: "/api/v1/routing-rules/o-ga/22", method: .put, headers: headersJSON, body: ByteBuffer(string: "{\"agencyId\":\"so-xay-dung\"}"))
            #expect(put.status == .created)
            let bad = try await client.execute(
                uri: "/api/v1/routing-rules/o-ga/22", method: .put, headers: headersJSON, body: ByteBuffer(string: "{\"agencyId\":\"khong-co\"}"))
            #expect(bad.status == .unprocessableContent)
            let listed = try await client.execute(uri: "/api/v1/routing-rules", method: .get, headers: headersJSON)
            #expect(try listed.items().count == 2)
            #expect(try await client.execute(uri: "/api/v1/routing-rules/o-ga/22", method: .delete, headers: headersJSON).status == .noContent)
            #expect(try await client.execute(uri: "/api/v1/routing-rules/o-ga/22", method: .delete, headers: headersJSON).status == .notFound)
        }
    }
}
