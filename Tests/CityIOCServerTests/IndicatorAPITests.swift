import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CityIOCServer

/// The indicator catalogue, values, corrections and targets through the API, on both engines:
/// who may write what, how a refused row is told, and that a refused set changes nothing.
@Suite struct IndicatorAPITests {
    static let cleanWater = Indicator(
        code: "nuoc-sach", name: "Tỷ lệ hộ dùng nước sạch", nameEn: "Households on clean water", sector: .environment, unit: "%",
        frequency: .month, direction: .higherIsBetter, agency: "so-xay-dung", source: "ISO 37120", decimals: 1)
    static let smartSchools = Indicator(
        code: "truong-thong-minh", name: "Số trường học thông minh", nameEn: "Smart schools", sector: .education, unit: "trường",
        frequency: .year, direction: .higherIsBetter, agency: "ubnd-06685")

    static func send(_ client: some TestClientProtocol, _ key: String, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/indicator-values", method: .post, headers: bearer(key, json: true), body: ByteBuffer(string: body))
    }

    @Test(arguments: TestEngine.all)
    func anAgencyEntersItsOwnValuesAndACorrectionKeepsTheOldOne(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await services.indicators.saveIndicator(Self.cleanWater, context: system)
            try await services.indicators.saveIndicator(Self.smartSchools, context: system)
            let construction = try await AccessTests.key(services, role: .agencyStaff, agency: "so-xay-dung")

            // given: two values of its own indicator, one written with a decimal comma
            let first = try await Self.send(
                client, construction,
                #"{"values": [{"indicator": "nuoc-sach", "area": "22", "period": "2026-10", "value": 96.5},"#
                    + #" {"indicator": "nuoc-sach", "area": "06685", "period": "2026-10", "value": "97,2", "unit": "%"}]}"#)
            #expect(first.status == .ok)
            #expect(try first.json()["created"] as? Int == 2)

            // when: one is corrected and the other sent again unchanged
            let second = try await Self.send(
                client, construction,
                #"{"values": [{"indicator": "nuoc-sach", "area": "22", "period": "2026-10", "value": 96.8, "note": "số liệu chốt"},"#
                    + #" {"indicator": "nuoc-sach", "area": "06685", "period": "2026-10", "value": 97.2}]}"#)
            #expect(try second.json()["corrected"] as? Int == 1)
            #expect(try second.json()["unchanged"] as? Int == 1)

            // then: the value, who set it, and the history of the corrected one
            let values = try await client.execute(uri: "/api/v1/indicators/nuoc-sach/values?area=22", method: .get, headers: bearer(construction))
            let items = try values.items()
            #expect(items.count == 1)
            #expect(items.first?["value"] as? Double == 96.8)
            #expect(items.first?["note"] as? String == "số liệu chốt")
            #expect((items.first?["setBy"] as? String)?.hasPrefix("test") == true)
            let history = try await client.execute(
                uri: "/api/v1/indicators/nuoc-sach/history?area=22&period=2026-10", method: .get, headers: bearer(construction))
            #expect(try history.items().map { $0["value"] as? Double } == [96.5])
            let ranged = try await client.execute(
                uri: "/api/v1/indicators/nuoc-sach/values?from=2026-11", method: .get, headers: bearer(construction))
            #expect(try ranged.items().isEmpty)
            let audit = try await services.audit.auditEntries(AuditFilter(entityType: "indicator_value"))
            #expect(audit.count == 2)
        }
    }

    @Test(arguments: TestEngine.all)
    func aSetWithABadRowIsRefusedWholeWithEveryReasonAndChangesNothing(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await services.indicators.saveIndicator(Self.cleanWater, context: system)
            try await services.indicators.saveIndicator(Self.smartSchools, context: system)
            let construction = try await AccessTests.key(services, role: .agencyStaff, agency: "so-xay-dung")
            let body =
                #"{"values": ["#
                + #"{"indicator": "nuoc-sach", "area": "22", "period": "2026-10", "value": 96.5},"#
                + #"{"indicator": "nuoc-sach", "area": "99999", "period": "2026-10", "value": 1},"#
                + #"{"indicator": "nuoc-sach", "area": "22", "period": "2026", "value": 1},"#
                + #"{"indicator": "nuoc-sach", "area": "22", "period": "2026-09", "value": "nhiều"},"#
                + #"{"indicator": "nuoc-sach", "area": "22", "period": "2026-08", "value": 1, "unit": "người"},"#
                + #"{"indicator": "nuoc-sach", "area": "22", "period": "2026-10", "value": 97},"#
                + #"{"indicator": "truong-thong-minh", "area": "22", "period": "2026", "value": 44},"#
                + #"{"indicator": "khong-co", "area": "22", "period": "2026", "value": 1}"#
                + "]}"
            let refused = try await Self.send(client, construction, body)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.headers[.contentType] == "application/problem+json")
            let rows = try refused.json()["rows"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["row"] as? Int } == [2, 3, 4, 5, 6, 7, 8])
            #expect(
                rows.map { $0["reason"] as? String } == [
                    "unknown_area", "wrong_period", "not_a_number", "unit_mismatch", "duplicate", "not_yours", "unknown_indicator",
                ])
            // Each says what is expected, in the caller's language (Vietnamese unless asked).
            #expect((rows[1]["message"] as? String)?.contains("2026-11") == true)
            #expect((rows[1]["message"] as? String)?.contains("tháng") == true)
            #expect((rows[4]["message"] as? String)?.contains("dòng 1") == true)
            #expect(try await services.indicators.values(IndicatorValueQuery()).isEmpty)

            // valid-only: the one good row is written, the others listed.
            let partly = try await Self.send(client, construction, String(body.dropLast(2)) + #"], "mode": "valid-only"}"#)
            #expect(partly.status == .ok)
            #expect(try partly.json()["created"] as? Int == 1)
            #expect((try partly.json()["rejected"] as? [[String: Any]])?.count == 7)
            #expect(try await services.indicators.values(IndicatorValueQuery()).count == 1)

            // Bad JSON, a wrong media type: the API's problem document, nothing written.
            let broken = try await Self.send(client, construction, #"{"values": [{"indicator": 3}]}"#)
            #expect(broken.status == .badRequest)
            let typed = try await client.execute(
                uri: "/api/v1/indicator-values", method: .post, headers: bearer(construction), body: ByteBuffer(string: "{}"))
            #expect(typed.status == .unsupportedMediaType)
        }
    }

    @Test(arguments: TestEngine.all)
    func whoMayReadWriteAndEditTheCatalogue(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await services.indicators.saveIndicator(Self.cleanWater, context: system)
            let leader = try await AccessTests.key(services, role: .leader)
            let admin = try await AccessTests.key(services, role: .admin)
            let integrator = try await AccessTests.key(services, role: .integrator)
            let ownIntegrator = try await AccessTests.key(services, role: .integrator, agency: "so-xay-dung")
            let value = #"{"values": [{"indicator": "nuoc-sach", "area": "22", "period": "2026-10", "value": 96.5}]}"#

            // A leader reads but cannot write; a key without the owner's agency cannot write.
            #expect(try await client.execute(uri: "/api/v1/indicators", method: .get, headers: bearer(leader)).status == .ok)
            #expect(try await Self.send(client, leader, value).status == .forbidden)
            let stranger = try await Self.send(client, integrator, value)
            #expect(stranger.status == .unprocessableContent)
            #expect((try stranger.json()["rows"] as? [[String: Any]])?.first?["reason"] as? String == "not_yours")
            // The owning agency's key may; so may an admin.
            #expect(try await Self.send(client, ownIntegrator, value).status == .ok)
            #expect(try await Self.send(client, admin, value).status == .ok)
            // Anonymous: sign in first.
            #expect(try await client.execute(uri: "/api/v1/indicators", method: .get).status == .unauthorized)

            // The catalogue: admins only, checked; diacritic-insensitive search.
            var edited = Self.cleanWater
            edited.name = "Tỷ lệ hộ gia đình dùng nước sạch"
            let encoder = JSONEncoder()
            let body = ByteBuffer(data: try encoder.encode(edited))
            #expect(
                try await client.execute(uri: "/api/v1/indicators/nuoc-sach", method: .put, headers: bearer(leader, json: true), body: body)
                    .status == .forbidden)
            #expect(
                try await client.execute(uri: "/api/v1/indicators/nuoc-sach", method: .put, headers: bearer(admin, json: true), body: body)
                    .status == .ok)
            var wrong = edited
            wrong.agency = "khong-ton-tai"
            #expect(
                try await client.execute(
                    uri: "/api/v1/indicators/nuoc-sach", method: .put, headers: bearer(admin, json: true),
                    body: ByteBuffer(data: try encoder.encode(wrong))
                ).status == .unprocessableContent)
            let found = try await client.execute(uri: "/api/v1/indicators?q=ho%20gia%20dinh%20nuoc%20sach", method: .get, headers: bearer(leader))
            #expect(try found.items().map { $0["code"] as? String } == ["nuoc-sach"])
            #expect(try await client.execute(uri: "/api/v1/indicators?sector=nope", method: .get, headers: bearer(leader)).status == .unprocessableContent)
            #expect(try await client.execute(uri: "/api/v1/indicators/khong-co", method: .get, headers: bearer(leader)).status == .notFound)

            // Targets: admins set them for periods of the indicator's frequency.
            let targets = ByteBuffer(string: #"[{"area": "22", "period": "2026-12", "target": 97}]"#)
            #expect(
                try await client.execute(uri: "/api/v1/indicators/nuoc-sach/targets", method: .put, headers: bearer(admin, json: true), body: targets)
                    .status == .ok)
            let read = try await client.execute(uri: "/api/v1/indicators/nuoc-sach/targets", method: .get, headers: bearer(leader))
            #expect(try read.items().map { $0["target"] as? Double } == [97])
            let badTarget = ByteBuffer(string: #"[{"area": "22", "period": "2026-Q4", "target": 97}]"#)
            #expect(
                try await client.execute(
                    uri: "/api/v1/indicators/nuoc-sach/targets", method: .put, headers: bearer(admin, json: true), body: badTarget
                ).status == .unprocessableContent)
        }
    }

    @Test(arguments: TestEngine.all)
    func theShippedCatalogueInstallsOnceWithTheOwnersThisCityHas(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            let installed = try await services.installDefaultIndicators()
            let shipped = try DefaultIndicators.load()
            #expect(installed == shipped.count)
            #expect(Set(shipped.map(\.sector)) == Set(Indicator.Sector.allCases))
            for indicator in shipped { try indicator.validate() }
            let stored = try await services.indicators.indicators(includeInactive: true)
            #expect(stored.count == shipped.count)
            // The fixture has Sở Xây dựng but no Sở Du lịch.
            #expect(stored.first { $0.code == "nuoc-thai-xu-ly" }?.agency == "so-xay-dung")
            #expect(stored.first { $0.code == "luot-khach-du-lich" }?.agency == nil)
            #expect(try await services.installDefaultIndicators() == 0)
        }
    }
}

