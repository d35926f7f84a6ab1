import CityIOCDomain
import Foundation
import Testing

@testable import CityIOCServer

@Suite struct ReportStatisticsTests {
    static let calendar = WorkingCalendar()
    static let desk = Principal(kind: .user, id: "o", name: "dieuhanh", role: .operator, agencyID: nil)
    static let honggai = Principal(kind: .user, id: "h", name: "canbo.honggai", role: .agencyStaff, agencyID: "ubnd-06685")

    /// A time in the city (UTC+7).
    static func at(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text + "+07:00")!
    }

    static func receive(_ services: AppServices, at time: String, channel: Report.Channel, ward: Area.Code? = "06685") async throws -> Report.ID {
        let now = at(time)
        let report = Report(
            id: Report.newID(at: now, calendar: calendar), service: "o-ga", description: "Ổ gà", latitude: nil, longitude: nil,
            address: "Bến Đoan", addressID: nil, wardCode: ward, channel: channel, reporter: Report.Reporter(phone: "0912345678"),
            attributes: [:], mediaURL: nil, requestedAt: now, workflow: ReportWorkflow(receivedAt: now, by: .anonymous))
        try await services.reports.createReport(report, tokenHash: UUID().uuidString, calendar: calendar, context: system)
        return report.id
    }

    static func step(
        _ services: AppServices, _ id: Report.ID, _ event: ReportWorkflow.Event, by actor: Principal, at time: String, reporter: Bool = false
    ) async throws {
        let context = ReportWorkflow.Context(
            actor: actor, actorIsReporter: reporter, now: at(time), calendar: calendar, terms: Open311CatalogueTests.pothole.terms)
        _ = try await services.reports.transition(id, event, workflow: context, context: ChangeContext(principal: actor, now: at(time)))
    }

    /// Four reports: one handled from start to rating in March, one left unaccepted at the
    /// Department of Construction, one refused in April, one from February (outside the period).
    static func seed(_ services: AppServices, organisation: Bool = true) async throws {
        if organisation { try await Fixture.seed(services) }
        try await services.catalogue.saveService(Open311CatalogueTests.pothole, context: system)
        let handled = try await receive(services, at: "2025-03-03T08:00:00", channel: .web)
        try await step(services, handled, .classify(service: "o-ga", priority: .normal), by: desk, at: "2025-03-03T08:30:00")
        try await step(services, handled, .assign(agency: "ubnd-06685"), by: desk, at: "2025-03-03T09:00:00")
        try await step(services, handled, .accept, by: honggai, at: "2025-03-03T10:00:00")
        try await step(services, handled, .resolve(answer: "Đã vá"), by: honggai, at: "2025-03-04T09:00:00")
        try await step(services, handled, .publish, by: desk, at: "2025-03-04T10:00:00")
        try await step(services, handled, .rate(stars: 4, comment: nil), by: .anonymous, at: "2025-03-05T10:00:00", reporter: true)

        let waiting = try await receive(services, at: "2025-03-05T14:00:00", channel: .hotline)
        try await step(services, waiting, .classify(service: "o-ga", priority: .normal), by: desk, at: "2025-03-05T14:10:00")
        try await step(services, waiting, .assign(agency: "so-xay-dung"), by: desk, at: "2025-03-05T14:20:00")

        let refused = try await receive(services, at: "2025-04-10T09:00:00", channel: .web, ward: nil)
        try await step(services, refused, .refuse(reason: "Không thuộc phạm vi"), by: desk, at: "2025-04-10T09:05:00")

        _ = try await receive(services, at: "2025-02-27T09:00:00", channel: .app)
    }

    static func query(_ scope: RecordScope = .all) -> StatisticsQuery {
        StatisticsQuery(from: YearMonth(2025, 3), to: YearMonth(2025, 4), scope: scope, now: at("2025-06-01T08:00:00"))
    }

    @Test(arguments: TestEngine.all)
    func countersFollowEveryStepAndReadTheSameAfterFoldingAndRebuilding(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Self.seed(services)
            let stats = try await services.statistics.reportStatistics(Self.query(), calendar: Self.calendar)
            let overall = stats.overall
            #expect(overall.total == 3)
            #expect(overall.statuses == [.rated: 1, .assigned: 1, .refused: 1])
            #expect(overall.open == 1)
            #expect(overall.answered == 1)
            #expect(overall.onTime == 1 && overall.late == 0)
            #expect(overall.averageStars == 4)
            // Accepted one working hour after assignment; answered nine working hours after
            // receipt (Monday 8:00 → Tuesday 9:00 with lunch and the night left out).
            #expect(abs(try #require(overall.acceptHours(0.5)) - 1) <= 0.025)
            #expect(abs(try #require(overall.resolveHours(0.9)) - 9) <= 9 * 0.025)
            #expect(overall.overdueNow == 1)
            #expect(stats.breakdown[.agency]?["so-xay-dung"]?.overdueNow == 1)
            #expect(stats.breakdown[.agency]?["so-xay-dung"]?.statuses == [.assigned: 1])
            #expect(stats.breakdown[.channel]?["hotline"]?.total == 1)
            #expect(stats.breakdown[.ward]?["06685"]?.total == 2)
            #expect(stats.breakdown[.ward]?[""]?.statuses == [.refused: 1])
            #expect(stats.breakdown[.service]?["o-ga"]?.total == 3)
            #expect(stats.months[YearMonth(2025, 3)]?.total == 2)
            #expect(stats.series(.month).map(\.received) == [2, 1])
            let days = stats.series(.day)
            #expect(days.count == 61)
            #expect(days.first { $0.period == "2025-03-05" }?.open == 1)
            #expect(stats.series(.week).first?.period == "2025-W09")

            let own = try await services.statistics.reportStatistics(Self.query(.agency("ubnd-06685")), calendar: Self.calendar)
            #expect(own.overall.total == 1)
            #expect(own.overall.averageStars == 4)
            #expect(own.overall.resolveHours(0.5) == nil)  // means only, per agency
            #expect(own.overall.resolveMeanHours == 9)
            #expect(own.overall.acceptMeanHours == 1)
            #expect(own.overall.overdueNow == 0)
            #expect(own.breakdown[.agency]?.keys.sorted() == ["ubnd-06685"])
            #expect(own.days.isEmpty)

            try await services.statistics.compactReportStatistics()
            #expect(try await services.statistics.reportStatistics(Self.query(), calendar: Self.calendar) == stats)
            let counted = try await services.statistics.rebuildReportStatistics(calendar: Self.calendar)
            #expect(counted == 4)
            #expect(try await services.statistics.reportStatistics(Self.query(), calendar: Self.calendar) == stats)
            #expect(try await services.statistics.reportStatistics(Self.query(.none), calendar: Self.calendar).overall.total == 0)
        }
    }

    @Test(arguments: TestEngine.all)
    func leadersReadThePageTheAPIAndCSVAndAnAgencyOnlyItsOwn(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await Self.seed(services, organisation: false)
            var leader = Browser(client)
            _ = try await leader.signIn("lanhdao")
            let page = try await leader.get("/stats?from=2025-03&to=2025-04")
            #expect(page.status == .ok)
            #expect(page.text.contains("Thống kê phản ánh"))
            #expect(page.text.contains("Sở Xây dựng"))
            #expect(page.text.contains("<svg"))
            let api = try await leader.get("/api/v1/reports/statistics?from=2025-03&to=2025-04&grain=month")
            let body = try api.json()
            #expect((body["overall"] as? [String: Any])?["total"] as? Int == 3)
            #expect((body["overall"] as? [String: Any])?["overdueNow"] as? Int == 1)
            #expect((body["series"] as? [String: Any])?["grain"] as? String == "month")
            let agencies = try #require((body["by"] as? [String: Any])?["agency"] as? [[String: Any]])
            #expect(agencies.contains { $0["key"] as? String == "so-xay-dung" && $0["overdueNow"] as? Int == 1 })
            let csv = try await leader.get("/api/v1/reports/statistics.csv?by=agency&from=2025-03&to=2025-04")
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = csv.text.split(separator: "\r\n")
            let header =
                "ma,ten,tiep_nhan,dang_mo,qua_han_hien_tai,da_tra_loi,dung_han,tre_han,ty_le_dung_han,"
                + "tiep_nhan_tb_gio,xu_ly_tb_gio,so_danh_gia,diem_trung_binh"
            #expect(lines.first?.hasSuffix(header) == true)
            #expect(lines.contains { $0.hasPrefix("so-xay-dung,Sở Xây dựng,1,1,1,0,") })
            #expect(try await leader.get("/api/v1/reports/statistics?from=2025-13").status == .badRequest)
            #expect(try await leader.get("/api/v1/reports/statistics.csv?by=secret").status == .badRequest)
            #expect(try await leader.get("/stats?period=forever").status == .badRequest)

            var ward = Browser(client)
            _ = try await ward.signIn("canbo.honggai")
            let own = try await ward.get("/api/v1/reports/statistics?from=2025-03&to=2025-04").json()
            #expect(own["scope"] as? String == "agency:ubnd-06685")
            #expect((own["overall"] as? [String: Any])?["total"] as? Int == 1)
            #expect(!(try await ward.get("/stats?from=2025-03&to=2025-04").text.contains("Sở Xây dựng")))

            #expect(try await client.execute(uri: "/api/v1/reports/statistics", method: .get).status == .unauthorized)
        }
    }

    @Test(arguments: TestEngine.all)
    func aMadeUpHistoryIsStoredWholeAndCounted(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            let city = DemoCity(services: services)
            _ = try await city.load(hasher: testHasher)
            let now = Date()
            try await city.loadHistory(count: 300, months: 2, now: now)
            let stored = try await services.reports.reports(ReportQuery(limit: 1000))
            #expect(stored.count == 300)
            // Every duplicate points at a report that exists.
            let ids = Set(stored.map(\.id.rawValue))
            #expect(stored.filter { $0.workflow.status == .merged }.allSatisfy { ids.contains($0.workflow.mergedInto ?? "") })
            let calendar = try await services.calendar.workingCalendar()
            let month = YearMonth(calendar.civilDay(of: now))
            let stats = try await services.statistics.reportStatistics(
                StatisticsQuery(from: month.adding(months: -2), to: month, scope: .all, now: now), calendar: calendar)
            #expect(stats.overall.total == 300)
            #expect(stats.overall.total == stored.count)
        }
    }
}
