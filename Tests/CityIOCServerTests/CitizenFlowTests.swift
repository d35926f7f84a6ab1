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
}