/// The dashboards in HTML: what a leader sees, and who may not.
@Suite struct IndicatorPageTests {
    @Test(arguments: TestEngine.all)
    func theOverviewSectorAndIndicatorPagesShowTheFiguresAndTheirStanding(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await services.indicators.saveIndicator(IndicatorAPITests.cleanWater, context: system)
            let drafts =
                [("2026-09", 95.0), ("2026-10", 96.5)].map {
                    IndicatorValueDraft(indicator: "nuoc-sach", area: "22", period: Period($0.0)!, value: $0.1)
                } + [IndicatorValueDraft(indicator: "nuoc-sach", area: "06685", period: Period("2026-10")!, value: 91.25)]
            _ = try await services.indicators.setValues(drafts, context: system)
            try await services.indicators.setTargets(
                [IndicatorTarget(indicator: "nuoc-sach", area: "22", period: Period("2026-10")!, target: 97)], context: system)
            var browser = Browser(client)
            _ = try await browser.signIn("lanhdao")

            let overview = try await browser.get("/indicators")
            #expect(overview.status == .ok)
            #expect(overview.text.contains("Môi trường"))
            #expect(overview.text.contains("96,5"))  // Vietnamese decimal comma
            // 96.5 against a target of 97, higher is better: within a tenth, to watch.
            #expect(overview.text.contains("status-watch"))
            #expect(overview.text.contains("<svg class=\"spark\""))
            #expect(overview.text.contains("Tháng 10/2026"))
            // the ring of standings: one indicator, to watch
            #expect(overview.text.contains("<figure class=\"chart donut\">"))
            #expect(overview.text.contains("Cần theo dõi: <strong>1</strong>"))

            let sector = try await browser.get("/indicators/sector/environment")
            #expect(sector.text.contains("Tỷ lệ hộ dùng nước sạch"))
            #expect(sector.text.contains("97,0"))
            #expect(try await browser.get("/indicators/sector/khong-co").status == .notFound)

            let page = try await browser.get("/indicators/nuoc-sach")
            #expect(page.text.contains("Sở Xây dựng"))
            // 96.5 of a target of 97 on the dial
            #expect(page.text.contains("<figure class=\"chart gauge\">"))
            #expect(page.text.contains(">99 %</text>"))
            #expect(page.text.contains("Phường Hồng Gai"))
            #expect(page.text.contains("91,3") || page.text.contains("91,2"))
            #expect(page.text.contains("class=\"series\""))
            let ward = try await browser.get("/indicators/nuoc-sach?area=06685")
            #expect(ward.text.contains("91,3") || ward.text.contains("91,2"))
            #expect(try await browser.get("/indicators/khong-co").status == .notFound)

            // In English on request; a citizen's account may not open it.
            let english = try await browser.get("/indicators", headers: [.acceptLanguage: "en"])
            #expect(english.status == .ok)
            var citizen = Browser(client)
            #expect(try await citizen.get("/indicators").status == .seeOther)
        }
    }

    @Test(arguments: TestEngine.all)
    func everyTableDownloadsAsCSVAndExcelAndTheMonthlyReportShowsThePeriodsEndedByItsMonth(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await services.indicators.saveIndicator(IndicatorAPITests.cleanWater, context: system)
            try await services.indicators.saveIndicator(IndicatorAPITests.smartSchools, context: system)
            let drafts =
                [("2026-08", 94.0), ("2026-09", 95.0), ("2026-10", 96.5)].map {
                    IndicatorValueDraft(indicator: "nuoc-sach", area: "22", period: Period($0.0)!, value: $0.1)
                } + [
                    IndicatorValueDraft(indicator: "nuoc-sach", area: "06685", period: Period("2026-10")!, value: 91.25),
                    IndicatorValueDraft(indicator: "truong-thong-minh", area: "22", period: Period("2025")!, value: 44),
                ]
            _ = try await services.indicators.setValues(drafts, context: system)
            try await services.indicators.setTargets(
                [IndicatorTarget(indicator: "nuoc-sach", area: "22", period: Period("2026-09")!, target: 100)], context: system)
            var leader = Browser(client)
            _ = try await leader.signIn("lanhdao")

            // the overview as a workbook: a row per indicator, numbers as numbers
            let overview = try await leader.get("/indicators?format=xlsx")
            #expect(overview.status == .ok)
            #expect(overview.headers[.contentDisposition] == "attachment; filename=\"cityioc-chi-tieu-22.xlsx\"")
            let sheet = try XLSXReader.table(Data(buffer: overview.body))
            #expect(sheet.header.prefix(6) == ["ma_chi_tieu", "chi_tieu", "linh_vuc", "dia_ban", "ky", "gia_tri"])
            let water = try #require(sheet.rows.first { $0.fields.first == "nuoc-sach" })
            #expect(water.fields[4...5] == ["2026-10", "96.5"])
            #expect(water.fields[8] == "95")  // the period before
            #expect((try await leader.get("/indicators")).text.contains("format=xlsx"))

            // a sector page as CSV, in English when asked
            let sector = try await leader.get("/indicators/sector/environment?format=csv", headers: [.acceptLanguage: "en"])
            #expect(sector.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(sector.text.hasPrefix("\u{FEFF}code,indicator,sector,area,period,value"))
            #expect(sector.text.contains("nuoc-sach,Households on clean water,Environment"))
            #expect(!sector.text.contains("truong-thong-minh"))

            // an indicator's history, newest first, and its wards
            let history = try await leader.get("/indicators/nuoc-sach?format=csv")
            let lines = history.text.split(separator: "\r\n").map(String.init)
            #expect(lines.count == 4)
            #expect(lines[1].hasPrefix("2026-10,"))
            #expect(lines[2].hasPrefix("2026-09,") && lines[2].contains(",95,%,100,"))
            let wards = try await leader.get("/indicators/nuoc-sach?format=csv&table=areas")
            #expect(wards.text.contains("06685,Phường Hồng Gai,2026-10,91.3,%") || wards.text.contains("06685,Phường Hồng Gai,2026-10,91.2,%"))
            #expect(try await leader.get("/indicators?format=pdf").status == .unprocessableContent)

            // the report for September: September's value against its target, and the last
            // whole year (2025) for the yearly indicator; October's value is not in it
            let september = try await leader.get("/indicators/report?month=2026-09")
            #expect(september.status == .ok)
            #expect(september.text.contains("Tháng 9/2026"))
            #expect(september.text.contains("<td class=\"num strong\">95,0</td>"))
            #expect(september.text.contains("95,0 %"))  // of the target 100
            #expect(!september.text.contains("96,5"))
            #expect(september.text.contains("<td class=\"num strong\">44</td>"))
            #expect(september.text.contains("data-print"))
            let printed = try await leader.get("/indicators/report?month=2026-09&format=xlsx")
            let report = try XLSXReader.table(Data(buffer: printed.body))
            #expect(report.rows.first { $0.fields.first == "nuoc-sach" }?.fields[4...5] == ["2026-09", "95"])
            #expect(try await leader.get("/indicators/report?month=2026-13").status == .unprocessableContent)
            var citizen = Browser(client)
            #expect(try await citizen.get("/indicators/report").status == .seeOther)
        }
    }

    @Test(arguments: TestEngine.all)
    func theWardsAreMappedByTheirValuesAsCirclesUntilOutlinesAreLoaded(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await services.indicators.saveIndicator(IndicatorAPITests.cleanWater, context: system)
            for (code, name, longitude) in [("06688", "Phường Bãi Cháy", 107.0), ("06691", "Phường Hà Tu", 107.15)] {
                try await services.organisation.saveArea(
                    Area(code: Area.Code(code), name: name, level: .ward, parentCode: "22", latitude: 20.95, longitude: longitude), context: system)
            }
            let drafts = [("06685", 91.0), ("06688", 99.0)].map {
                IndicatorValueDraft(indicator: "nuoc-sach", area: Area.Code($0.0), period: Period("2026-10")!, value: $0.1)
            }
            _ = try await services.indicators.setValues(drafts, context: system)
            var leader = Browser(client)
            _ = try await leader.signIn("lanhdao")

            // without outlines: a circle per ward, the lowest red and the highest green (higher is better)
            let circles = try await leader.get("/indicators/nuoc-sach").text
            #expect(circles.contains("<circle class=\"area heat-0\""))
            #expect(circles.contains("<circle class=\"area heat-4\""))
            #expect(circles.contains("<title>Phường Hồng Gai: 91,0 %</title>"))
            #expect(circles.contains("class=\"area no-value\""))  // the wards without a value
            #expect(circles.contains("href=\"/indicators/nuoc-sach?area=06685\""))
            #expect(!circles.contains("<path class=\"area"))

            // with an outline loaded for one ward: that ward is drawn as its shape
            let square = Boundary(polygons: [[[[107.05, 20.94], [107.09, 20.94], [107.09, 20.97], [107.05, 20.97], [107.05, 20.94]]]])
            try await services.boundaries.saveBoundaries([(Area.Code("06685"), square)], context: system)
            let outlined = try await leader.get("/indicators/nuoc-sach").text
            #expect(outlined.contains("<path class=\"area heat-0\" d=\"M"))
            #expect(outlined.contains("<circle class=\"area heat-4\""))
        }
    }

    @Test func ringsDialsAndStackedBarsAreDrawnToScale() {
        let format = Format(language: .vi)
        // two equal shares: two half arcs from the top, the second ending where the first began
        let ring = Charts.donut(
            [Charts.Share(label: "a", value: 1, fill: "#111111"), Charts.Share(label: "b", value: 1, fill: "#222222"), Charts.Share(label: "c", value: 0, fill: "#333333")],
            centre: "2", caption: "x", format: format
        ).raw
        #expect(ring.contains("<path d=\"M60.0 14.0A46.0 46.0 0 0 1 60.0 106.0\" fill=\"none\" stroke=\"#111111\""))
        #expect(ring.contains("<path d=\"M60.0 106.0A46.0 46.0 0 0 1 60.0 14.0\" fill=\"none\" stroke=\"#222222\""))
        #expect(!ring.contains("stroke=\"#333333\""))
        // one share alone is a whole circle
        #expect(
            Charts.donut([Charts.Share(label: "a", value: 3, fill: "#111111")], centre: "3", caption: "x", format: format).raw.contains(
                "<circle cx=\"60\" cy=\"60\" r=\"46.0\" fill=\"none\" stroke=\"#111111\""))
        // a value at half the dial's top ends straight up; the target tick at the top's 80 %
        let dial = Charts.gauge(50, maximum: 100, mark: 80, fill: "#00aa00", label: "50 %", caption: "x").raw
        #expect(dial.contains("A62.0 62.0 0 0 1 80.0 18.0\" fill=\"none\" stroke=\"#00aa00\""))
        // stacked: 10 and 30 of a top of 50, in a plot 208 high from y = 10
        let bars = Charts.stackedBars([(label: "2026-11", values: [10, 30])], series: [("a", "#aaaaaa"), ("b", "#bbbbbb")], caption: "x", format: format).raw
        #expect(bars.contains("y=\"176.4\" width=\"627.2\" height=\"41.6\" fill=\"#aaaaaa\""))
        #expect(bars.contains("y=\"51.6\" width=\"627.2\" height=\"124.8\" fill=\"#bbbbbb\""))
    }

    @Test func demoCountsOfWardsAddUpToTheProvince() {
        let parts = DemoIndicators.apportion(26, shares: [0.2, 0.3, 0.1, 0.4], decimals: 0)
        #expect(parts.reduce(0, +) == 26)
        #expect(parts == [5, 8, 3, 10])
        let tenths = DemoIndicators.apportion(10.5, shares: Array(repeating: 1.0 / 7, count: 7), decimals: 1)
        #expect(abs(tenths.reduce(0, +) - 10.5) < 1e-9)
    }
}

