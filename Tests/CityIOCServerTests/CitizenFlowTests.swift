import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CityIOCServer

@Suite struct CitizenFlowTests {
    @Test(arguments: TestEngine.all)
    func fromTheWebFormToAPublishedAnswerAndARating(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            _ = try await Open311RequestTests.prepare(services)
            var citizen = Browser(client)
            #expect(try await citizen.get("/report").text.contains("o-ga"))
            // choosing the category brings its questions
            let asked = try await citizen.get("/report?service_code=o-ga")
            #expect(asked.text.contains("name=\"attribute[size]\""))
            #expect(asked.text.contains("value=\"large\""))
            // a refusal keeps what was typed and says why
            let missing = try await citizen.post("/report", form: ["service_code": "o-ga", "description": "Ổ gà", "attribute[size]": "large"])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.text.contains("Ổ gà"))
            let sent = try await citizen.post(
                "/report",
                form: [
                    "service_code": "o-ga", "description": "Ổ gà sâu trước số 5 Bến Đoan", "address_string": "5 Bến Đoan, Hồng Gai",
                    "attribute[size]": "large", "name": "Lê Văn C", "phone": "0901234567",
                ])
            #expect(sent.status == .seeOther)
            let follow = try #require(sent.headers[.location])
            #expect(follow.hasPrefix("/follow/"))
            let token = String(follow.dropFirst("/follow/".count).prefix { $0 != "?" })
            let id = try #require(try await services.reports.reportID(tokenHash: Secret.sha256(token)))
            #expect(try await services.reports.report(id)?.channel == .web)

            // the centre and the ward handle it
            var desk = Browser(client)
            _ = try await desk.signIn("dieuhanh")
            for (event, fields) in [("classify", ["priority": "normal"]), ("assign", ["agency": "ubnd-06685"])] {
                try await desk.get("/reports/\(id)")
                #expect(try await desk.post("/reports/\(id)/step", form: fields.merging(["event": event]) { $1 }).status == .seeOther)
            }
            var ward = Browser(client)
            _ = try await ward.signIn("canbo.honggai")
            for (event, fields) in [("accept", [:]), ("resolve", ["note": "Đã thảm lại mặt đường."])] as [(String, [String: String])] {
                try await ward.get("/reports/\(id)")
                #expect(try await ward.post("/reports/\(id)/step", form: fields.merging(["event": event]) { $1 }).status == .seeOther)
            }
            // before publication the citizen sees progress, not the answer
            #expect(!(try await citizen.get(follow).text.contains("Đã thảm lại mặt đường.")))
            try await desk.get("/reports/\(id)")
            #expect(try await desk.post("/reports/\(id)/step", form: ["event": "publish"]).status == .seeOther)

            let published = try await citizen.get("/follow/\(token)")
            #expect(published.text.contains("Đã thảm lại mặt đường."))
            #expect(!published.text.contains("canbo.honggai"))
            #expect(try await citizen.post("/follow/\(token)", form: ["step": "rate", "stars": "9"]).status == .unprocessableContent)
            try await citizen.get("/follow/\(token)")
            #expect(try await citizen.post("/follow/\(token)", form: ["step": "rate", "stars": "4", "comment": "Khá nhanh"]).status == .seeOther)
            let rated = try #require(try await services.reports.report(id))
            #expect(rated.workflow.status == .rated)
            #expect(rated.workflow.stars == 4)
            #expect(try await citizen.get("/follow/not-a-token").status == .notFound)
        }
    }

    @Test(arguments: TestEngine.all)
    func anOperatorTakesAHotlineCall(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await services.catalogue.saveService(Open311CatalogueTests.pothole, context: system)
            var staff = Browser(client)
            _ = try await staff.signIn("canbo.xaydung")
            #expect(try await staff.get("/desk/new").status == .forbidden)

            var desk = Browser(client)
            _ = try await desk.signIn("dieuhanh")
            let form = try await desk.get("/desk/new?service_code=o-ga")
            #expect(form.text.contains("Tiếp nhận cuộc gọi đường dây nóng 1022"))
            #expect(form.text.contains("name=\"ward\""))
            let call = [
                "service_code": "o-ga", "ward": "06685", "address_string": "Trước số 5 Bến Đoan", "description": "Ổ gà sâu, xe máy ngã",
                "attribute[size]": "large", "name": "Trần Thị Bình", "phone": "0987654321",
            ]
            let missing = try await desk.post("/desk/new", form: call.merging(["description": " "]) { $1 })
            #expect(missing.status == .unprocessableContent)
            try await desk.get("/desk/new?service_code=o-ga")
            let badWard = try await desk.post("/desk/new", form: call.merging(["ward": "22"]) { $1 })
            #expect(badWard.status == .unprocessableContent)
            #expect(badWard.text.contains("Phường, xã 22 không hợp lệ"))
            try await desk.get("/desk/new?service_code=o-ga")
            let taken = try await desk.post("/desk/new", form: call)
            #expect(taken.status == .created)
            #expect(taken.text.contains("Đọc cho người gọi mã phản ánh"))
            let stored = try #require(try await services.reports.reports(ReportQuery()).first)
            #expect(stored.channel == .hotline)
            #expect(stored.wardCode == "06685")
            #expect(stored.reporter.phone == "0987654321")
            #expect(taken.text.contains(stored.id.rawValue))
            let listed = try await client.execute(uri: "/open311/v2/requests/\(stored.id.rawValue).json?extensions=true", method: .get)
            #expect(listed.text.contains("\"channel\":\"hotline\""))
            #expect(!listed.text.contains("0987654321") && !listed.text.contains("Trần Thị Bình"))
        }
    }

    @Test(arguments: TestEngine.all)
    func thePublicFormTakesSoManyReportsAnHourFromOneAddress(engine: TestEngine) async throws {
        try await withApp(engine, policy: ReportPolicy(publicReportsPerHour: 2)) { services, client in
            try await services.catalogue.saveService(Open311CatalogueTests.pothole, context: system)
            var citizen = Browser(client)
            let report = ["service_code": "o-ga", "attribute[size]": "small", "description": "Ổ gà", "address_string": "Bến Đoan"]
            for _ in 0..<2 {
                try await citizen.get("/report?service_code=o-ga")
                #expect(try await citizen.post("/report", form: report).status == .seeOther)
            }
            try await citizen.get("/report?service_code=o-ga")
            let third = try await citizen.post("/report", form: report)
            #expect(third.status == .tooManyRequests)
            #expect(third.text.contains("Bạn đã gửi 2 phản ánh trong một giờ qua"))
            #expect(try await services.reports.reports(ReportQuery()).count == 2)
            // Old windows are swept; the count starts again in a new hour.
            try await services.intakeLimits.sweepIntakeLimits(before: Date().addingTimeInterval(7200))
            #expect(try await services.intakeLimits.admit(client: "unknown", limit: 2, now: Date()))
        }
    }
}
