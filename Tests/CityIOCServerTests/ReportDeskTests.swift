import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CityIOCServer

@Suite struct ReportDeskTests {
    @Test(arguments: TestEngine.all)
    func aReportGoesFromAnAppToAPublishedAnswerThroughThePages(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let key = try await Open311RequestTests.prepare(services)
            let (headers, body) = Open311RequestTests.form([
                ("api_key", key), ("service_code", "o-ga"), ("lat", "20.9490"), ("long", "107.0470"), ("attribute[size]", "large"),
                ("description", "Ổ gà trước chợ Hạ Long"), ("phone", "0912345678"),
            ])
            let posted = try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: headers, body: body)
            let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: posted.body)) as? [[String: Any]])?.first?["service_request_id"] as? String)

            var desk = Browser(client)
            _ = try await desk.signIn("dieuhanh")
            #expect(try await desk.get("/desk").text.contains(id))
            let page = try await desk.get("/reports/\(id)")
            #expect(page.text.contains("0912345678"))  // the centre sees the reporter's phone
            #expect(try await desk.post("/reports/\(id)/step", form: ["event": "classify", "priority": "normal"]).status == .seeOther)
            try await desk.get("/reports/\(id)")
            #expect(try await desk.post("/reports/\(id)/step", form: ["event": "assign", "agency": "ubnd-06685"]).status == .seeOther)

            var other = Browser(client)
            _ = try await other.signIn("canbo.xaydung")
            #expect(!(try await other.get("/desk").text.contains(id)))
            #expect(try await other.get("/reports/\(id)").status == .notFound)

            #expect(try await client.execute(uri: "/published/\(id)", method: .get).status == .notFound)  // not yet published
            var ward = Browser(client)
            _ = try await ward.signIn("canbo.honggai")
            #expect(try await ward.get("/desk").text.contains(id))
            try await ward.get("/reports/\(id)")
            #expect(try await ward.post("/reports/\(id)/step", form: ["event": "publish"]).status == .forbidden)
            try await ward.get("/reports/\(id)")
            #expect(try await ward.post("/reports/\(id)/step", form: ["event": "accept"]).status == .seeOther)
            try await ward.get("/reports/\(id)")
            #expect(try await ward.post("/reports/\(id)/step", form: ["event": "resolve", "note": ""]).status == .unprocessableContent)
            #expect(try await ward.post("/reports/\(id)/step", form: ["event": "resolve", "note": "Đã vá xong ổ gà."]).status == .seeOther)

            try await desk.get("/reports/\(id)")
            #expect(try await desk.post("/reports/\(id)/step", form: ["event": "publish"]).status == .seeOther)

            let report = try #require(try await services.reports.report(Report.ID(id)))
            #expect(report.workflow.status == .published)
            #expect(report.workflow.steps.map(\.actorName).contains("canbo.honggai"))
            let open311 = try await client.execute(uri: "/open311/v2/requests/\(id).json", method: .get)
            let request = try #require((try JSONSerialization.jsonObject(with: Data(buffer: open311.body)) as? [[String: Any]])?.first)
            #expect(request["status"] as? String == "closed")
            #expect(request["status_notes"] as? String == "Đã vá xong ổ gà.")
            // Published: on the public page and its own page, with the answer and without the reporter.
            let published = try await client.execute(uri: "/published", method: .get)
            #expect(published.status == .ok && published.text.contains("/published/\(id)"))
            let publicPage = try await client.execute(uri: "/published/\(id)", method: .get)
            #expect(publicPage.text.contains("Đã vá xong ổ gà.") && !publicPage.text.contains("0912345678"))
            let audit = try await services.audit.auditEntries(AuditFilter(entityType: "report", entityID: id)).map(\.action)
            #expect(audit == ["report.publish", "report.resolve", "report.accept", "report.assign", "report.classify", "report.create"])
        }
    }

    @Test(arguments: TestEngine.all)
    func anAgencyEscalatesAndTheCentreRoutesItAgain(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let key = try await Open311RequestTests.prepare(services)
            let (headers, body) = Open311RequestTests.form([
                ("api_key", key), ("service_code", "o-ga"), ("address_string", "Cột 8, Hồng Gai"), ("attribute[size]", "small"),
            ])
            let posted = try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: headers, body: body)
            let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: posted.body)) as? [[String: Any]])?.first?["service_request_id"] as? String)
            var desk = Browser(client)
            _ = try await desk.signIn("dieuhanh")
            for (event, fields) in [("classify", ["priority": "normal"]), ("assign", ["agency": "ubnd-06685"])] {
                try await desk.get("/reports/\(id)")
                #expect(try await desk.post("/reports/\(id)/step", form: fields.merging(["event": event]) { $1 }).status == .seeOther)
            }
            var ward = Browser(client)
            _ = try await ward.signIn("canbo.honggai")
            try await ward.get("/reports/\(id)")
            let escalated = try await ward.post("/reports/\(id)/step", form: ["event": "escalate", "note": "Vượt thẩm quyền của phường"])
            #expect(escalated.headers[.location] == "/desk")  // no longer theirs
            #expect(try await ward.get("/reports/\(id)").status == .notFound)
            try await desk.get("/reports/\(id)")
            #expect(try await desk.post("/reports/\(id)/step", form: ["event": "assign", "agency": "so-xay-dung"]).status == .seeOther)
            let report = try #require(try await services.reports.report(Report.ID(id)))
            #expect(report.workflow.agency == "so-xay-dung")
            #expect(report.workflow.steps.map(\.status).contains(.escalated))
        }
    }

    @Test(arguments: TestEngine.all)
    func theQueueIsFilteredByWardServiceAndAgency(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let key = try await Open311RequestTests.prepare(services)
            func post(_ location: [(String, String)]) async throws -> String {
                let (headers, body) = Open311RequestTests.form(
                    [("api_key", key), ("service_code", "o-ga"), ("attribute[size]", "small")] + location)
                let posted = try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: headers, body: body)
                return try #require((try JSONSerialization.jsonObject(with: Data(buffer: posted.body)) as? [[String: Any]])?.first?["service_request_id"] as? String)
            }
            let inWard = try await post([("lat", "20.9490"), ("long", "107.0470")])
            let byAddress = try await post([("address_string", "Cái Rồng, Vân Đồn")])
            var desk = Browser(client)
            _ = try await desk.signIn("dieuhanh")
            let ward = try await desk.get("/desk?ward=06685")
            #expect(ward.text.contains(inWard))
            #expect(!ward.text.contains(byAddress))
            #expect(try await desk.get("/desk?service=khac").text.contains(inWard) == false)
            for (event, fields) in [("classify", ["priority": "normal"]), ("assign", ["agency": "so-xay-dung"])] {
                try await desk.get("/reports/\(byAddress)")
                #expect(try await desk.post("/reports/\(byAddress)/step", form: fields.merging(["event": event]) { $1 }).status == .seeOther)
            }
            let held = try await desk.get("/desk?agency=so-xay-dung")
            #expect(held.text.contains(byAddress))
            #expect(!held.text.contains(inWard))
            // an agency's inbox ignores an attempt to look at another agency
            var staff = Browser(client)
            _ = try await staff.signIn("canbo.honggai")
            #expect(!(try await staff.get("/desk?agency=so-xay-dung").text.contains(byAddress)))
        }
    }

    @Test(arguments: TestEngine.all)
    func theDeskRoutesSeveralReportsAtOnceAndListsThemByDueTime(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let key = try await Open311RequestTests.prepare(services)
            var ids: [String] = []
            for place in ["Cột 3", "Cột 5", "Cột 8"] {
                let (headers, body) = Open311RequestTests.form([
                    ("api_key", key), ("service_code", "o-ga"), ("address_string", place), ("attribute[size]", "small"),
                ])
                let posted = try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: headers, body: body)
                ids.append(
                    try #require((try JSONSerialization.jsonObject(with: Data(buffer: posted.body)) as? [[String: Any]])?.first?["service_request_id"] as? String))
            }
            var staff = Browser(client)
            _ = try await staff.signIn("canbo.xaydung")
            try await staff.get("/desk")
            #expect(try await staff.post("/desk/assign", fields: [("id", ids[0])]).status == .forbidden)

            var desk = Browser(client)
            _ = try await desk.signIn("dieuhanh")
            let queue = try await desk.get("/desk")
            #expect(queue.text.contains("name=\"id\" value=\"\(ids[0])\""))
            // Two of three, to the category's default agency (Sở Xây dựng): classified, then assigned.
            let moved = try await desk.post("/desk/assign", fields: [("id", ids[0]), ("id", ids[2]), ("id", "20990101-NOSUCH"), ("agency", "")])
            #expect(moved.status == .seeOther)
            #expect(moved.headers[.location] == "/desk?assigned=2&failed=1")
            for (index, id) in ids.enumerated() {
                let report = try #require(try await services.reports.report(Report.ID(id)))
                #expect(report.workflow.status == (index == 1 ? .received : .assigned))
                #expect(report.workflow.agency == (index == 1 ? nil : "so-xay-dung"))
            }
            let after = try await desk.get("/desk?assigned=2&failed=1")
            #expect(after.text.contains("Đã chuyển 2 phản ánh"))
            // Assigned reports now sit in the list with a running deadline, and in the agency's inbox.
            let inbox = try await staff.get("/desk")
            #expect(inbox.text.contains(ids[0]) && inbox.text.contains(ids[2]) && !inbox.text.contains(ids[1]))
            #expect(try await desk.post("/desk/assign", fields: [("id", ids[1]), ("agency", "khong-ton-tai")]).status == .unprocessableContent)
        }
    }

    @Test(arguments: TestEngine.all)
    func theDeskSeesPossibleDuplicatesAndMergesOne(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let key = try await Open311RequestTests.prepare(services)
            func post(_ lat: String, _ long: String, _ text: String) async throws -> String {
                let (headers, body) = Open311RequestTests.form([
                    ("api_key", key), ("service_code", "o-ga"), ("lat", lat), ("long", long), ("attribute[size]", "large"), ("description", text),
                    ("phone", "0987654321"), ("email", "dan@example.vn"),
                ])
                let posted = try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: headers, body: body)
                return try #require((try JSONSerialization.jsonObject(with: Data(buffer: posted.body)) as? [[String: Any]])?.first?["service_request_id"] as? String)
            }
            let first = try await post("20.94900", "107.04700", "Ổ gà lớn trước cổng chợ Hạ Long, xe máy dễ ngã")
            let far = try await post("20.96000", "107.06000", "Ổ gà lớn trước cổng chợ")
            let second = try await post("20.94910", "107.04712", "Ổ GÀ LON truoc cong cho Ha Long")
            var desk = Browser(client)
            _ = try await desk.signIn("dieuhanh")
            let page = try await desk.get("/reports/\(second)")
            #expect(page.text.contains("Có thể trùng"))
            #expect(page.text.contains("href=\"/reports/\(first)\""))
            #expect(!page.text.contains("href=\"/reports/\(far)\""))  // some 1.6 km away
            #expect(try await desk.post("/reports/\(second)/step", form: ["event": "merge", "target": second]).status == .unprocessableContent)
            try await desk.get("/reports/\(second)")
            #expect(try await desk.post("/reports/\(second)/step", form: ["event": "merge", "target": first]).status == .seeOther)
            let merged = try #require(try await services.reports.report(Report.ID(second)))
            #expect(merged.workflow.status == .merged)
            #expect(merged.workflow.mergedInto == first)
            let listed = try await client.execute(uri: "/open311/v2/requests/\(second).json?extensions=true", method: .get)
            #expect(listed.text.contains("\"duplicate_of\":\"\(first)\""))
            // When the first is answered and published, the merged report's reporter is told too.
            for event in ["classify", "assign"] {
                try await desk.get("/reports/\(first)")
                #expect(try await desk.post("/reports/\(first)/step", form: ["event": event, "priority": "normal", "agency": "so-xay-dung"]).status == .seeOther)
            }
            let calendar = try await services.calendar.workingCalendar()
            let staff = Principal(kind: .user, id: "x", name: "canbo.xaydung", role: .agencyStaff, agencyID: "so-xay-dung")
            let operatorOnDuty = Principal(kind: .user, id: "o", name: "dieuhanh", role: .operator, agencyID: nil)
            for (event, actor) in [(ReportWorkflow.Event.accept, staff), (.resolve(answer: "Đã vá"), staff), (.publish, operatorOnDuty)] {
                _ = try await services.reports.transition(Report.ID(first), event, workflow: .init(actor: actor, now: Date(), calendar: calendar), context: system)
            }
            let told = try await services.outbox.outbox(limit: 50).filter { $0.reportID?.rawValue == second && $0.status == .published }
            #expect(told.count == 1)
            let gateway = RecordingTransport()
            try await services.outbox.deliverOutbox(through: gateway, now: Date())
            let sent = await gateway.sent.filter { $0.reportId == second }
            #expect(sent.contains { $0.channel == .email && $0.to == "dan@example.vn" && $0.text.contains("Đã vá") && $0.text.contains("→ \(first)") })
            #expect(sent.contains { $0.channel == .sms && $0.to == "0987654321" })

            // A merged report is no longer offered as a target.
            let third = try await post("20.94905", "107.04705", "Ổ gà lớn trước chợ Hạ Long")
            let again = try await desk.get("/reports/\(third)")
            #expect(again.text.contains("href=\"/reports/\(first)\"") && !again.text.contains("href=\"/reports/\(second)\""))
        }
    }

    @Test(arguments: TestEngine.all)
    func theDeskIsToldWhenWordsPointToAnotherCategoryAndCorrectsIt(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let key = try await Open311RequestTests.prepare(services)
            try await services.catalogue.saveService(
                Service(code: "ngap-ung", name: "Ngập úng", nameEn: "Flooding", group: "Thoát nước", defaultAgency: "so-xay-dung"), context: system)
            let desk = Principal(kind: .user, id: "o", name: "dieuhanh", role: .operator, agencyID: nil)
            let calendar = try await services.calendar.workingCalendar()
            func post(_ service: String, _ text: String) async throws -> String {
                var fields = [("api_key", key), ("service_code", service), ("address_string", "Hồng Gai"), ("description", text)]
                if service == "o-ga" { fields.append(("attribute[size]", "small")) }
                let (headers, body) = Open311RequestTests.form(fields)
                let posted = try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: headers, body: body)
                return try #require((try JSONSerialization.jsonObject(with: Data(buffer: posted.body)) as? [[String: Any]])?.first?["service_request_id"] as? String)
            }
            // Past reports the desk classified: floods speak of water and drains.
            for text in ["Ngập nước sau mưa, cống tắc", "Cống thoát nước bị tắc, ngập sâu", "Nước ngập ngang gối ở ngõ"] {
                let id = try await post("ngap-ung", text)
                _ = try await services.reports.transition(
                    Report.ID(id), .classify(service: "ngap-ung", priority: .normal), workflow: .init(actor: desk, now: Date(), calendar: calendar),
                    context: system)
            }
            for text in ["Ổ gà lớn giữa đường", "Mặt đường sụt lún"] {
                let id = try await post("o-ga", text)
                _ = try await services.reports.transition(
                    Report.ID(id), .classify(service: "o-ga", priority: .normal), workflow: .init(actor: desk, now: Date(), calendar: calendar),
                    context: system)
            }
            // A citizen picked "potholes" for a flooded, blocked drain.
            let wrong = try await post("o-ga", "Cống tắc, nước ngập cả ngõ")
            var browser = Browser(client)
            _ = try await browser.signIn("dieuhanh")
            let page = try await browser.get("/reports/\(wrong)")
            #expect(page.text.contains("<option value=\"ngap-ung\" selected>"))
            #expect(page.text.contains("Nội dung giống lĩnh vực"))
            #expect(try await browser.post("/reports/\(wrong)/step", form: ["event": "classify", "service": "khong-co", "priority": "normal"]).status == .unprocessableContent)
            try await browser.get("/reports/\(wrong)")
            #expect(try await browser.post("/reports/\(wrong)/step", form: ["event": "classify", "service": "ngap-ung", "priority": "urgent"]).status == .seeOther)
            let corrected = try #require(try await services.reports.report(Report.ID(wrong)))
            #expect(corrected.service == "ngap-ung" && corrected.workflow.priority == .urgent)
            let listed = try await client.execute(uri: "/open311/v2/requests/\(wrong).json", method: .get)
            #expect(listed.text.contains("\"service_code\":\"ngap-ung\""))
        }
    }
}