/// An agency's clerk sends figures in the form and by CSV, checked before anything is written.
@Suite struct IndicatorEntryTests {
    static func seed(_ services: AppServices) async throws {
        try await services.indicators.saveIndicator(IndicatorAPITests.cleanWater, context: system)
        try await services.indicators.saveIndicator(IndicatorAPITests.smartSchools, context: system)
    }

    @Test(arguments: TestEngine.all)
    func theFormShowsOnlyTheAgencysIndicatorsAndSavesTheDueValue(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await Self.seed(services)
            var clerk = Browser(client)
            _ = try await clerk.signIn("canbo.xaydung")
            let form = try await clerk.get("/indicators/entry")
            #expect(form.status == .ok)
            #expect(form.text.contains("name=\"value.nuoc-sach\""))
            #expect(!form.text.contains("value.truong-thong-minh"))  // another agency's
            // the deadline of the period due (the 25th of the month after it), and on the start
            // page a reminder when it is five days away or less
            let today = try await services.calendar.workingCalendar().civilDay(of: Date())
            let deadline = Period(.month, containing: today).previous.reportingDeadline()
            #expect(form.text.contains("\(deadline.day.zeroPadded(2))/\(deadline.month.zeroPadded(2))/\(deadline.year)"))
            let home = try await clerk.get("/").text
            let left = CivilDay.days(from: today, to: deadline)
            #expect(home.contains("cần gửi số liệu trước") == (left >= 0 && left <= 5))
            #expect(home.contains("đã quá hạn gửi số liệu") == (left < 0))
            let soon = IndicatorDeadlines.standing(Period("2026-11")!, value: nil, today: CivilDay(2026, 12, 22))
            #expect(soon == .dueIn(3))
            #expect(IndicatorDeadlines.standing(Period("2026-11")!, value: nil, today: CivilDay(2026, 12, 27)) == .late(2))

            // A word where a number goes: refused, marked, nothing written.
            let wrong = try await clerk.post("/indicators/entry", form: ["value.nuoc-sach": "chín mươi"])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.text.contains("không phải là số"))
            #expect(try await services.indicators.values(IndicatorValueQuery()).isEmpty)

