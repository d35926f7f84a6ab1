import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CityIOCServer

@Suite struct Open311CatalogueTests {
    static let pothole = Service(
        code: "o-ga", name: "Hư hỏng mặt đường, ổ gà", nameEn: "Potholes", group: "Hạ tầng giao thông", keywords: ["đường", "pothole"],
        defaultAgency: "so-xay-dung", terms: ServiceTerms(acceptWithin: .hours(4), resolveNormal: .days(2)),
        attributes: [
            ServiceAttribute(
                code: "size", datatype: .singlevaluelist, required: true, order: 1, description: "Kích thước",
                values: [.init(key: "small", name: "Nhỏ"), .init(key: "large", name: "Lớn & sâu")])
        ])

    @Test func theDemoCatalogueIsValid() throws {
        for service in DemoCatalogue.services { try service.validate() }
        #expect(Set(DemoCatalogue.services.map(\.code)).count == DemoCatalogue.services.count)
    }

    @Test(arguments: TestEngine.all)
    func servicesAreStoredWhole(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            try await services.catalogue.saveService(Self.pothole, context: system)
            #expect(try await services.catalogue.service("o-ga") == Self.pothole)
            var changed = Self.pothole
            changed.active = false
            try await services.catalogue.saveService(changed, context: system)
            try await services.catalogue.saveService(changed, context: system)
            #expect(try await services.catalogue.services(includeInactive: false).isEmpty)
            #expect(try await services.catalogue.services(includeInactive: true).count == 1)
            let audit = try await services.audit.auditEntries(AuditFilter(entityType: "service"))
            #expect(audit.map(\.action) == ["service.update", "service.create"])
            var orphan = Self.pothole
            orphan.code = "khac"
            orphan.defaultAgency = "khong-co"
            await #expect(throws: StoreError.unknownReference) { try await services.catalogue.saveService(orphan, context: system) }
        }
    }

    @Test(arguments: TestEngine.all)
    func clientsDiscoverAndReadTheCatalogueInJSONAndXML(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await services.catalogue.saveService(Self.pothole, context: system)

            let discovery = try await client.execute(uri: "/open311/v2/discovery.json", method: .get)
            #expect(discovery.status == .ok)
            let endpoints = try discovery.json()["endpoints"] as? [[String: Any]]
            #expect(endpoints?.first?["specification"] as? String == "http://wiki.open311.org/GeoReport_v2")
            #expect((endpoints?.first?["formats"] as? [String])?.contains("text/xml") == true)
            let discoveryXML = try await client.execute(uri: "/open311/v2/discovery.xml", method: .get)
            #expect(discoveryXML.headers[.contentType]?.hasPrefix("text/xml") == true)
            #expect(discoveryXML.text.contains("<endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification>"))

            let list = try await client.execute(uri: "/open311/v2/services.json?jurisdiction_id=22", method: .get)
            let items = try JSONSerialization.jsonObject(with: Data(buffer: list.body)) as? [[String: Any]]
            #expect(items?.count == 1)
            #expect(items?.first?["service_code"] as? String == "o-ga")
            #expect(items?.first?["service_name"] as? String == "Hư hỏng mặt đường, ổ gà")
            #expect(items?.first?["metadata"] as? Bool == true)
            #expect(items?.first?["type"] as? String == "realtime")
            var english = HTTPFields()
            english[.acceptLanguage] = "en"
            let listEnglish = try await client.execute(uri: "/open311/v2/services.json", method: .get, headers: english)
            #expect(listEnglish.text.contains("\"service_name\":\"Potholes\""))
            let listXML = try await client.execute(uri: "/open311/v2/services.xml", method: .get)
            #expect(listXML.text.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?><services><service><service_code>o-ga</service_code>"))

            let definition = try await client.execute(uri: "/open311/v2/services/o-ga.json", method: .get)
            let attributes = try definition.json()["attributes"] as? [[String: Any]]
            #expect(attributes?.first?["code"] as? String == "size")
            #expect(attributes?.first?["datatype"] as? String == "singlevaluelist")
            #expect((attributes?.first?["values"] as? [[String: String]])?.map { $0["key"] } == ["small", "large"])
            let definitionXML = try await client.execute(uri: "/open311/v2/services/o-ga.xml", method: .get)
            #expect(definitionXML.text.contains("<value><key>large</key><name>Lớn &amp; sâu</name></value>"))
            #expect(definitionXML.text.contains("<service_definition><service_code>o-ga</service_code><attributes><attribute>"))
        }
    }

    @Test(arguments: TestEngine.all)
    func errorsComeAsTheSpecsErrorList(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let unknown = try await client.execute(uri: "/open311/v2/services/khong-co.json", method: .get)
            #expect(unknown.status == .notFound)
            let errors = try JSONSerialization.jsonObject(with: Data(buffer: unknown.body)) as? [[String: Any]]
            #expect(errors?.first?["code"] as? Int == 404)
            #expect((errors?.first?["description"] as? String)?.contains("khong-co") == true)
            let unknownXML = try await client.execute(uri: "/open311/v2/services/khong-co.xml", method: .get)
            #expect(unknownXML.text.contains("<errors><error><code>404</code><description>"))
            let jurisdiction = try await client.execute(uri: "/open311/v2/services.json?jurisdiction_id=hanoi", method: .get)
            #expect(jurisdiction.status == .notFound)
            #expect(try await client.execute(uri: "/open311/v2/services.csv", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/open311/v2/nothing.json", method: .get).status == .notFound)
        }
    }
}

