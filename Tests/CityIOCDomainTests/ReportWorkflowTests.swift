import CityIOCDomain
import Foundation
import Testing

@Suite struct ReportWorkflowTests {
    let calendar = WorkingCalendar(holidays: [CivilDay(2025, 9, 1), CivilDay(2025, 9, 2)])
    let operatorOnDuty = Principal(kind: .user, id: "o", name: "dieuhanh", role: .operator, agencyID: nil)
    let honggai = Principal(kind: .user, id: "h", name: "canbo.honggai", role: .agencyStaff, agencyID: "ubnd-06685")
    let xaydung = Principal(kind: .user, id: "x", name: "canbo.xaydung", role: .agencyStaff, agencyID: "so-xay-dung")
    let citizen = Principal(kind: .anonymous, id: "", name: "reporter", role: .public, agencyID: nil)

    func at(_ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = calendar.timeZone
        return c.date(from: DateComponents(year: 2025, month: month, day: day, hour: hour, minute: minute))!
    }

    func context(_ actor: Principal, _ now: Date, reporter: Bool = false) -> ReportWorkflow.Context {
        ReportWorkflow.Context(actor: actor, actorIsReporter: reporter, now: now, calendar: calendar)
    }

    @Test func aReportGoesFromReceiptToRating() throws {
        var report = ReportWorkflow(receivedAt: at(8, 29, 9), by: citizen)
        _ = try report.apply(.classify(service: "pothole", priority: .normal), context(operatorOnDuty, at(8, 29, 9, 30)))
        let assigned = try report.apply(.assign(agency: "ubnd-06685"), context(operatorOnDuty, at(8, 29, 10)))
        // accept within 8 working hours: Friday 10:00–17:00 holds 5½ (lunch excluded); the other
        // 2½ fall on Wednesday, after the weekend and the two National Day holidays
        let accept = Deadline(kind: .accept, startedAt: at(8, 29, 10), due: at(9, 3, 10))
        #expect(assigned == [.notifyAgency("ubnd-06685"), .deadlineSet(accept), .notifyReporter(.assigned)])
        #expect(report.agency == "ubnd-06685")

        let accepted = try report.apply(.accept, context(honggai, at(9, 3, 8)))
        let resolve = Deadline(kind: .resolve, startedAt: at(9, 3, 8), due: at(9, 8, 8))
        #expect(accepted == [.deadlineMet(.accept, at: at(9, 3, 8)), .deadlineSet(resolve), .notifyReporter(.accepted)])
        _ = try report.apply(.start, context(honggai, at(9, 3, 9)))
        _ = try report.apply(.resolve(answer: "Đã vá ổ gà."), context(honggai, at(9, 4, 15)))
        _ = try report.apply(.publish, context(operatorOnDuty, at(9, 4, 16)))
        _ = try report.apply(.rate(stars: 5, comment: "Nhanh"), context(citizen, at(9, 5, 8), reporter: true))

        #expect(report.status == .rated)
        #expect(report.answer == "Đã vá ổ gà.")
        #expect(report.stars == 5)
        #expect(report.steps.map(\.status) == [.received, .classified, .assigned, .accepted, .inProgress, .resolved, .published, .rated])
        #expect(report.deadlines.allSatisfy { $0.standing(at: at(9, 30, 8), calendar: calendar) == .met })
    }