            let saved = try await clerk.post("/indicators/entry", form: ["value.nuoc-sach": "96,5", "note.nuoc-sach": "ước tính"])
            #expect(saved.status == .seeOther)
            let stored = try await services.indicators.values(IndicatorValueQuery())
            #expect(stored.map(\.value) == [96.5])
            #expect(stored.first?.setBy == "canbo.xaydung")
            #expect(stored.first?.note == "ước tính")
            // The period due is the last whole month.
            #expect(stored.first?.period == Period(.month, containing: today).previous)
            // Trying another agency's indicator by hand: refused as not theirs.
            let forged = try await clerk.post("/indicators/entry", form: ["value.truong-thong-minh": "44"])
            #expect(forged.status == .seeOther)
            #expect(try await services.indicators.values(IndicatorValueQuery(indicators: ["truong-thong-minh"])).isEmpty)
        }
    }

    @Test(arguments: TestEngine.all)
    func aCSVIsCheckedShownAndWrittenOnlyWhenConfirmed(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await Self.seed(services)
            var clerk = Browser(client)
            _ = try await clerk.signIn("canbo.xaydung")
            let template = try await clerk.get("/indicators/entry/template.csv")
            #expect(template.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(template.text.contains("chi_tieu,dia_ban,ky,gia_tri,don_vi,ghi_chu"))
            #expect(template.text.contains("nuoc-sach,22,"))
            _ = try await clerk.get("/indicators/entry")  // the form, and its CSRF token

            let csv = "chi_tieu;dia_ban;ky;gia_tri\nnuoc-sach;22;2026-09;95,1\nnuoc-sach;06685;2026-09;96\nnuoc-sach;00000;2026-09;1\nnuoc-sach;22;Q3;1\n"
            let file = [(field: "file", name: "so-lieu.csv", data: Data(csv.utf8))]
            let checked = try await clerk.post("/indicators/import", form: ["step": "check", "mode": "all-or-nothing"], files: file)
            #expect(checked.status == .unprocessableContent)
            #expect(checked.text.contains("Dòng 4: không có địa bàn mã “00000”"))
            #expect(checked.text.contains("Dòng 5: kỳ “Q3” không đúng"))
            #expect(!checked.text.contains("name=\"step\" value=\"commit\""))  // all or nothing: no way to write it
            #expect(try await services.indicators.values(IndicatorValueQuery()).isEmpty)

            let partly = try await clerk.post("/indicators/import", form: ["step": "check", "mode": "valid-only"], files: file)
            #expect(partly.text.contains("name=\"step\" value=\"commit\""))
            #expect(try await services.indicators.values(IndicatorValueQuery()).isEmpty)  // checking writes nothing
            let committed = try await clerk.post("/indicators/import", form: ["step": "commit", "mode": "valid-only", "csv": csv])
            #expect(committed.status == .seeOther)
            #expect(try await services.indicators.values(IndicatorValueQuery()).map(\.value).sorted() == [95.1, 96])

            // A wrong column is named before any row is read.
            let badHeader = try await clerk.post(
                "/indicators/import", form: ["step": "check"], files: [(field: "file", name: "x.csv", data: Data("chi_tieu,dia_ban,ky,so_tien\n".utf8))])
            #expect(badHeader.status == .unprocessableContent)
            #expect(badHeader.text.contains("Cột không nhận ra: so_tien"))
            // A leader may not send values at all.
            var leader = Browser(client)
            _ = try await leader.signIn("lanhdao")
            #expect(try await leader.get("/indicators/entry").status == .forbidden)
        }
    }

    @Test(arguments: TestEngine.all)
    func anExcelWorkbookIsCheckedAndWrittenLikeACSVThroughThePageAndTheAPI(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await Self.seed(services)
            // the template as a workbook: the header the import reads and a row per indicator due
            var clerk = Browser(client)
            _ = try await clerk.signIn("canbo.xaydung")
            let template = try await clerk.get("/indicators/entry/template.xlsx")
            #expect(template.headers[.contentType] == Spreadsheet.Format.xlsx.contentType)
            #expect(template.headers[.contentDisposition] == "attachment; filename=\"cityioc-chi-tieu.xlsx\"")
            let blank = try XLSXReader.table(Data(buffer: template.body))
            #expect(blank.header == ["chi_tieu", "dia_ban", "ky", "gia_tri", "don_vi", "ghi_chu"])
            #expect(blank.rows.map { $0.fields.prefix(2) } == [["nuoc-sach", "22"]])

            // through the API, all or nothing: the workbook's row 5 has a day for a monthly indicator
            let key = try await AccessTests.key(services, role: .agencyStaff, agency: "so-xay-dung")
            var headers = bearer(key)
            headers[.contentType] = Spreadsheet.Format.xlsx.contentType
            let refused = try await client.execute(
                uri: "/api/v1/indicator-values", method: .post, headers: headers, body: ByteBuffer(bytes: XLSXTests.openpyxl))
            #expect(refused.status == .unprocessableContent)
            let rows = try refused.json()["rows"] as? [[String: Any]]
            #expect(rows?.map { $0["row"] as? Int } == [5])
            #expect(rows?.first?["field"] as? String == "period")
            #expect(try await services.indicators.values(IndicatorValueQuery()).isEmpty)

            // through the page: checked and shown, then the valid rows written on confirmation
            _ = try await clerk.get("/indicators/entry")
            let file = [(field: "file", name: "so-lieu.xlsx", data: XLSXTests.openpyxl)]
            let checked = try await clerk.post("/indicators/import", form: ["step": "check", "mode": "valid-only"], files: file)
            #expect(checked.status == .unprocessableContent)
            #expect(checked.text.contains("Dòng 5: kỳ “2026-11-05” không đúng"))
            #expect(checked.text.contains("name=\"xlsx\""))
            #expect(try await services.indicators.values(IndicatorValueQuery()).isEmpty)
            let committed = try await clerk.post(
                "/indicators/import", form: ["step": "commit", "mode": "valid-only", "xlsx": XLSXTests.openpyxl.base64EncodedString()])
            #expect(committed.status == .seeOther)
            let values = try await services.indicators.values(IndicatorValueQuery())
            #expect(values.map(\.value).sorted() == [96.5, 1234])
            #expect(values.first { $0.value == 96.5 }?.note == "Sơ bộ & chưa thẩm định")

            // the same workbook again through the API, valid rows only: nothing new, row 5 listed
            let again = try await client.execute(
                uri: "/api/v1/indicator-values?mode=valid-only", method: .post, headers: headers, body: ByteBuffer(bytes: XLSXTests.openpyxl))
            #expect(again.status == .ok)
            #expect(try again.json()["unchanged"] as? Int == 2)

            // an old .xls, and a ZIP that is no workbook, are refused with their reasons
            let old = try await clerk.post(
                "/indicators/import", form: ["step": "check"], files: [(field: "file", name: "a.xls", data: Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]))])
            #expect(old.status == .unprocessableContent)
            #expect(old.text.contains("Excel 97–2003"))
            let broken = try await clerk.post(
                "/indicators/import", form: ["step": "check"], files: [(field: "file", name: "b.xlsx", data: Data([0x50, 0x4B, 0x03, 0x04, 1, 2, 3]))])
            #expect(broken.status == .unprocessableContent)
            #expect(broken.text.contains("không phải bảng tính Excel"))
            headers[.contentType] = "text/csv"
            let csv = try await client.execute(
                uri: "/api/v1/indicator-values?mode=sometimes", method: .post, headers: headers, body: ByteBuffer(string: "chi_tieu,dia_ban,ky,gia_tri\n"))
            #expect(csv.status == .unprocessableContent)
            #expect(csv.text.contains("mode"))
        }
    }
}

