import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CityIOCServer

@Suite struct Open311RequestTests {
    static func form(_ fields: [(String, String)]) -> (HTTPFields, ByteBuffer) {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = fields.map { "\(Browser.encode($0.0))=\(Browser.encode($0.1))" }.joined(separator: "&")
        return (headers, ByteBuffer(string: body))
    }

    static func prepare(_ services: AppServices) async throws -> String {
        try await services.catalogue.saveService(Open311CatalogueTests.pothole, context: system)
        return try await services.administration.createApiKey(name: "Ứng dụng Quảng Ninh", role: .integrator, agencyID: nil, context: system).1
    }

    @Test(arguments: TestEngine.all)
    func anAppPostsARequestFollowsItsTokenAndReadsItBack(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let key = try await Self.prepare(services)
            let (headers, body) = Self.form([
                ("api_key", key), ("service_code", "o-ga"), ("lat", "20.9490"), ("long", "107.0470"),
                ("description", "Ổ gà lớn trước số 12 đường Bến Đoan"), ("attribute[size]", "large"),
                ("email", "nguoi.dan@example.vn"), ("first_name", "Nguyễn"), ("last_name", "Văn A"), ("phone", "0912345678"),
            ])
            let posted = try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: headers, body: body)
            #expect(posted.status == .ok)
            let created = try #require((try JSONSerialization.jsonObject(with: Data(buffer: posted.body)) as? [[String: Any]])?.first)
            let id = try #require(created["service_request_id"] as? String)
            let token = try #require(created["token"] as? String)

            let stored = try #require(try await services.reports.report(Report.ID(id)))
            #expect(stored.wardCode == "06685")  // nearest ward centre: Hồng Gai
            #expect(stored.reporter.email == "nguoi.dan@example.vn")
            #expect(stored.workflow.status == .received)
            #expect(stored.attributes["size"] == ["large"])
            // public lists do not even read the reporter's details
            var unnamed = ReportQuery(ids: [Report.ID(id)])
            unnamed.withReporter = false
            #expect(try await services.reports.reports(unnamed).first?.reporter == Report.Reporter())
            #expect(try await services.reports.reports(ReportQuery(ids: [Report.ID(id)])).first?.reporter.phone == "0912345678")