    @Test func illegalStepsAreTypedErrorsAndChangeNothing() throws {
        var report = ReportWorkflow(receivedAt: at(11, 17, 9), by: citizen)
        _ = try report.apply(.refuse(reason: "Không thuộc thẩm quyền"), context(operatorOnDuty, at(11, 17, 10)))
        let before = report
        #expect(throws: WorkflowError.illegal(from: .refused, event: "assign")) {
            try report.apply(.assign(agency: "ubnd-06685"), context(operatorOnDuty, at(11, 17, 11)))
        }
        #expect(report == before)
        var fresh = ReportWorkflow(receivedAt: at(11, 17, 9), by: citizen)
        #expect(throws: WorkflowError.missing("reason")) { try fresh.apply(.refuse(reason: "  "), context(operatorOnDuty, at(11, 17, 10))) }
        #expect(fresh.status == .received)
    }

    @Test func onlyTheAssignedAgencyMayActOnAReport() throws {
        var report = ReportWorkflow(receivedAt: at(11, 17, 9), by: citizen)
        _ = try report.apply(.classify(service: "garbage", priority: .urgent), context(operatorOnDuty, at(11, 17, 9)))
        _ = try report.apply(.assign(agency: "ubnd-06685"), context(operatorOnDuty, at(11, 17, 9)))
        #expect(throws: WorkflowError.notAllowed("accept")) { try report.apply(.accept, context(xaydung, at(11, 17, 10))) }
        #expect(throws: WorkflowError.notAllowed("classify")) {
            try report.apply(.classify(service: "x", priority: .normal), context(honggai, at(11, 17, 10)))
        }
        #expect(throws: WorkflowError.notAllowed("rate")) { try report.apply(.rate(stars: 1, comment: nil), context(citizen, at(11, 17, 10))) }
        _ = try report.apply(.accept, context(honggai, at(11, 17, 10)))
        // urgent: resolve within 4 working hours, across lunch
        #expect(report.openDeadline?.due == at(11, 17, 15, 30))
    }

    @Test func aReturnedReportIsRoutedElsewhereAndTheFirstAgencyLosesIt() throws {
        var report = ReportWorkflow(receivedAt: at(11, 17, 9), by: citizen)
        _ = try report.apply(.classify(service: "construction", priority: .complex), context(operatorOnDuty, at(11, 17, 9)))
        _ = try report.apply(.assign(agency: "ubnd-06685"), context(operatorOnDuty, at(11, 17, 9)))
        let returned = try report.apply(.returnToOperator(reason: "Thuộc Sở Xây dựng"), context(honggai, at(11, 17, 14)))
        #expect(returned == [.deadlineMet(.accept, at: at(11, 17, 14)), .notifyDesk(.returned)])
        #expect(report.agency == nil)
        _ = try report.apply(.assign(agency: "so-xay-dung"), context(operatorOnDuty, at(11, 17, 15)))
        #expect(throws: WorkflowError.notAllowed("accept")) { try report.apply(.accept, context(honggai, at(11, 17, 16))) }
        _ = try report.apply(.accept, context(xaydung, at(11, 17, 16)))
        #expect(report.openDeadline?.due == calendar.adding(.days(10), to: at(11, 17, 16)))
        #expect(report.steps.last?.actorName == "canbo.xaydung")
    }

    @Test func theReporterMayReopenOnlyWithinTheWindow() throws {
        var report = ReportWorkflow(receivedAt: at(11, 3, 9), by: citizen)
        _ = try report.apply(.classify(service: "light", priority: .normal), context(operatorOnDuty, at(11, 3, 9)))
        _ = try report.apply(.assign(agency: "ubnd-06685"), context(operatorOnDuty, at(11, 3, 9)))
        _ = try report.apply(.accept, context(honggai, at(11, 3, 10)))
        _ = try report.apply(.resolve(answer: "Đã thay bóng đèn"), context(honggai, at(11, 4, 10)))
        _ = try report.apply(.publish, context(operatorOnDuty, at(11, 4, 11)))
        var late = report
        #expect(throws: WorkflowError.self) { try late.apply(.reopen(reason: "Đèn lại hỏng"), context(citizen, at(11, 20, 9), reporter: true)) }
        let actions = try report.apply(.reopen(reason: "Đèn lại hỏng"), context(citizen, at(11, 6, 9), reporter: true))
        #expect(actions == [.notifyDesk(.reopened), .notifyReporter(.reopened)])
        #expect(report.status == .reopened)
        #expect(report.status.isOpen)
        #expect(throws: WorkflowError.invalid("stars")) {
            var rated = report
            _ = try rated.apply(.classify(service: "light", priority: .normal), context(operatorOnDuty, at(11, 6, 10)))
            _ = try rated.apply(.assign(agency: "ubnd-06685"), context(operatorOnDuty, at(11, 6, 10)))
            _ = try rated.apply(.accept, context(honggai, at(11, 6, 11)))
            _ = try rated.apply(.resolve(answer: "Đã sửa lại"), context(honggai, at(11, 6, 14)))
            _ = try rated.apply(.publish, context(operatorOnDuty, at(11, 6, 15)))
            _ = try rated.apply(.rate(stars: 6, comment: nil), context(citizen, at(11, 6, 16), reporter: true))
        }
    }

    @Test func aDuplicateIsMergedAndItsReporterTold() throws {
        var report = ReportWorkflow(receivedAt: at(11, 17, 9), by: citizen)
        let actions = try report.apply(.merge(into: "r-1001"), context(operatorOnDuty, at(11, 17, 9, 5)))
        #expect(actions == [.notifyReporter(.merged)])
        #expect(report.mergedInto == "r-1001")
        #expect(!report.status.isOpen)
    }
}
