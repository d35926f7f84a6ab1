import CityIOCDomain
import Foundation
import Testing

@testable import CityIOCServer

/// A gateway that records what it is given, or refuses everything.
actor RecordingTransport: MessageTransport {
    var sent: [OutgoingMessage] = []
    var refusing: Bool

    init(refusing: Bool = false) { self.refusing = refusing }

    func send(_ message: OutgoingMessage) async throws {
        if refusing { throw WebhookTransport.Refused(status: 503) }
        sent.append(message)
    }
}

@Suite struct OutboxTests {
    /// A pothole report received at `at` from a reporter who may have left an address.
    static func receive(_ services: AppServices, id: Report.ID, reporter: Report.Reporter, ward: Area.Code?, at: Date) async throws -> Report {
        let report = Report(
            id: id, service: "o-ga", description: "Ổ gà", latitude: nil, longitude: nil, address: "Bến Đoan", addressID: nil, wardCode: ward,
            channel: .web, reporter: reporter, attributes: [:], mediaURL: nil, requestedAt: at, workflow: ReportWorkflow(receivedAt: at, by: .anonymous))
        try await services.reports.createReport(report, tokenHash: id.rawValue, calendar: WorkingCalendar(), context: system)
        return report
    }

    @Test(arguments: TestEngine.all)
    func stepsLeaveMessagesThatAreDeliveredWithRetries(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            try await services.catalogue.saveService(Open311CatalogueTests.pothole, context: system)
            try await services.organisation.createAgency(
                Agency(
                    id: "ban-quan-ly", name: "Ban quản lý dự án", nameEn: "Project board", kind: .department, areaCode: "22",
                    email: "bql@example.vn"), context: system)
            let calendar = WorkingCalendar()
            let now = Date()
            let report = try await Self.receive(services, id: "20261122-OUTBOX", reporter: .init(phone: "0912345678", email: "dan@example.vn"), ward: "06685", at: now)
            let desk = Principal(kind: .user, id: "o", name: "dieuhanh", role: .operator, agencyID: nil)
            for event in [ReportWorkflow.Event.classify(service: "o-ga", priority: .normal), .assign(agency: "ban-quan-ly")] {
                _ = try await services.reports.transition(report.id, event, workflow: .init(actor: desk, now: now, calendar: calendar), context: system)
            }
            // Assignment: one for the agency, one for the reporter (who left an address).
            let queued = try await services.outbox.outbox(limit: 10)
            #expect(Set(queued.map(\.audience)) == [.agency, .reporter])

            let down = RecordingTransport(refusing: true)
            #expect(try await services.outbox.deliverOutbox(through: down, now: now) == 0)
            let waiting = try await services.outbox.outbox(limit: 10)
            #expect(waiting.allSatisfy { $0.attempts == 1 && $0.deliveredAt == nil && $0.lastError == "gateway answered 503" })

            let gateway = RecordingTransport()
            #expect(try await services.outbox.deliverOutbox(through: gateway, now: now.addingTimeInterval(30)) == 0)  // not due yet
            #expect(try await services.outbox.deliverOutbox(through: gateway, now: now.addingTimeInterval(61)) == 2)
            let sent = await gateway.sent
            #expect(Set(sent.map(\.to)) == ["bql@example.vn", "dan@example.vn", "0912345678"])
            #expect(sent.first { $0.channel == .sms }?.text.contains("20261122-OUTBOX") == true)
            #expect(try await services.outbox.outbox(limit: 10).allSatisfy { $0.deliveredAt != nil })
            #expect(try await services.outbox.deliverOutbox(through: gateway, now: now.addingTimeInterval(7200)) == 0)  // nothing twice
            #expect(await gateway.sent.count == 3)
        }
    }

    @Test(arguments: TestEngine.all)
    func aMessageIsGivenUpAfterEightTries(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            try await services.catalogue.saveService(Open311CatalogueTests.pothole, context: system)
            let now = Date()
            let report = try await Self.receive(services, id: "20261122-GIVEUP", reporter: .init(email: "dan@example.vn"), ward: nil, at: now)
            let desk = Principal(kind: .user, id: "o", name: "dieuhanh", role: .operator, agencyID: nil)
            _ = try await services.reports.transition(
                report.id, .refuse(reason: "Trùng lặp"), workflow: .init(actor: desk, now: now, calendar: WorkingCalendar()), context: system)
            let down = RecordingTransport(refusing: true)
            var clock = now
            for _ in 0..<8 {
                try await services.outbox.deliverOutbox(through: down, now: clock)
                clock.addTimeInterval(6 * 3600 + 1)
            }
            let message = try #require(try await services.outbox.outbox(limit: 1).first)
            #expect(message.attempts == 8 && message.failedAt != nil && message.deliveredAt == nil)
            #expect(try await services.outbox.deliverOutbox(through: RecordingTransport(), now: clock.addingTimeInterval(86400)) == 0)
        }
    }

    @Test(arguments: TestEngine.all)
    func anAgencyIsRemindedOnceWhenADeadlineIsDueSoon(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            try await services.catalogue.saveService(Open311CatalogueTests.pothole, context: system)
            try await services.organisation.createAgency(
                Agency(id: "ban-quan-ly", name: "Ban quản lý", nameEn: "", kind: .department, areaCode: "22", email: "bql@example.vn"),
                context: system)
            let calendar = WorkingCalendar()
            func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text + "+07:00")! }
            let monday = at("2025-03-03T08:00:00")
            let report = try await Self.receive(services, id: "20250303-REMIND", reporter: .init(), ward: nil, at: monday)
            let desk = Principal(kind: .user, id: "o", name: "dieuhanh", role: .operator, agencyID: nil)
            for event in [ReportWorkflow.Event.classify(service: "o-ga", priority: .normal), .assign(agency: "ban-quan-ly")] {
                _ = try await services.reports.transition(
                    report.id, event, workflow: .init(actor: desk, now: monday, calendar: calendar, terms: Open311CatalogueTests.pothole.terms),
                    context: system)
            }
            // Four working hours to accept, from 8:00: due at 13:30 after lunch; due soon from 11:00.
            // Candidates are deadlines not yet passed, read in due order.
            #expect(try await services.reports.reports(ReportQuery(dueFrom: at("2025-03-03T11:00:00"), order: .due)).map(\.id) == [report.id])
            #expect(try await services.reports.reports(ReportQuery(dueFrom: at("2025-03-03T14:00:00"), order: .due)).isEmpty)
            #expect(try await services.outbox.remindDueSoon(now: at("2025-03-03T08:30:00"), calendar: calendar) == 0)
            #expect(try await services.outbox.remindDueSoon(now: at("2025-03-03T11:00:00"), calendar: calendar) == 1)
            #expect(try await services.outbox.remindDueSoon(now: at("2025-03-03T11:10:00"), calendar: calendar) == 0)
            let gateway = RecordingTransport()
            try await services.outbox.deliverOutbox(through: gateway, now: at("2025-03-03T11:10:00"))
            #expect(await gateway.sent.contains { $0.to == "bql@example.vn" && $0.subject.hasPrefix("Sắp đến hạn") })
            // the deadline in the city's own time, as the clerk reads it
            #expect(await gateway.sent.contains { $0.subject.contains("03/03/2025 13:30 / 3 Mar 2025 13:30") })
        }
    }

    @Test(arguments: TestEngine.all)
    func aMessageWithNobodyToTellIsClosedAndSaysSo(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            try await services.catalogue.saveService(Open311CatalogueTests.pothole, context: system)
            let now = Date()
            let report = try await Self.receive(services, id: "20261122-NOADDR", reporter: .init(), ward: nil, at: now)
            let desk = Principal(kind: .user, id: "o", name: "dieuhanh", role: .operator, agencyID: nil)
            for event in [ReportWorkflow.Event.classify(service: "o-ga", priority: .normal), .assign(agency: "so-xay-dung")] {
                _ = try await services.reports.transition(report.id, event, workflow: .init(actor: desk, now: now, calendar: WorkingCalendar()), context: system)
            }
            // The reporter left no address (no message); the agency has no e-mail (a message to nobody).
            let gateway = RecordingTransport()
            #expect(try await services.outbox.deliverOutbox(through: gateway, now: now) == 1)
            #expect(await gateway.sent.isEmpty)
            let message = try #require(try await services.outbox.outbox(limit: 5).first)
            #expect(message.audience == .agency && message.deliveredAt != nil && message.lastError == "no address")
        }
    }
}