/// The catalogue and its targets edited on the admins' pages.
@Suite struct IndicatorAdminTests {
    @Test(arguments: TestEngine.all)
    func anAdminMakesAnIndicatorSetsItsTargetAndBadInputChangesNothing(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            var admin = Browser(client)
            _ = try await admin.signIn("admin")
            _ = try await admin.get("/admin/indicators/new")
            let fields = [
                "code": "ho-ngheo", "name": "Tỷ lệ hộ nghèo", "name_en": "Poor households", "sector": "labour", "unit": "%",
                "frequency": "year", "direction": "lower", "agency": "so-xay-dung", "method": "computed", "source": "KT-XH", "decimals": "2",
                "active": "on",
            ]
            let made = try await admin.post("/admin/indicators", form: fields)
            #expect(made.status == .seeOther)
            let stored = try #require(try await services.indicators.indicator("ho-ngheo"))
            #expect(stored.direction == .lowerIsBetter && stored.frequency == .year && stored.decimals == 2)
            #expect(stored.method == .entered)  // no one makes an indicator "computed" by hand
            #expect(try await admin.get("/admin/indicators?q=ho%20ngheo").text.contains("Tỷ lệ hộ nghèo"))

            // the same code again, an unknown agency, a bad code: refused with the reason, nothing changed
            let again = try await admin.post("/admin/indicators", form: fields.merging(["name": "Khác"]) { $1 })
            #expect(again.status == .unprocessableContent)
            let stranger = try await admin.post("/admin/indicators/ho-ngheo", form: fields.merging(["agency": "khong-co"]) { $1 })
            #expect(stranger.status == .unprocessableContent)
            #expect(try await admin.post("/admin/indicators", form: fields.merging(["code": "Hộ Nghèo"]) { $1 }).status == .unprocessableContent)
            let formula = try await admin.post("/admin/indicators/ho-ngheo", form: fields.merging(["formula": "avg:ho-ngheo-da-chieu"]) { $1 })
            #expect(formula.status == .unprocessableContent)
            #expect(formula.text.contains("avg:ho-ngheo-da-chieu"))  // kept in the field to correct
            #expect(try await services.indicators.indicator("ho-ngheo")?.name == "Tỷ lệ hộ nghèo")
            #expect(try await services.indicators.indicator("ho-ngheo")?.agency == "so-xay-dung")

            // a target of the indicator's frequency; a month is refused for a yearly one
            let target = try await admin.post("/admin/indicators/ho-ngheo/targets", form: ["area": "22", "period": "2026", "target": "1,25"])
            #expect(target.status == .seeOther)
            #expect(try await services.indicators.targets(IndicatorValueQuery(indicators: ["ho-ngheo"])).map(\.target) == [1.25])
            let month = try await admin.post("/admin/indicators/ho-ngheo/targets", form: ["area": "22", "period": "2026-11", "target": "1"])
            #expect(month.status == .unprocessableContent)
            #expect(try await admin.get("/admin/indicators/ho-ngheo").text.contains("1,25"))

            var leader = Browser(client)
            _ = try await leader.signIn("lanhdao")
            #expect(try await leader.get("/admin/indicators").status == .forbidden)
        }
    }
}