@Suite struct ServicePagesTests {
    @Test(arguments: TestEngine.all)
    func adminsEditACategorysDeadlinesAndAgency(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await services.catalogue.saveService(Open311CatalogueTests.pothole, context: system)
            var admin = Browser(client)
            _ = try await admin.signIn("admin")
            #expect(try await admin.get("/admin/services").text.contains("o-ga"))
            try await admin.get("/admin/services/o-ga")
            let fields = [
                "name": "Ổ gà, sụt lún", "name_en": "Potholes", "group": "Giao thông", "agency": "ubnd-06685", "priority": "urgent",
                "accept_within": "4h", "resolve_urgent": "2h", "resolve_normal": "2d", "resolve_complex": "7d", "active": "on",
            ]
            var bad = fields
            bad["resolve_normal"] = "2 tuần"
            #expect(try await admin.post("/admin/services/o-ga", form: bad).status == .unprocessableContent)
            #expect(try await services.catalogue.service("o-ga")?.terms.resolveNormal == .days(2))  // unchanged: the fixture's value
            try await admin.get("/admin/services/o-ga")
            #expect(try await admin.post("/admin/services/o-ga", form: fields).status == .seeOther)
            let saved = try #require(try await services.catalogue.service("o-ga"))
            #expect(saved.name == "Ổ gà, sụt lún")
            #expect(saved.defaultAgency == "ubnd-06685")
            #expect(saved.priority == .urgent)
            #expect(saved.terms == ServiceTerms(acceptWithin: .hours(4), resolveUrgent: .hours(2), resolveNormal: .days(2), resolveComplex: .days(7)))
            #expect(saved.attributes == Open311CatalogueTests.pothole.attributes)  // questions kept
            #expect(try await services.audit.auditEntries(AuditFilter(action: "service.update")).count == 1)

            // The reporter's questions: one changed, one added; a list without choices, or a code
            // used twice, is refused and changes nothing.
            let base = fields.map { ($0.key, $0.value) }
            func block(_ code: String, _ type: String, _ required: String, _ text: String, _ choices: String) -> [(String, String)] {
                [("q_code", code), ("q_datatype", type), ("q_required", required), ("q_description", text), ("q_values", choices)]
            }
            try await admin.get("/admin/services/o-ga")
            let noChoices = base + block("size", "singlevaluelist", "yes", "Kích thước", "")
            #expect(try await admin.post("/admin/services/o-ga", fields: noChoices).status == .unprocessableContent)
            try await admin.get("/admin/services/o-ga")
            let twice = base + block("size", "string", "no", "A", "") + block("size", "string", "no", "B", "")
            #expect(try await admin.post("/admin/services/o-ga", fields: twice).status == .unprocessableContent)
            #expect(try await services.catalogue.service("o-ga")?.attributes == Open311CatalogueTests.pothole.attributes)
            try await admin.get("/admin/services/o-ga")
            let edited =
                base + block("size", "singlevaluelist", "yes", "Kích thước chỗ hỏng", "small|Nhỏ\nlarge|Lớn\nhuge|Rất lớn")
                + block("depth", "number", "no", "Độ sâu (cm)", "") + block("", "string", "no", "", "")
            #expect(try await admin.post("/admin/services/o-ga", fields: edited).status == .seeOther)
            let questions = try #require(try await services.catalogue.service("o-ga")).attributes
            #expect(questions.map(\.code) == ["size", "depth"])
            #expect(questions[0].values.map(\.key) == ["small", "large", "huge"] && questions[0].description == "Kích thước chỗ hỏng")
            #expect(questions[1].datatype == .number && !questions[1].required)
            let definition = try await client.execute(uri: "/open311/v2/services/o-ga.json", method: .get)
            #expect(definition.text.contains("\"code\":\"depth\""))

            var staff = Browser(client)
            _ = try await staff.signIn("canbo.honggai")
            try await staff.get("/admin/services/o-ga")
            #expect(try await staff.post("/admin/services/o-ga", form: fields).status == .forbidden)
        }
    }
}

