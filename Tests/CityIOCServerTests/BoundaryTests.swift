import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CityIOCServer

@Suite struct BoundaryLoadingTests {
    @Test(arguments: TestEngine.all)
    func loadedOutlinesDecideAReportsWard(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let admin = try await services.administration.createApiKey(name: "gis", role: .admin, agencyID: nil, context: system).1
            let key = try await Open311RequestTests.prepare(services)
            func put(_ body: String, property: String = "code") async throws -> TestResponse {
                var headers = bearer(admin)
                headers[.contentType] = "application/geo+json"
                return try await client.execute(uri: "/api/v1/areas/boundaries?property=\(property)", method: .put, headers: headers, body: ByteBuffer(string: body))
            }
            func report(lat: Double, long: Double) async throws -> Area.Code? {
                let (headers, body) = Open311RequestTests.form([
                    ("api_key", key), ("service_code", "o-ga"), ("lat", "\(lat)"), ("long", "\(long)"), ("description", "Ổ gà"), ("attribute[size]", "large"),
                ])
                let posted = try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: headers, body: body)
                let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: posted.body)) as? [[String: Any]])?.first?["service_request_id"] as? String)
                return try await services.reports.report(Report.ID(id))?.wardCode
            }
            // Without outlines, a point 3 km east of Hồng Gai's centre goes to Hồng Gai (nearest centre).
            #expect(try await report(lat: 20.9485, long: 107.075) == "06685")

            // A file with a problem changes nothing and names it.
            let vanDon =
                #"{"type": "Feature", "properties": {"code": "06994"}, "geometry": {"type": "Polygon", "coordinates": [[[107.06,20.90],[107.20,20.90],[107.20,21.00],[107.06,21.00],[107.06,20.90]]]}}"#
            let bad =
                "{\"type\": \"FeatureCollection\", \"features\": [\(vanDon), {\"type\": \"Feature\", \"properties\": {\"code\": \"99999\"}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[1,1],[2,1],[2,2],[1,1]]]}}]}"
            let refused = try await put(bad)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("area 99999 is not in the city's list"))
            #expect(try await put("not json").status == .unprocessableContent)
            #expect(try await services.boundaries.areasWithBoundaries().isEmpty)
            var plain = bearer(admin)
            plain[.contentType] = "text/plain"
            #expect(try await client.execute(uri: "/api/v1/areas/boundaries", method: .put, headers: plain, body: ByteBuffer(string: vanDon)).status == .unsupportedMediaType)
            let staff = try await services.administration.createApiKey(name: "ops", role: .operator, agencyID: nil, context: system).1
            var notAdmin = bearer(staff)
            notAdmin[.contentType] = "application/geo+json"
            #expect(try await client.execute(uri: "/api/v1/areas/boundaries", method: .put, headers: notAdmin, body: ByteBuffer(string: vanDon)).status == .forbidden)

            // With Vân Đồn's outline drawn over that point, the point is Vân Đồn's.
            let loaded = try await put(vanDon)
            #expect(loaded.status == .ok)
            #expect(try await services.boundaries.areasWithBoundaries() == ["06994"])
            #expect(try await report(lat: 20.9485, long: 107.075) == "06994")
            // Outside every outline, the nearest centre still decides.
            #expect(try await report(lat: 20.9485, long: 107.0462) == "06685")
            let audit = try await services.audit.auditEntries(AuditFilter(action: "area.boundaries"))
            #expect(audit.count == 1)

            // Admins load the same in the browser.
            var browser = Browser(client)
            _ = try await browser.signIn("admin")
            let page = try await browser.get("/admin/areas/boundaries")
            #expect(page.status == .ok && page.text.contains("Phường Hồng Gai"))  // still without an outline
            let uploaded = try await browser.post(
                "/admin/areas/boundaries", form: ["property": "code"], files: [("geojson", "ranh-gioi.geojson", Data(vanDon.utf8))])
            #expect(uploaded.status == .ok && uploaded.text.contains("Đã nạp ranh giới của 1 địa bàn"))
        }
    }
}