/// Indicators derived by formula: a province summed from its wards, a rate per 100,000 people.
@Suite struct DerivedIndicatorTests {
    @Test func formulasReadAndWriteTheirText() {
        #expect(IndicatorFormula("sum:doanh-nghiep-moi") == .sumOfWards("doanh-nghiep-moi"))
        #expect(IndicatorFormula(" ratio: tai-nan / dan-so * 100000 ") == .ratio("tai-nan", over: "dan-so", scale: 100_000))
        #expect(IndicatorFormula("ratio:tai-nan/dan-so*100000")?.description == "ratio:tai-nan/dan-so*100000")
        #expect(IndicatorFormula("ratio:a.b/c_d")?.description == "ratio:a.b/c_d")
        for bad in ["", "sum:", "sum:Hộ", "ratio:a/a", "ratio:ab/cd*0", "ratio:ab/cd*x", "ratio:ab", "avg:ab", "ratio:ab/cd/ef"] {
            #expect(IndicatorFormula(bad) == nil, "\(bad)")
        }
    }

    @Test(arguments: TestEngine.all)
    func derivedValuesFollowTheirInputsAndABadFormulaIsRefused(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let admin = try await AccessTests.key(services, role: .admin)
            func put(_ body: String, _ code: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/indicators/\(code)", method: .put, headers: bearer(admin, json: true), body: ByteBuffer(string: body))
            }
            func indicator(_ code: String, _ unit: String, _ extra: String = "", frequency: String = "year") -> String {
                #"{"code": "\#(code)", "name": "\#(code)", "nameEn": "", "sector": "security", "unit": "\#(unit)", "frequency": "\#(frequency)", "direction": "lower", "method": "\#(extra.isEmpty ? "entered" : "computed")", "source": "", "decimals": 1, "active": true\#(extra)}"#
            }
            #expect(try await put(indicator("tai-nan", "vụ"), "tai-nan").status == .created)
            #expect(try await put(indicator("dan-so", "người"), "dan-so").status == .created)
            #expect(try await put(indicator("tai-nan-thang", "vụ", frequency: "month"), "tai-nan-thang").status == .created)
            let rate = indicator("tai-nan-100k", "vụ/100.000 dân", #", "formula": "ratio:tai-nan/dan-so*100000""#)
            #expect(try await put(rate, "tai-nan-100k").status == .created)
            #expect(try await put(indicator("tai-nan-tinh", "vụ", #", "formula": "sum:tai-nan""#), "tai-nan-tinh").status == .created)
            // refused: an input of another frequency, an unknown input, a formula on an entered indicator, nonsense
            #expect(try await put(indicator("x-thang", "vụ", #", "formula": "sum:tai-nan-thang""#), "x-thang").status == .unprocessableContent)
            #expect(try await put(indicator("x-khong", "vụ", #", "formula": "sum:khong-co""#), "x-khong").status == .unprocessableContent)
            #expect(try await put(indicator("x-tu", "vụ", #", "formula": "sum:x-tu""#), "x-tu").status == .unprocessableContent)
            #expect(try await put(indicator("x-rac", "vụ", #", "formula": "avg:tai-nan""#), "x-rac").status == .badRequest)
            #expect(try await services.indicators.indicator("x-thang") == nil)
            #expect(try await services.indicators.indicator("x-khong") == nil)

            let year = Period("2025")!
            let drafts = [
                IndicatorValueDraft(indicator: "tai-nan", area: "06685", period: year, value: 30),
                IndicatorValueDraft(indicator: "tai-nan", area: "06994", period: year, value: 12),
                IndicatorValueDraft(indicator: "dan-so", area: "06685", period: year, value: 60_000),
                IndicatorValueDraft(indicator: "dan-so", area: "06994", period: year, value: 0),
            ]
            _ = try await services.indicators.setValues(drafts, context: system)
            let job = DerivedIndicators.Watermark()
            try await job.run(services)
            func derived() async throws -> [String: Double] {
                Dictionary(
                    uniqueKeysWithValues: try await services.indicators.values(IndicatorValueQuery(indicators: ["tai-nan-100k", "tai-nan-tinh"])).map {
                        ("\($0.indicator.rawValue) \($0.area.rawValue)", $0.value)
                    })
            }
            // 30 / 60,000 × 100,000 = 50; no rate where the population is 0; the province is 30 + 12
            #expect(try await derived() == ["tai-nan-100k 06685": 50, "tai-nan-tinh 22": 42])
            // a corrected input is followed at the job's next run; a run with nothing new writes nothing
            _ = try await services.indicators.setValues([IndicatorValueDraft(indicator: "tai-nan", area: "06685", period: year, value: 33)], context: system)
            try await job.run(services)
            #expect(try await derived() == ["tai-nan-100k 06685": 55, "tai-nan-tinh 22": 45])
            let audited = try await services.audit.auditEntries(AuditFilter(entityType: "indicator_value")).count
            try await job.run(services)
            try await job.run(services)
            #expect(try await services.audit.auditEntries(AuditFilter(entityType: "indicator_value")).count == audited)
            // nobody sends a derived value by hand
            let sent = try await IndicatorAPITests.send(client, admin, #"{"values": [{"indicator": "tai-nan-100k", "area": "22", "period": "2025", "value": 1}]}"#)
            #expect(sent.status == .unprocessableContent)
        }
    }
}

@Suite struct NumberFormatTests {
    @Test func decimalsAreWrittenInEachLanguagesWay() {
        let vi = Format(language: .vi)
        let en = Format(language: .en)
        #expect(vi.decimal(1234567.891, places: 2) == "1.234.567,89")
        #expect(en.decimal(1234567.891, places: 2) == "1,234,567.89")
        #expect(vi.decimal(96.5, places: 1) == "96,5")
        #expect(vi.decimal(0.05, places: 1) == "0,1")
        #expect(vi.decimal(-3.25, places: 1) == "-3,3")
        #expect(vi.decimal(-0.01, places: 1) == "0,0")
        #expect(vi.decimal(7, places: 0) == "7")
        #expect(vi.decimal(0.007, places: 3) == "0,007")
        #expect(vi.decimal(nil) == "—")
        #expect(Charts.oneDecimal(12.34) == "12.3")
        #expect(Charts.oneDecimal(-0.04) == "0.0")
        #expect(Charts.oneDecimal(-0.26) == "-0.3")
        #expect(Charts.oneDecimal(-12.26) == "-12.3")
    }
}

/// The wall: made by an admin, shown without signing in by its token, gone when revoked.
@Suite struct WallTests {
    @Test func aWallShowsDashboardsOnly() throws {
        #expect(Wall.isWallPage("/indicators"))
        #expect(Wall.isWallPage("/indicators?area=06685"))
        #expect(Wall.isWallPage("/indicators/sector/tourism"))
        for page in ["/desk", "/indicators/entry", "/indicators/sector/nope", "/admin/users", "indicators", "/indicators?area=<x>", "//evil.example/indicators"] {
            #expect(!Wall.isWallPage(page), "\(page)")
        }
        let screens = Wall.screens(from: "/indicators\n/indicators/sector/economy, /indicators/sector/health\n\n", seconds: 20)
        #expect(screens == [Wall.Screen(pages: ["/indicators"], seconds: 20), Wall.Screen(pages: ["/indicators/sector/economy", "/indicators/sector/health"], seconds: 20)])
        var wall = Wall(id: "w", name: "Tường", screens: screens, createdAt: Date())
        #expect(throws: Never.self) { try wall.validate() }
        wall.screens[0].seconds = 5
        #expect(throws: ValidationError(field: "seconds", reason: .outOfRange)) { try wall.validate() }
    }