/// Agencies reminded of their indicator figures before the reporting deadline, through the outbox.
@Suite struct IndicatorReminderTests {
    @Test(arguments: TestEngine.all)
    func anAgencyIsRemindedOncePerDeadlineOfTheFiguresItHasNotSent(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            var construction = try #require(try await services.organisation.agency("so-xay-dung"))
            construction.email = "xaydung@example.vn"
            try await services.organisation.updateAgency(construction, context: system)
            try await services.indicators.saveIndicator(IndicatorAPITests.cleanWater, context: system)
            let calendar = try await services.calendar.workingCalendar()
            func at(_ day: CivilDay) throws -> Date { try #require(calendar.start(of: day)).addingTimeInterval(9 * 3600) }

            // 15 days before the 25 December deadline of November's figures: nothing yet
            #expect(try await services.outbox.remindIndicatorsDue(now: try at(CivilDay(2026, 12, 10)), calendar: calendar, dueDay: 25, within: 5) == 0)
            // three days before: one entry, and only one however often the job runs
            _ = try await services.outbox.remindIndicatorsDue(now: try at(CivilDay(2026, 12, 22)), calendar: calendar, dueDay: 25, within: 5)
            _ = try await services.outbox.remindIndicatorsDue(now: try at(CivilDay(2026, 12, 23)), calendar: calendar, dueDay: 25, within: 5)
            let waiting = try await services.outbox.outbox(limit: 10).filter { $0.audience == .indicators }
            #expect(waiting.count == 1)
            #expect(waiting.first?.deadline == CivilDay(2026, 12, 25))
            #expect(waiting.first?.reportID == nil)

            let transport = RecordingTransport()
            #expect(try await services.outbox.deliverOutbox(through: transport, now: try at(CivilDay(2026, 12, 23))) == 1)
            let sent = await transport.sent
            #expect(sent.map(\.to) == ["xaydung@example.vn"])
            #expect(sent.first?.subject.contains("25/12/2026") == true)
            #expect(sent.first?.text.contains("Tỷ lệ hộ dùng nước sạch / Households on clean water (2026-11)") == true)

            // once the figure is sent, a later deadline's reminder is not made for it
            _ = try await services.indicators.setValues(
                [IndicatorValueDraft(indicator: "nuoc-sach", area: "22", period: Period("2026-12")!, value: 97)], context: system)
            #expect(try await services.outbox.remindIndicatorsDue(now: try at(CivilDay(2027, 1, 21)), calendar: calendar, dueDay: 25, within: 5) == 0)
        }
    }
}