@Suite struct CatalogueAPITests {
    @Test(arguments: TestEngine.all)
    func integratorsReadAndAdminsReplaceACategoryAsJSON(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await services.catalogue.saveService(Open311CatalogueTests.pothole, context: system)
            let admin = try await services.administration.createApiKey(name: "admin", role: .admin, agencyID: nil, context: system).1
            let reader = try await services.administration.createApiKey(name: "ops", role: .operator, agencyID: nil, context: system).1
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(reader)"
            let got = try await client.execute(uri: "/api/v1/services/o-ga", method: .get, headers: headers)
            #expect(got.status == .ok)
            var body = try got.json()
            #expect((body["terms"] as? [String: Any])?["acceptWithin"] as? String == "4h")
            body["name"] = "Ổ gà, sụt lún mặt đường"
            body["terms"] = ["acceptWithin": "2h", "resolveUrgent": "4h", "resolveNormal": "2d", "resolveComplex": "10d"]
            headers[.contentType] = "application/json"
            let data = try JSONSerialization.data(withJSONObject: body)
            #expect(try await client.execute(uri: "/api/v1/services/o-ga", method: .put, headers: headers, body: ByteBuffer(data: data)).status == .forbidden)
            headers[.authorization] = "Bearer \(admin)"
            #expect(try await client.execute(uri: "/api/v1/services/o-ga", method: .put, headers: headers, body: ByteBuffer(data: data)).status == .ok)
            let saved = try #require(try await services.catalogue.service("o-ga"))
            #expect(saved.name == "Ổ gà, sụt lún mặt đường" && saved.terms.acceptWithin == .hours(2))
            #expect(saved.attributes == Open311CatalogueTests.pothole.attributes)
            // Another code in the body than in the path, a duration no one can read: refused.
            #expect(try await client.execute(uri: "/api/v1/services/khac", method: .put, headers: headers, body: ByteBuffer(data: data)).status == .unprocessableContent)
            body["terms"] = ["acceptWithin": "2 tuần", "resolveUrgent": "4h", "resolveNormal": "2d", "resolveComplex": "10d"]
            let bad = try JSONSerialization.data(withJSONObject: body)
            #expect(try await client.execute(uri: "/api/v1/services/o-ga", method: .put, headers: headers, body: ByteBuffer(data: bad)).status == .badRequest)
            #expect(try await services.catalogue.service("o-ga")?.terms.acceptWithin == .hours(2))
        }
    }
}