    @Test(arguments: TestEngine.all)
    func anAdminMakesAWallItsScreensNeedNoSignInAndRevokingEndsThem(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await services.indicators.saveIndicator(IndicatorAPITests.cleanWater, context: system)
            _ = try await services.indicators.setValues(
                [IndicatorValueDraft(indicator: "nuoc-sach", area: "22", period: Period("2026-10")!, value: 96.5)], context: system)
            var admin = Browser(client)
            _ = try await admin.signIn("admin")
            _ = try await admin.get("/admin/walls")
            let bad = try await admin.post("/admin/walls", form: ["name": "Tường", "screens": "/desk", "seconds": "30"])
            #expect(bad.status == .unprocessableContent)
            let made = try await admin.post(
                "/admin/walls", form: ["name": "Phòng điều hành", "screens": "/indicators\n/indicators/sector/environment, /indicators", "seconds": "20"])
            #expect(made.status == .created)
            let token = try #require(made.text.firstMatch(of: /\/wall\/([A-Za-z0-9_-]{20,})\/1/)?.1).description

            // A screen: no session, the figures, dark, rotating to its next page, listening live.
            let anonymous = Browser(client)
            var screen = anonymous
            let first = try await screen.get("/wall/\(token)/1")
            #expect(first.status == .ok)
            #expect(first.text.contains("class=\"wall\""))
            #expect(first.text.contains("96,5"))
            #expect(first.text.contains("wall=\(token)"))
            let second = try await screen.get("/wall/\(token)/2")
            #expect(second.text.contains("data-wall-next=\"/wall/\(token)/2?page=1\""))
            #expect(second.text.contains("data-wall-seconds=\"20\""))
            #expect(try await screen.get("/wall/\(token)/2?page=1").text.contains("data-wall-next=\"/wall/\(token)/2?page=0\""))
            #expect(try await screen.get("/wall/\(token)/3").status == .notFound)
            #expect(try await screen.get("/wall/wrong-token/1").status == .notFound)
            #expect(try await screen.get("/wall/\(token)").text.contains("/wall/\(token)/2"))
            // Its events: indicator kinds only.
            #expect(try await screen.get("/events?kinds=report&wall=\(token)").status == .badRequest)
            #expect(try await screen.get("/events?kinds=indicator_value&wall=nope").status == .notFound)
            // Nobody else may make one.
            var leader = Browser(client)
            _ = try await leader.signIn("lanhdao")
            #expect(try await leader.get("/admin/walls").status == .forbidden)

            let wall = try #require(try await services.walls.walls().first)
            _ = try await admin.get("/admin/walls")
            #expect(try await admin.post("/admin/walls/\(wall.id.rawValue)/revoke", form: [:]).status == .seeOther)
            #expect(try await screen.get("/wall/\(token)/1").status == .notFound)
            #expect(try await services.audit.auditEntries(AuditFilter(entityType: "wall")).map(\.action).sorted() == ["wall.create", "wall.revoke"])
        }
    }
}