            let resolved = try await client.execute(uri: "/open311/v2/tokens/\(token).xml", method: .get)
            #expect(resolved.text.contains("<service_request_id>\(id)</service_request_id>"))
            let single = try await client.execute(uri: "/open311/v2/requests/\(id).json", method: .get)
            let request = try #require((try JSONSerialization.jsonObject(with: Data(buffer: single.body)) as? [[String: Any]])?.first)
            #expect(request["status"] as? String == "open")
            #expect(request["service_name"] as? String == "Hư hỏng mặt đường, ổ gà")
            #expect(request["lat"] as? Double == 20.949)
            #expect((request["requested_datetime"] as? String)?.hasSuffix("+07:00") == true)
            let xml = try await client.execute(uri: "/open311/v2/requests/\(id).xml", method: .get)
            #expect(xml.text.contains("<service_requests><request><service_request_id>\(id)</service_request_id><status>open</status>"))
            // the reporter's details are in no public answer, nor in the audit log
            for text in [single.text, xml.text, try await client.execute(uri: "/open311/v2/requests.json", method: .get).text] {
                #expect(!text.contains("nguoi.dan@example.vn"))
                #expect(!text.contains("0912345678"))
            }
            let audit = try await services.audit.auditEntries(AuditFilter(entityType: "report"))
            #expect(audit.count == 1)
            #expect(audit.first?.after?.contains("0912345678") == false)
            #expect(audit.first?.actorName == "Ứng dụng Quảng Ninh")
        }
    }

    @Test(arguments: TestEngine.all)
    func requestsAreFilteredAsTheSpecSays(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let key = try await Self.prepare(services)
            var ids: [String] = []
            for index in 1...3 {
                let (headers, body) = Self.form([
                    ("api_key", key), ("service_code", "o-ga"), ("address_string", "Số \(index) Lê Thánh Tông"), ("attribute[size]", "small"),
                ])
                let posted = try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: headers, body: body)
                ids.append(try #require((try JSONSerialization.jsonObject(with: Data(buffer: posted.body)) as? [[String: Any]])?.first?["service_request_id"] as? String))
            }
            func count(_ query: String) async throws -> Int {
                let response = try await client.execute(uri: "/open311/v2/requests.json?\(query)", method: .get)
                return (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [Any])?.count ?? -1
            }
            #expect(try await count("") == 3)
            #expect(try await count("service_request_id=\(ids[0]),\(ids[2])") == 2)
            #expect(try await count("status=open") == 3)
            #expect(try await count("status=closed") == 0)
            #expect(try await count("service_code=khac") == 0)
            #expect(try await count("start_date=2000-01-01T00:00:00Z&end_date=2000-12-31T00:00:00Z") == 0)
            let badDate = try await client.execute(uri: "/open311/v2/requests.json?start_date=hom-qua", method: .get)
            #expect(badDate.status == .badRequest)
            let badStatus = try await client.execute(uri: "/open311/v2/requests.xml?status=pending", method: .get)
            #expect(badStatus.text.contains("<errors><error><code>400</code>"))

            // Paging: newest first, two per page.
            func listed(_ query: String) async throws -> [[String: Any]] {
                let response = try await client.execute(uri: "/open311/v2/requests.json?\(query)", method: .get)
                return try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]] ?? []
            }
            let first = try await listed("page_size=2").compactMap { $0["service_request_id"] as? String }
            let second = try await listed("page_size=2&page=2").compactMap { $0["service_request_id"] as? String }
            #expect(first.count == 2 && second.count == 1)
            #expect(Set(first + second) == Set(ids))
            for bad in ["page_size=0", "page_size=1001", "page=0", "page=x", "extensions=maybe"] {
                #expect(try await client.execute(uri: "/open311/v2/requests.json?\(bad)", method: .get).status == .badRequest, "\(bad)")
            }
            // Extended attributes: never the reporter, always the channel, status detail and answers.
            let extended = try #require(try await listed("extensions=true&service_request_id=\(ids[0])").first)
            let attributes = try #require(extended["extended_attributes"] as? [String: Any])
            #expect(attributes["channel"] as? String == "open311")
            #expect(attributes["detailed_status"] as? String == "received")
            #expect(attributes["priority"] as? String == "normal")
            #expect((attributes["attributes"] as? [[String: Any]])?.first?["code"] as? String == "size")
            #expect(try await listed("service_request_id=\(ids[0])").first?["extended_attributes"] == nil)
            let xml = try await client.execute(uri: "/open311/v2/requests/\(ids[0]).xml?extensions=true", method: .get)
            #expect(xml.text.contains("<extended_attributes><channel>open311</channel>"))

            // A refused report is listed without what was written, with the reason.
            let desk = Principal(kind: .user, id: "o", name: "dieuhanh", role: .operator, agencyID: nil)
            _ = try await services.reports.transition(
                Report.ID(ids[1]), .refuse(reason: "Nội dung quảng cáo"),
                workflow: .init(actor: desk, now: Date(), calendar: try await services.calendar.workingCalendar()), context: system)
            let refused = try #require(try await listed("service_request_id=\(ids[1])").first)
            #expect(refused["description"] as? String == "")
            #expect(refused["status_notes"] as? String == "Nội dung quảng cáo")
            #expect(refused["status"] as? String == "closed")

            // Open ones alone (chosen by status in the index, then read), newest first, paged.
            let newest = try await listed("").compactMap { $0["service_request_id"] as? String }.filter { $0 != ids[1] }
            let open = try await listed("status=open&service_code=o-ga").compactMap { $0["service_request_id"] as? String }
            #expect(open.count == 2 && open == newest)
            #expect(try await listed("status=open&page_size=1&page=2").compactMap { $0["service_request_id"] as? String } == [newest[1]])
            #expect(try await listed("status=closed").compactMap { $0["service_request_id"] as? String } == [ids[1]])
            #expect(try await listed("status=open,closed").count == 3)
        }
    }

    @Test(arguments: TestEngine.all)
    func updatesAreListedAsFixMyStreetReadsThem(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let key = try await Self.prepare(services)
            let (headers, body) = Self.form([("api_key", key), ("service_code", "o-ga"), ("address_string", "Cột 8"), ("attribute[size]", "small")])
            let posted = try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: headers, body: body)
            let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: posted.body)) as? [[String: Any]])?.first?["service_request_id"] as? String)
            let calendar = try await services.calendar.workingCalendar()
            let desk = Principal(kind: .user, id: "o", name: "dieuhanh", role: .operator, agencyID: nil)
            let ward = Principal(kind: .user, id: "h", name: "canbo.honggai", role: .agencyStaff, agencyID: "ubnd-06685")
            for (event, actor) in [
                (ReportWorkflow.Event.classify(service: "o-ga", priority: .normal), desk), (.assign(agency: "ubnd-06685"), desk),
                (.returnToOperator(reason: "Việc nội bộ: không thuộc phường"), ward), (.classify(service: "o-ga", priority: .normal), desk),
                (.assign(agency: "ubnd-06685"), desk), (.accept, ward), (.resolve(answer: "Đã vá ổ gà"), ward),
            ] {
                _ = try await services.reports.transition(
                    Report.ID(id), event, workflow: .init(actor: actor, now: Date(), calendar: calendar), context: system)
            }
            func updates(_ query: String = "") async throws -> [[String: Any]] {
                let response = try await client.execute(uri: "/open311/v2/servicerequestupdates.json?\(query)", method: .get)
                return try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]] ?? []
            }
            let before = try await updates()
            #expect(before.map { $0["status"] as? String } == ["open", "action_scheduled", "internal_referral", "open", "action_scheduled", "investigating", "in_progress"])
            #expect(before.allSatisfy { $0["service_request_id"] as? String == id })
            // Neither the agency's internal reason nor the unpublished answer is public.
            #expect(before.allSatisfy { $0["description"] is NSNull })
            #expect(before.first?["update_id"] as? String == "\(id)-1")
            _ = try await services.reports.transition(Report.ID(id), .publish, workflow: .init(actor: desk, now: Date(), calendar: calendar), context: system)
            let after = try await updates()
            #expect(after.last?["status"] as? String == "fixed")
            #expect(after.last?["description"] as? String == "Đã vá ổ gà")
            #expect(try await updates("start_date=2000-01-01T00:00:00Z&end_date=2000-01-02T00:00:00Z").isEmpty)
            let xml = try await client.execute(uri: "/open311/v2/servicerequestupdates.xml", method: .get)
            #expect(xml.text.contains("<service_request_updates><request_update><update_id>\(id)-1</update_id>"))
            let tooLong = try await client.execute(
                uri: "/open311/v2/servicerequestupdates.json?start_date=2026-01-01T00:00:00Z&end_date=2026-03-01T00:00:00Z", method: .get)
            #expect(tooLong.status == .badRequest)
            // The requests list shows the answer only once published.
            let single = try await client.execute(uri: "/open311/v2/requests/\(id).json", method: .get)
            #expect(single.text.contains("Đã vá ổ gà"))
        }
    }

    @Test(arguments: TestEngine.all)
    func badRequestsGetTheSpecsErrorsAndStoreNothing(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let key = try await Self.prepare(services)
            let base: [(String, String)] = [("api_key", key), ("service_code", "o-ga"), ("lat", "20.95"), ("long", "107.05"), ("attribute[size]", "small")]
            func post(_ fields: [(String, String)]) async throws -> TestResponse {
                let (headers, body) = Self.form(fields)
                return try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: headers, body: body)
            }
            func without(_ name: String) -> [(String, String)] { base.filter { $0.0 != name } }
            #expect(try await post(without("api_key")).status == .forbidden)
            #expect(try await post(without("api_key") + [("api_key", "cioc_sai")]).status == .forbidden)
            #expect(try await post(without("service_code")).status == .badRequest)
            #expect(try await post(without("service_code") + [("service_code", "khong-co")]).status == .badRequest)
            #expect(try await post(without("lat").filter { $0.0 != "long" }).status == .badRequest)
            #expect(try await post(without("lat") + [("lat", "91")]).status == .badRequest)
            #expect(try await post(without("long")).status == .badRequest)
            #expect(try await post(base + [("description", String(repeating: "x", count: 4001))]).status == .badRequest)
            #expect(try await post(without("attribute[size]")).status == .badRequest)
            #expect(try await post(without("attribute[size]") + [("attribute[size]", "huge")]).status == .badRequest)
            #expect(try await post(base + [("attribute[color]", "red")]).status == .badRequest)
            #expect(try await post(base + [("media_url", "javascript:alert(1)")]).status == .badRequest)
            let errors = try await post(without("service_code"))
            let list = try JSONSerialization.jsonObject(with: Data(buffer: errors.body)) as? [[String: Any]]
            #expect(list?.first?["code"] as? Int == 400)
            #expect(try await services.reports.reports(ReportQuery()).isEmpty)
            // and a good one goes through
            #expect(try await post(base).status == .ok)
            #expect(try await services.reports.reports(ReportQuery()).count == 1)
        }
    }

    @Test func theNearestWardCentreIsFoundWithinALimit() {
        let areas = [
            Area(code: "06685", name: "Hồng Gai", level: .ward, parentCode: "22", latitude: 20.9485, longitude: 107.0462),
            Area(code: "06673", name: "Bãi Cháy", level: .ward, parentCode: "22", latitude: 20.9617, longitude: 107.029),
            Area(code: "22", name: "Quảng Ninh", level: .province, parentCode: nil, latitude: 20.95, longitude: 107.04),
        ]
        #expect(NearestArea.find(latitude: 20.9600, longitude: 107.0300, in: areas)?.code == "06673")
        #expect(NearestArea.find(latitude: 20.9490, longitude: 107.0470, in: areas)?.code == "06685")
        #expect(NearestArea.find(latitude: 10.77, longitude: 106.70, in: areas) == nil)
        #expect(abs(NearestArea.distance((21.0285, 105.8542), (10.7769, 106.7009)) - 1138) < 15)
    }
}
