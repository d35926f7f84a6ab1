import CityIOCDomain
import Foundation
import Hummingbird

/// The operator's queue and an agency's inbox (the same page, cut to what the viewer may see),
/// and one report with its timeline and the steps the viewer may take.
struct DeskPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/desk", .permission(.viewReports), use: queue)
        router.on(.get, "/reports/:id", .permission(.viewReports), use: detail)
        router.on(.post, "/reports/:id/step", .permission(.viewReports), use: step)
    }

    static func statusText(_ status: ReportWorkflow.Status) -> Text {
        switch status {
        case .received: Text(vi: "Mới tiếp nhận", en: "Received")
        case .refused: Text(vi: "Từ chối", en: "Refused")
        case .classified: Text(vi: "Đã phân loại", en: "Classified")
        case .assigned: Text(vi: "Đã chuyển xử lý", en: "Assigned")
        case .accepted: Text(vi: "Đơn vị đã nhận", en: "Accepted")
        case .inProgress: Text(vi: "Đang xử lý", en: "In progress")
        case .resolved: Text(vi: "Đã xử lý", en: "Resolved")
        case .published: Text(vi: "Đã công khai", en: "Published")
        case .rated: Text(vi: "Đã đánh giá", en: "Rated")
        case .returned: Text(vi: "Bị trả lại", en: "Returned")
        case .escalated: Text(vi: "Chuyển UBND", en: "Escalated")
        case .merged: Text(vi: "Gộp trùng", en: "Merged")
        case .reopened: Text(vi: "Mở lại", en: "Reopened")
        }
    }

    static func priorityText(_ priority: Priority) -> Text {
        switch priority {
        case .urgent: Text(vi: "Khẩn cấp", en: "Urgent")
        case .normal: Text(vi: "Thông thường", en: "Normal")
        case .complex: Text(vi: "Phức tạp", en: "Complex")
        }
    }

    static func standingTag(_ deadline: Deadline?, calendar: WorkingCalendar, chrome: Chrome) -> HTML {
        guard let deadline else { return "—" }
        let due = chrome.format.dateTime(deadline.due)
        switch deadline.standing(at: Date(), calendar: calendar) {
        case .overdue: return "<span class=\"tag bad\">\(Text(vi: "Quá hạn", en: "Overdue")(chrome.language)) · \(due)</span>"
        case .dueSoon: return "<span class=\"tag warn\">\(Text(vi: "Sắp đến hạn", en: "Due soon")(chrome.language)) · \(due)</span>"
        default: return "<span class=\"tag\">\(due)</span>"
        }
    }

    @Sendable func queue(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let chrome = services.chrome(context, "/desk")
        let scope = AccessPolicy.scope(for: context.principal)
        let q = request.uri.queryParameters
        func value(_ name: String) -> String? { q[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        let showClosed = value("closed") != nil
        let statuses = Set(ReportWorkflow.Status.allCases.filter { showClosed ? !$0.isOpen : $0.isOpen })
        let reports = try await services.reports.reports(
            ReportQuery(
                scope: scope, service: value("service").map { Service.Code($0) }, ward: value("ward").map { Area.Code($0) },
                agency: value("agency").map { Agency.ID($0) }, statuses: statuses, limit: 500))
        let calendar = try await services.calendar.workingCalendar()
        let catalogue = Dictionary(uniqueKeysWithValues: try await services.catalogue.services(includeInactive: true).map { ($0.code, $0) })
        let areas = Dictionary(uniqueKeysWithValues: try await services.organisation.areas(AreaQuery(includeInactive: true)).map { ($0.code, $0) })
        // Most urgent first: running deadlines by due time, then the rest by arrival.
        let sorted = reports.sorted { a, b in
            switch (a.workflow.openDeadline?.due, b.workflow.openDeadline?.due) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.requestedAt > b.requestedAt
            }
        }
        let rows: [HTML] = sorted.map { report in
            let service = catalogue[report.service]
            return """
                <tr><td><a href="/reports/\(report.id.rawValue)">\(report.id.rawValue)</a></td><td>\(chrome.format.dateTime(report.requestedAt))</td>
                <td>\((chrome.language == .en ? service?.nameEn : service?.name) ?? report.service.rawValue)</td>
                <td class="hide-narrow">\(report.wardCode.flatMap { areas[$0]?.name } ?? report.address ?? "—")</td>
                <td>\(Self.statusText(report.workflow.status)(chrome.language))</td>
                <td>\(Self.standingTag(report.workflow.openDeadline, calendar: calendar, chrome: chrome))</td></tr>
                """
        }
        let title = Text(vi: "Phản ánh hiện trường", en: "Citizen reports")(chrome.language)
        let toggle: HTML =
            showClosed
            ? "<a class=\"button secondary\" href=\"/desk\">\(Text(vi: "Đang mở", en: "Open")(chrome.language))</a>"
            : "<a class=\"button secondary\" href=\"/desk?closed=1\">\(Text(vi: "Đã đóng", en: "Closed")(chrome.language))</a>"
        let wards = areas.values.filter { $0.level.isCommuneLevel && $0.active }.sorted { $0.name < $1.name }.map { ($0.code.rawValue, $0.name) }
        let serviceOptions = catalogue.values.sorted { $0.name < $1.name }
            .map { ($0.code.rawValue, chrome.language == .en && !$0.nameEn.isEmpty ? $0.nameEn : $0.name) }
        var agencyFilter: HTML = ""
        if scope == .all {
            let agencies = try await services.organisation.agencies(AgencyQuery())
            agencyFilter =
                "<label>\(chrome.t(.agency))\(Widgets.select(name: "agency", options: Widgets.agencyOptions(agencies, language: chrome.language), selected: value("agency"), blank: chrome.t(.all)))</label>"
        }
        let body: HTML = """
            <div class="toolbar"><h1>\(title)</h1>\(toggle)</div>
            <form class="filters" method="get" action="/desk" role="search">
            \(showClosed ? HTML(raw: "<input type=\"hidden\" name=\"closed\" value=\"1\">") : "")
            <label>\(Text(vi: "Lĩnh vực", en: "Service")(chrome.language))\(Widgets.select(name: "service", options: serviceOptions, selected: value("service"), blank: chrome.t(.all)))</label>
            <label>\(Text(vi: "Phường, xã", en: "Ward")(chrome.language))\(Widgets.select(name: "ward", options: wards, selected: value("ward"), blank: chrome.t(.all)))</label>
            \(agencyFilter)
            <button type="submit">\(chrome.t(.filter))</button>
            </form>
            <div class="table-wrap"><table>
            <thead><tr><th>\(chrome.t(.code))</th><th>\(Text(vi: "Tiếp nhận", en: "Received")(chrome.language))</th><th>\(Text(vi: "Lĩnh vực", en: "Service")(chrome.language))</th><th class="hide-narrow">\(Text(vi: "Địa bàn", en: "Place")(chrome.language))</th><th>\(chrome.t(.status))</th><th>\(Text(vi: "Hạn", en: "Due")(chrome.language))</th></tr></thead>
            <tbody>\(rows.isEmpty ? Widgets.empty(chrome.language, columns: 6) : HTML.join(rows))</tbody>
            </table></div>
            """
        return Layout(chrome: chrome, title: title, flash: nil, body: body).render()
    }

    /// A report the viewer may see, or not found: another agency's report does not exist for them.
    func load(_ context: AppRequestContext) async throws -> Report {
        guard let report = try await services.reports.report(Report.ID(try context.parameters.require("id"))),
            AccessPolicy.scope(for: context.principal) == .all || AccessPolicy.canRead(context.principal, ownedBy: report.workflow.agency)
        else { throw StoreError.notFound }
        return report
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await page(context, report: try await load(context), flash: nil)
    }

    func page(_ context: AppRequestContext, report: Report, flash: Flash?) async throws -> HTML {
        let chrome = services.chrome(context, "/desk")
        let f = chrome.format
        let service = try await services.catalogue.service(report.service)
        let calendar = try await services.calendar.workingCalendar()
        let ward = try await report.wardCode.asyncMap { try await services.organisation.area($0) } ?? nil
        let agencies = try await services.organisation.agencies(AgencyQuery())
        let holder = report.workflow.agency.flatMap { id in agencies.first { $0.id == id } }
        let steps: [HTML] = report.workflow.steps.map { step in
            "<tr><td>\(f.dateTime(step.at))</td><td>\(Self.statusText(step.status)(chrome.language))</td><td>\(step.actorName)</td><td>\(step.note ?? "")</td></tr>"
        }
        // The reporter's contact: the centre, and the agency holding the report, only.
        let mayContact =
            AccessPolicy.allows(context.principal, .useDesk)
            || (context.principal.role == .agencyStaff && context.principal.agencyID == report.workflow.agency)
        let contact: HTML =
            mayContact
            ? "<tr><th>\(Text(vi: "Người phản ánh", en: "Reporter")(chrome.language))</th><td>\([report.reporter.name, report.reporter.phone, report.reporter.email].compactMap { $0 }.joined(separator: " · "))</td></tr>"
            : ""
        let answers: [HTML] = report.attributes.sorted { $0.key < $1.key }.map { "<tr><th>\($0.key)</th><td>\($0.value.joined(separator: ", "))</td></tr>" }
        let body: HTML = """
            <h1>\(Text(vi: "Phản ánh", en: "Report")(chrome.language)) \(report.id.rawValue)</h1>
            <div class="panel table-wrap"><table>
            <tr><th>\(chrome.t(.status))</th><td>\(Self.statusText(report.workflow.status)(chrome.language)) \(Self.standingTag(report.workflow.openDeadline, calendar: calendar, chrome: chrome))</td></tr>
            <tr><th>\(Text(vi: "Lĩnh vực", en: "Service")(chrome.language))</th><td>\((chrome.language == .en ? service?.nameEn : service?.name) ?? report.service.rawValue)</td></tr>
            <tr><th>\(Text(vi: "Nội dung", en: "Description")(chrome.language))</th><td>\(report.description)</td></tr>
            <tr><th>\(Text(vi: "Địa bàn", en: "Place")(chrome.language))</th><td>\(ward?.name ?? "—") \(report.address ?? "") \(report.latitude.map { f.decimal($0, places: 5) } ?? "") \(report.longitude.map { f.decimal($0, places: 5) } ?? "")</td></tr>
            <tr><th>\(chrome.t(.agency))</th><td>\(holder?.displayName(chrome.language) ?? "—")</td></tr>
            <tr><th>\(Text(vi: "Kênh", en: "Channel")(chrome.language))</th><td>\(report.channel.rawValue)</td></tr>
            \(contact)
            \(answers)
            </table></div>
            \(actions(context, chrome: chrome, report: report, service: service, agencies: agencies))
            <h2>\(Text(vi: "Diễn biến", en: "Timeline")(chrome.language))</h2>
            <div class="table-wrap"><table><tbody>\(steps)</tbody></table></div>
            """
        return Layout(chrome: chrome, title: report.id.rawValue, flash: flash, body: body).render()
    }

    /// The forms for the steps this viewer may take now (the workflow has the last word).
    func actions(_ context: AppRequestContext, chrome: Chrome, report: Report, service: Service?, agencies: [Agency]) -> HTML {
        let status = report.workflow.status
        let role = context.principal.role
        let desk = role == .admin || role == .operator
        let holder = role == .agencyStaff && context.principal.agencyID != nil && context.principal.agencyID == report.workflow.agency
        var forms: [HTML] = []
        func form(_ event: String, _ label: Text, _ fields: HTML = "", danger: Bool = false) -> HTML {
            """
            <form class="filters panel" method="post" action="/reports/\(report.id.rawValue)/step">\(chrome.csrfField)<input type="hidden" name="event" value="\(event)">\(fields)<button type="submit"\(HTML(raw: danger ? " class=\"danger\"" : ""))>\(label(chrome.language))</button></form>
            """
        }
        let reasonField: HTML = "<label>\(Text(vi: "Lý do", en: "Reason")(chrome.language))<input name=\"note\" required maxlength=\"4000\"></label>"
        if desk, [.received, .returned, .reopened, .escalated].contains(status) {
            let priorities = Priority.allCases.map { ($0.rawValue, Self.priorityText($0)(chrome.language)) }
            forms.append(
                form(
                    "classify", Text(vi: "Phân loại", en: "Classify"),
                    "<label>\(Text(vi: "Mức độ", en: "Priority")(chrome.language))\(Widgets.select(name: "priority", options: priorities, selected: service?.priority.rawValue ?? "normal"))</label>"
                ))
        }
        if desk, [.classified, .returned, .escalated].contains(status) {
            let options = Widgets.agencyOptions(agencies, language: chrome.language)
            forms.append(
                form(
                    "assign", Text(vi: "Chuyển xử lý", en: "Assign"),
                    "<label>\(chrome.t(.agency))\(Widgets.select(name: "agency", options: options, selected: service?.defaultAgency?.rawValue))</label>"))
        }
        if desk, [.received, .classified, .returned, .reopened].contains(status) {
            forms.append(form("refuse", Text(vi: "Từ chối", en: "Refuse"), reasonField, danger: true))
        }
        if holder || (role == .admin && report.workflow.agency != nil) {
            if status == .assigned { forms.append(form("accept", Text(vi: "Tiếp nhận xử lý", en: "Accept"))) }
            if status == .accepted { forms.append(form("start", Text(vi: "Bắt đầu xử lý", en: "Start work"))) }
            if [.accepted, .inProgress].contains(status) {
                forms.append(
                    form(
                        "resolve", Text(vi: "Trả lời kết quả", en: "Answer"),
                        "<label>\(Text(vi: "Kết quả xử lý", en: "Answer")(chrome.language))<input name=\"note\" required maxlength=\"4000\"></label>"))
            }
            if [.assigned, .accepted].contains(status) {
                forms.append(form("return", Text(vi: "Trả lại (không thuộc thẩm quyền)", en: "Return (not ours)"), reasonField))
            }
        }
        if desk, status == .resolved { forms.append(form("publish", Text(vi: "Công khai kết quả", en: "Publish"))) }
        if (desk && [.assigned, .accepted, .inProgress, .returned].contains(status))
            || (holder && [.assigned, .accepted, .inProgress].contains(status))
        {
            forms.append(form("escalate", Text(vi: "Chuyển UBND xem xét", en: "Escalate to the People's Committee"), reasonField))
        }
        return HTML.join(forms)
    }

    @Sendable func step(_ request: Request, context: AppRequestContext) async throws -> Response {
        let report = try await load(context)
        let form = try await FormData(request: request, context: context)
        let note = form["note"] ?? ""
        let event: ReportWorkflow.Event
        switch form["event"] ?? "" {
        case "classify":
            event = .classify(service: report.service.rawValue, priority: form["priority"].flatMap(Priority.init(rawValue:)) ?? .normal)
        case "assign": event = .assign(agency: Agency.ID(form["agency"] ?? ""))
        case "refuse": event = .refuse(reason: note)
        case "accept": event = .accept
        case "start": event = .start
        case "resolve": event = .resolve(answer: note)
        case "return": event = .returnToOperator(reason: note)
        case "publish": event = .publish
        case "escalate": event = .escalate(reason: note)
        default: throw ClientError(.badRequest, .badRequest)
        }
        if case .assign(let agency) = event, try await services.organisation.agency(agency) == nil {
            throw ValidationError(field: "agency", reason: .unknownReference)
        }
        let service = try await services.catalogue.service(report.service)
        let workflow = ReportWorkflow.Context(
            actor: context.principal, now: Date(), calendar: try await services.calendar.workingCalendar(), terms: service?.terms ?? .standard)
        let after: Report
        do {
            (after, _) = try await services.reports.transition(report.id, event, workflow: workflow, context: context.changeContext)
        } catch let error as WorkflowError {
            let message: Text
            switch error {
            case .notAllowed: message = .forbidden
            case .missing, .invalid: message = Text(vi: "Thiếu hoặc sai thông tin cho bước này.", en: "This step needs a valid reason or answer.")
            default: message = Text(vi: "Không thể thực hiện bước này ở trạng thái hiện tại.", en: "This step is not possible in the report's current state.")
            }
            let status: HTTPResponse.Status = if case .notAllowed = error { .forbidden } else { .unprocessableContent }
            return try await page(context, report: report, flash: Flash(kind: .error, message: message(context.language))).response(status: status)
        }
        // An agency that returned a report no longer sees it: back to the inbox.
        let stillVisible = AccessPolicy.scope(for: context.principal) == .all || AccessPolicy.canRead(context.principal, ownedBy: after.workflow.agency)
        return .seeOther(stillVisible ? "/reports/\(report.id.rawValue)" : "/desk")
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
