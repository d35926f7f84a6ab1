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
        router.on(.post, "/desk/assign", .permission(.useDesk), use: bulkAssign)
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

    static let pageSize = 100

    @Sendable func queue(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let chrome = services.chrome(context, "/desk")
        let language = chrome.language
        let scope = AccessPolicy.scope(for: context.principal)
        let desk = AccessPolicy.allows(context.principal, .useDesk)
        let q = request.uri.queryParameters
        func value(_ name: String) -> String? { q[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        let showClosed = value("closed") != nil
        let page = max(0, min(Int(value("page") ?? "0") ?? 0, 10_000))
        func query(_ statuses: Set<ReportWorkflow.Status>, deadline: Bool?, order: ReportQuery.Order) -> ReportQuery {
            ReportQuery(
                scope: scope, service: value("service").map { Service.Code($0) }, ward: value("ward").map { Area.Code($0) },
                agency: value("agency").map { Agency.ID($0) }, statuses: statuses, deadlineRunning: deadline, order: order,
                limit: Self.pageSize, offset: page * Self.pageSize)
        }
        // Open: reports at an agency with a deadline running, most urgent first; then, for the
        // centre, those waiting for it (new, returned, escalated, answered and not yet
        // published), newest first. Each list is read in index order, a page at a time, however
        // many reports there are.
        let running: [Report]
        let waiting: [Report]
        if showClosed {
            running = []
            waiting = try await services.reports.reports(query(Set(ReportWorkflow.Status.allCases.filter { !$0.isOpen }), deadline: nil, order: .newest))
        } else {
            running = try await services.reports.reports(query(ReportWorkflow.Status.atAgency, deadline: true, order: .due))
            waiting =
                scope == .all
                ? try await services.reports.reports(
                    query(Set(ReportWorkflow.Status.allCases.filter { $0.isOpen && !ReportWorkflow.Status.atAgency.contains($0) }), deadline: nil, order: .newest))
                : []
        }
        let calendar = try await services.calendar.workingCalendar()
        let catalogue = Dictionary(uniqueKeysWithValues: try await services.catalogue.services(includeInactive: true).map { ($0.code, $0) })
        let areas = Dictionary(uniqueKeysWithValues: try await services.organisation.areas(AreaQuery(includeInactive: true)).map { ($0.code, $0) })
        let agencies = try await services.organisation.agencies(AgencyQuery())
        let assignable: Set<ReportWorkflow.Status> = [.received, .classified, .returned, .escalated, .reopened]
        func rows(_ reports: [Report], selectable: Bool) -> [HTML] {
            reports.map { report in
                let service = catalogue[report.service]
                let pick: HTML =
                    selectable && assignable.contains(report.workflow.status)
                    ? "<td><input type=\"checkbox\" name=\"id\" value=\"\(report.id.rawValue)\" aria-label=\"\(report.id.rawValue)\"></td>"
                    : (selectable ? "<td></td>" : "")
                return """
                    <tr>\(pick)<td><a href="/reports/\(report.id.rawValue)">\(report.id.rawValue)</a></td><td>\(chrome.format.dateTime(report.requestedAt))</td>
                    <td>\((language == .en ? service?.nameEn : service?.name) ?? report.service.rawValue)</td>
                    <td class="hide-narrow">\(report.wardCode.flatMap { areas[$0]?.name } ?? report.address ?? "—")</td>
                    <td>\(Text.status(report.workflow.status)(language))</td>
                    <td>\(Self.standingTag(report.workflow.openDeadline, calendar: calendar, chrome: chrome))</td></tr>
                    """
            }
        }
        func table(_ rows: [HTML], selectable: Bool) -> HTML {
            let pickHead: HTML = selectable ? "<th><span class=\"visually-hidden\">✓</span></th>" : ""
            let columns = selectable ? 7 : 6
            return """
                <div class="table-wrap"><table>
                <thead><tr>\(pickHead)<th>\(chrome.t(.code))</th><th>\(Text(vi: "Tiếp nhận", en: "Received")(language))</th><th>\(Text(vi: "Lĩnh vực", en: "Service")(language))</th><th class="hide-narrow">\(Text(vi: "Địa bàn", en: "Place")(language))</th><th>\(chrome.t(.status))</th><th>\(Text(vi: "Hạn", en: "Due")(language))</th></tr></thead>
                <tbody>\(rows.isEmpty ? Widgets.empty(language, columns: columns) : HTML.join(rows))</tbody>
                </table></div>
                """
        }
        let title = Text(vi: "Phản ánh hiện trường", en: "Citizen reports")(language)
        let toggle: HTML =
            showClosed
            ? "<a class=\"button secondary\" href=\"/desk\">\(Text(vi: "Đang mở", en: "Open")(language))</a>"
            : "<a class=\"button secondary\" href=\"/desk?closed=1\">\(Text(vi: "Đã đóng", en: "Closed")(language))</a>"
        let wards = areas.values.filter { $0.level.isCommuneLevel && $0.active }.sorted { $0.name < $1.name }.map { ($0.code.rawValue, $0.name) }
        let serviceOptions = catalogue.values.sorted { $0.name < $1.name }
            .map { ($0.code.rawValue, language == .en && !$0.nameEn.isEmpty ? $0.nameEn : $0.name) }
        let agencyOptions = Widgets.agencyOptions(agencies, language: language)
        let agencyFilter: HTML =
            scope == .all
            ? "<label>\(chrome.t(.agency))\(Widgets.select(name: "agency", options: agencyOptions, selected: value("agency"), blank: chrome.t(.all)))</label>"
            : ""
        var sections: [HTML] = []
        if !showClosed {
            sections.append(
                "<h2>\(Text(vi: "Đang trong hạn xử lý (hạn gần nhất trước)", en: "With a deadline running (soonest first)")(language))</h2>\(table(rows(running, selectable: false), selectable: false))"
            )
        }
        let waitingHeading =
            showClosed
            ? Text(vi: "Đã đóng (mới nhất trước)", en: "Closed (newest first)")
            : Text(vi: "Chờ trung tâm xử lý (mới nhất trước)", en: "Waiting for the centre (newest first)")
        if showClosed || (scope == .all && !desk) {
            sections.append("<h2>\(waitingHeading(language))</h2>\(table(rows(waiting, selectable: false), selectable: false))")
        } else if scope == .all {
            // Several reports routed at once: each is classified first if it needs to be.
            sections.append(
                """
                <h2>\(waitingHeading(language))</h2>
                <form method="post" action="/desk/assign">\(chrome.csrfField)
                \(table(rows(waiting, selectable: true), selectable: true))
                <div class="filters panel"><label>\(Text(vi: "Chuyển các phản ánh đã chọn cho", en: "Assign the selected reports to")(language))\(Widgets.select(name: "agency", options: agencyOptions, selected: nil, blank: Text(vi: "đơn vị theo quy tắc phân công", en: "the agency its routing rule names")(language)))</label>
                <button type="submit">\(Text(vi: "Chuyển xử lý", en: "Assign")(language))</button></div>
                </form>
                """)
        }
        // An agency's open view is what it must act on; its answered reports show under "closed" once published.
        var flash: Flash?
        if let done = value("assigned").flatMap(Int.init) {
            let failed = value("failed").flatMap(Int.init) ?? 0
            flash = Flash(
                kind: failed == 0 ? .ok : .error,
                message: Text(
                    vi: "Đã chuyển \(done) phản ánh." + (failed > 0 ? " \(failed) phản ánh không chuyển được (chưa có đơn vị mặc định hoặc đã thay đổi trạng thái)." : ""),
                    en: "\(done) reports assigned." + (failed > 0 ? " \(failed) could not be (no default agency, or their state changed)." : ""))(language))
        }
        var pager: [HTML] = []
        var params = URLComponents()
        params.queryItems = ["service", "ward", "agency", "closed"].compactMap { name in value(name).map { URLQueryItem(name: name, value: $0) } }
        func link(_ page: Int) -> String {
            var copy = params
            copy.queryItems = (copy.queryItems ?? []) + [URLQueryItem(name: "page", value: String(page))]
            return "/desk?" + (copy.percentEncodedQuery ?? "")
        }
        if page > 0 { pager.append("<a class=\"button secondary\" href=\"\(link(page - 1))\">← \(Text(vi: "Trang trước", en: "Previous")(language))</a>") }
        if running.count == Self.pageSize || waiting.count == Self.pageSize {
            pager.append("<a class=\"button secondary\" href=\"\(link(page + 1))\">\(Text(vi: "Trang sau", en: "Next")(language)) →</a>")
        }
        let body: HTML = """
            <div class="toolbar"><h1>\(title)</h1><div>\(desk ? HTML(raw: "<a class=\"button\" href=\"/desk/new\">") : "")\(desk ? Text(vi: "Tiếp nhận cuộc gọi", en: "Take a call")(language) : "")\(desk ? HTML(raw: "</a>") : "") <a class="button secondary" href="/stats">\(Text(vi: "Thống kê", en: "Statistics")(language))</a> \(toggle)</div></div>
            <form class="filters" method="get" action="/desk" role="search">
            \(showClosed ? HTML(raw: "<input type=\"hidden\" name=\"closed\" value=\"1\">") : "")
            <label>\(Text(vi: "Lĩnh vực", en: "Service")(language))\(Widgets.select(name: "service", options: serviceOptions, selected: value("service"), blank: chrome.t(.all)))</label>
            <label>\(Text(vi: "Phường, xã", en: "Ward")(language))\(Widgets.select(name: "ward", options: wards, selected: value("ward"), blank: chrome.t(.all)))</label>
            \(agencyFilter)
            <button type="submit">\(chrome.t(.filter))</button>
            </form>
            \(HTML.join(sections))
            <div class="pager">\(HTML.join(pager, separator: " "))</div>
            """
        return Layout(chrome: chrome, title: title, flash: flash, body: body).render()
    }

    /// Bulk routing from the queue: each selected report is classified (keeping its category and
    /// priority) when it needs to be, then assigned to the chosen agency or its category's
    /// default agency. Each report is its own audited step; one that cannot move is counted, not
    /// fatal.
    @Sendable func bulkAssign(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        let ids = Array(Set(form.all("id").filter { !$0.isEmpty })).prefix(Self.pageSize)
        let chosen = form["agency"].flatMap { $0.isEmpty ? nil : Agency.ID($0) }
        if let chosen, try await services.organisation.agency(chosen) == nil {
            throw ValidationError(field: "agency", reason: .unknownReference)
        }
        let calendar = try await services.calendar.workingCalendar()
        let routing = try await services.routing.routingTable(organisation: services.organisation, catalogue: services.catalogue)
        var done = 0
        var failed = 0
        for id in ids {
            do {
                guard let report = try await services.reports.report(Report.ID(id)) else { throw StoreError.notFound }
                let service = try await services.catalogue.service(report.service)
                guard let agency = chosen ?? routing.agency(for: report.service, in: report.wardCode)?.0 else {
                    throw ValidationError(field: "agency", reason: .required)
                }
                let workflow = ReportWorkflow.Context(actor: context.principal, now: Date(), calendar: calendar, terms: service?.terms ?? .standard)
                if [.received, .reopened].contains(report.workflow.status) {
                    _ = try await services.reports.transition(
                        report.id, .classify(service: report.service.rawValue, priority: report.workflow.priority), workflow: workflow,
                        context: context.changeContext)
                }
                _ = try await services.reports.transition(report.id, .assign(agency: agency), workflow: workflow, context: context.changeContext)
                done += 1
            } catch is WorkflowError {
                failed += 1
            } catch is ValidationError {
                failed += 1
            } catch StoreError.notFound {
                failed += 1
            }
        }
        return .seeOther("/desk?assigned=\(done)&failed=\(failed)")
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
        let routing = try await services.routing.routingTable(organisation: services.organisation, catalogue: services.catalogue)
        let suggestion = routing.agency(for: report.service, in: report.wardCode)
        let duplicates = try await duplicatesPanel(context, chrome: chrome, report: report)
        let categories = try await categoryChoice(context, chrome: chrome, report: report)
        let steps: [HTML] = report.workflow.steps.map { step in
            "<tr><td>\(f.dateTime(step.at))</td><td>\(Text.status(step.status)(chrome.language))</td><td>\(step.actorName)</td><td>\(step.note ?? "")</td></tr>"
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
        let files = try await services.attachments.attachments(of: report.id)
        // The desk may take a photo out of public view (a face, a number plate) before publishing.
        let desk = AccessPolicy.allows(context.principal, .useDesk)
        let withdrawControl = { (attachment: Attachment) -> HTML in
            guard desk else { return "" }
            if attachment.withdrawn != nil {
                return
                    "<form method=\"post\" action=\"/attachments/\(attachment.id.rawValue)/withdraw\">\(chrome.csrfField)<input type=\"hidden\" name=\"show\" value=\"1\"><button class=\"secondary\" type=\"submit\">\(Text(vi: "Hiện lại", en: "Show again")(chrome.language))</button></form>"
            }
            return
                "<form class=\"filters\" method=\"post\" action=\"/attachments/\(attachment.id.rawValue)/withdraw\">\(chrome.csrfField)<label>\(Text(vi: "Lý do ẩn", en: "Why withdraw")(chrome.language))<input name=\"reason\" required maxlength=\"500\"></label><button class=\"secondary\" type=\"submit\">\(Text(vi: "Ẩn khỏi công khai", en: "Withdraw from public view")(chrome.language))</button></form>"
        }
        let sent = files.filter { $0.stage == .report }
        let answered = files.filter { $0.stage == .answer }
        let sentPart: HTML =
            sent.isEmpty
            ? ""
            : "<h2>\(Text(vi: "Ảnh, video người phản ánh gửi", en: "Photos and video from the reporter")(chrome.language))</h2>\(Widgets.gallery(sent, language: chrome.language, controls: withdrawControl))"
        let answeredPart: HTML =
            answered.isEmpty
            ? ""
            : "<h2>\(Text(vi: "Ảnh kết quả xử lý", en: "Photos of the result")(chrome.language))</h2>\(Widgets.gallery(answered, language: chrome.language, controls: withdrawControl))"
        let gallery = HTML.join([sentPart, answeredPart])
        let body: HTML = """
            <h1>\(Text(vi: "Phản ánh", en: "Report")(chrome.language)) \(report.id.rawValue)</h1>
            <div class="panel table-wrap"><table>
            <tr><th>\(chrome.t(.status))</th><td>\(Text.status(report.workflow.status)(chrome.language)) \(Self.standingTag(report.workflow.openDeadline, calendar: calendar, chrome: chrome))</td></tr>
            <tr><th>\(Text(vi: "Lĩnh vực", en: "Service")(chrome.language))</th><td>\((chrome.language == .en ? service?.nameEn : service?.name) ?? report.service.rawValue)</td></tr>
            <tr><th>\(Text(vi: "Nội dung", en: "Description")(chrome.language))</th><td>\(report.description)</td></tr>
            <tr><th>\(Text(vi: "Địa bàn", en: "Place")(chrome.language))</th><td>\(ward?.name ?? "—") \(report.address ?? "") \(report.latitude.map { f.decimal($0, places: 5) } ?? "") \(report.longitude.map { f.decimal($0, places: 5) } ?? "")</td></tr>
            <tr><th>\(chrome.t(.agency))</th><td>\(holder?.displayName(chrome.language) ?? "—")</td></tr>
            <tr><th>\(Text(vi: "Kênh", en: "Channel")(chrome.language))</th><td>\(report.channel.rawValue)</td></tr>
            \(contact)
            \(answers)
            </table></div>
            \(gallery)
            \(actions(context, chrome: chrome, report: report, service: service, agencies: agencies, suggestion: suggestion, categories: categories))
            \(duplicates)
            <h2>\(Text(vi: "Diễn biến", en: "Timeline")(chrome.language))</h2>
            <div class="table-wrap"><table><tbody>\(steps)</tbody></table></div>
            """
        return Layout(chrome: chrome, title: report.id.rawValue, flash: flash, body: body).render()
    }

    /// The category field of the classify form: the reporter's pick, or the category its words
    /// point to (learned from the latest 5,000 classified reports) when that is more likely.
    func categoryChoice(_ context: AppRequestContext, chrome: Chrome, report: Report) async throws -> HTML {
        guard AccessPolicy.allows(context.principal, .useDesk), [.received, .returned, .reopened, .escalated].contains(report.workflow.status)
        else { return "" }
        let language = chrome.language
        let catalogue = try await services.catalogue.services(includeInactive: false)
        let suggester = try await ReportIntake(services: services).categorySuggester()
        let best = suggester.suggest(report.description + " " + (report.address ?? "")).first
        let name = { (code: Service.Code) in
            catalogue.first { $0.code == code }.map { language == .en && !$0.nameEn.isEmpty ? $0.nameEn : $0.name } ?? code.rawValue
        }
        var selected = report.service
        var hint: HTML = ""
        if let (code, probability) = best, code != report.service, probability >= ReportIntake.confidentSuggestion, catalogue.contains(where: { $0.code == code }) {
            selected = code
            hint = """
                <span class="hint">\(Text(vi: "Nội dung giống lĩnh vực", en: "The words look like")(language)) “\(name(code))” (\(chrome.format.integer(Int((probability * 100).rounded()))) %); \(Text(vi: "người dân chọn", en: "the reporter chose")(language)) “\(name(report.service))”.</span>
                """
        }
        let options = catalogue.map { ($0.code.rawValue, name($0.code)) }
        return "<label>\(Text(vi: "Lĩnh vực", en: "Category")(language))\(Widgets.select(name: "service", options: options, selected: selected.rawValue))\(hint)</label>"
    }

    /// For the desk, while a report can still be merged: reports of the same category received
    /// within a week, within 300 m (or in the same ward) with similar words, each with a button
    /// to merge this report into it.
    func duplicatesPanel(_ context: AppRequestContext, chrome: Chrome, report: Report) async throws -> HTML {
        guard AccessPolicy.allows(context.principal, .useDesk), [.received, .classified, .returned].contains(report.workflow.status) else {
            return ""
        }
        let language = chrome.language
        let candidates = Duplicates.rank(report, among: try await services.reports.neighbours(of: report, radius: 300, days: 7)).prefix(5)
        guard !candidates.isEmpty else { return "" }
        let rows: [HTML] = candidates.map { candidate in
            let other = candidate.report
            let distance = candidate.distance.map { chrome.format.integer(Int($0.rounded())) + " m" } ?? Text(vi: "cùng phường", en: "same ward")(language)
            return """
                <tr><td><a href="/reports/\(other.id.rawValue)">\(other.id.rawValue)</a></td><td>\(chrome.format.dateTime(other.requestedAt))</td>
                <td>\(other.description)</td><td class="num">\(distance)</td><td class="num">\(chrome.format.integer(Int((candidate.similarity * 100).rounded()))) %</td>
                <td>\(Text.status(other.workflow.status)(language))</td>
                <td><form method="post" action="/reports/\(report.id.rawValue)/step">\(chrome.csrfField)<input type="hidden" name="event" value="merge"><input type="hidden" name="target" value="\(other.id.rawValue)"><button class="secondary" type="submit">\(Text(vi: "Gộp vào phản ánh này", en: "Merge into this one")(language))</button></form></td></tr>
                """
        }
        return """
            <h2>\(Text(vi: "Có thể trùng", en: "Possible duplicates")(language))</h2>
            <div class="table-wrap"><table>
            <thead><tr><th>\(chrome.t(.code))</th><th>\(Text(vi: "Tiếp nhận", en: "Received")(language))</th><th>\(Text(vi: "Nội dung", en: "Description")(language))</th><th class="num">\(Text(vi: "Cách", en: "Distance")(language))</th><th class="num">\(Text(vi: "Giống", en: "Alike")(language))</th><th>\(chrome.t(.status))</th><th></th></tr></thead>
            <tbody>\(HTML.join(rows))</tbody></table></div>
            """
    }

    /// The forms for the steps this viewer may take now (the workflow has the last word).
    func actions(
        _ context: AppRequestContext, chrome: Chrome, report: Report, service: Service?, agencies: [Agency],
        suggestion: (Agency.ID, RoutingTable.Reason)?, categories: HTML
    ) -> HTML {
        let status = report.workflow.status
        let role = context.principal.role
        let desk = role == .admin || role == .operator
        let holder = role == .agencyStaff && context.principal.agencyID != nil && context.principal.agencyID == report.workflow.agency
        var forms: [HTML] = []
        func form(_ event: String, _ label: Text, _ fields: HTML = "", danger: Bool = false, files: Bool = false) -> HTML {
            """
            <form class="filters panel" method="post" action="/reports/\(report.id.rawValue)/step"\(HTML(raw: files ? " enctype=\"multipart/form-data\"" : ""))>\(chrome.csrfField)<input type="hidden" name="event" value="\(event)">\(fields)<button type="submit"\(HTML(raw: danger ? " class=\"danger\"" : ""))>\(label(chrome.language))</button></form>
            """
        }
        let reasonField: HTML = "<label>\(Text(vi: "Lý do", en: "Reason")(chrome.language))<input name=\"note\" required maxlength=\"4000\"></label>"
        if desk, [.received, .returned, .reopened, .escalated].contains(status) {
            let priorities = Priority.allCases.map { ($0.rawValue, Text.priority($0)(chrome.language)) }
            forms.append(
                form(
                    "classify", Text(vi: "Phân loại", en: "Classify"),
                    HTML(
                        raw: categories.raw
                            + "<label>\(HTML.escape(Text(vi: "Mức độ", en: "Priority")(chrome.language)))\(Widgets.select(name: "priority", options: priorities, selected: service?.priority.rawValue ?? "normal").raw)</label>"
                    )))
        }
        if desk, [.classified, .returned, .escalated].contains(status) {
            let options = Widgets.agencyOptions(agencies, language: chrome.language)
            let why: String
            switch suggestion?.1 {
            case .rule(let area)?: why = Text(vi: "Đề xuất theo quy tắc phân công (\(area.rawValue)).", en: "Suggested by the routing rule for \(area.rawValue).")(chrome.language)
            case .serviceDefault?: why = Text(vi: "Đề xuất: đơn vị mặc định của lĩnh vực.", en: "Suggested: the category's default agency.")(chrome.language)
            case nil: why = Text(vi: "Chưa có quy tắc phân công cho lĩnh vực này.", en: "No routing rule for this category yet.")(chrome.language)
            }
            forms.append(
                form(
                    "assign", Text(vi: "Chuyển xử lý", en: "Assign"),
                    "<label>\(chrome.t(.agency))\(Widgets.select(name: "agency", options: options, selected: suggestion?.0.rawValue))<span class=\"hint\">\(why)</span></label>"))
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
                        HTML(
                            raw: "<label>\(HTML.escape(Text(vi: "Kết quả xử lý", en: "Answer")(chrome.language)))<input name=\"note\" required maxlength=\"4000\"></label>"
                                + Widgets.fileInput(name: "photos", limits: services.reportPolicy.attachmentLimits, language: chrome.language).raw),
                        files: true))
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
            // The operator may correct the category; it must be one of the active ones.
            let chosen = form.text("service").map { Service.Code($0) } ?? report.service
            guard let category = try await services.catalogue.service(chosen), category.active else {
                throw ValidationError(field: "service", reason: .unknownReference)
            }
            event = .classify(service: category.code.rawValue, priority: form["priority"].flatMap(Priority.init(rawValue:)) ?? .normal)
        case "assign": event = .assign(agency: Agency.ID(form["agency"] ?? ""))
        case "refuse": event = .refuse(reason: note)
        case "accept": event = .accept
        case "start": event = .start
        case "resolve": event = .resolve(answer: note)
        case "return": event = .returnToOperator(reason: note)
        case "publish": event = .publish
        case "escalate": event = .escalate(reason: note)
        case "merge":
            // Into a report that exists, is another one, and is not itself merged away.
            guard let target = form.text("target"), target != report.id.rawValue,
                let into = try await services.reports.report(Report.ID(target)), into.workflow.status != .merged
            else { throw ValidationError(field: "target", reason: .unknownReference) }
            event = .merge(into: into.id.rawValue)
        default: throw ClientError(.badRequest, .badRequest)
        }
        if case .assign(let agency) = event, try await services.organisation.agency(agency) == nil {
            throw ValidationError(field: "agency", reason: .unknownReference)
        }
        let service = try await services.catalogue.service(report.service)
        let workflow = ReportWorkflow.Context(
            actor: context.principal, now: Date(), calendar: try await services.calendar.workingCalendar(), terms: service?.terms ?? .standard)
        // An answer may bring photos of the result: checked, written, then stored with the step.
        var attachments: [Attachment] = []
        if case .resolve = event, let uploads = form.files["photos"] {
            do {
                let checked = try ReportIntake.checked(uploads, limits: services.reportPolicy.attachmentLimits)
                attachments = try await services.files.store(checked, report: report.id, stage: .answer, now: workflow.now)
            } catch let refusal as ReportIntake.Refusal {
                return try await page(context, report: report, flash: Flash(kind: .error, message: refusal.message(context.language)))
                    .response(status: .unprocessableContent)
            }
        }
        let after: Report
        do {
            (after, _) = try await services.reports.transition(report.id, event, workflow: workflow, attachments: attachments, context: context.changeContext)
        } catch let error as WorkflowError {
            services.files.remove(attachments)
            let message: Text
            switch error {
            case .notAllowed: message = .forbidden
            case .missing, .invalid: message = Text(vi: "Thiếu hoặc sai thông tin cho bước này.", en: "This step needs a valid reason or answer.")
            default: message = Text(vi: "Không thể thực hiện bước này ở trạng thái hiện tại.", en: "This step is not possible in the report's current state.")
            }
            let status: HTTPResponse.Status = if case .notAllowed = error { .forbidden } else { .unprocessableContent }
            return try await page(context, report: report, flash: Flash(kind: .error, message: message(context.language))).response(status: status)
        } catch {
            services.files.remove(attachments)
            throw error
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