/// Indicators CityIOC computes from its own citizen reports.
@Suite struct ReportIndicatorTests {
    @Test(arguments: TestEngine.all)
    func reportsReceivedOnTimeAndRatingsArePerMonthAndWardAndRecomputedOnlyWhenChanged(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            let city = DemoCity(services: services)
            _ = try await city.load(hasher: testHasher)
            let now = Date()
            try await city.loadHistory(count: 300, months: 2, now: now)
            try await services.statistics.compactReportStatistics()
            let written = try await services.computeReportIndicators()
            #expect(written > 0)
            let received = try await services.indicators.values(IndicatorValueQuery(indicators: ["phan-anh-tiep-nhan"]))
            let province = received.filter { $0.area == "22" }
            #expect(province.map(\.value).reduce(0, +) == 300)
            // The wards' counts add up to the province's, month by month.
            for month in Set(province.map(\.period)) {
                let wards = received.filter { $0.area != "22" && $0.period == month }.map(\.value).reduce(0, +)
                #expect(wards == province.first { $0.period == month }?.value)
            }
            let rates = try await services.indicators.values(IndicatorValueQuery(indicators: ["phan-anh-dung-han"], areas: ["22"]))
            #expect(!rates.isEmpty && rates.allSatisfy { (0...100).contains($0.value) })
            #expect(try await services.indicators.indicator("phan-anh-hai-long")?.method == .computed)
            // By agency, from the same statistics: those assigned add up to no more than all received.
            let pages = IndicatorPages(services: services)
            let latest = try #require(province.map(\.period).max())
            let byAgency = try await pages.agencyFigures(ReportIndicators.received, period: latest, language: .vi)
            #expect(!byAgency.isEmpty)
            #expect(byAgency.map(\.value).reduce(0, +) <= province.first { $0.period == latest }!.value)
            #expect(byAgency.map(\.value) == byAgency.map(\.value).sorted(by: >))
            let agencyRates = try await pages.agencyFigures(ReportIndicators.onTime, period: latest, language: .vi)
            #expect(agencyRates.allSatisfy { (0...100).contains($0.value) })
            #expect(try await pages.agencyFigures(IndicatorAPITests.cleanWater, period: latest, language: .vi).isEmpty)
            // Nothing new: nothing written, nothing audited.
            let audited = try await services.audit.auditEntries(AuditFilter(entityType: "indicator_value", limit: 1000)).count
            #expect(try await services.computeReportIndicators() == 0)
            #expect(try await services.audit.auditEntries(AuditFilter(entityType: "indicator_value", limit: 1000)).count == audited)
            // Nobody enters a computed indicator's values.
            let rows = [IndicatorRow(number: 1, indicator: "phan-anh-tiep-nhan", area: "22", period: province[0].period.description, value: "1")]
            let catalogue = Dictionary(uniqueKeysWithValues: try await services.indicators.indicators(includeInactive: true).map { ($0.code, $0) })
            let admin = Principal(kind: .user, id: "a", name: "admin", role: .admin, agencyID: nil)
            #expect(CheckedRows(rows, catalogue: catalogue, areas: ["22"], writer: admin).rejected.map(\.reason) == [.computed])
        }
    }
}
