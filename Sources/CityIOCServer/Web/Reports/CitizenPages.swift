import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird

/// What a citizen uses without an account: the report form, and the follow-up page reached by
/// the token shown after sending (status, the published answer, a rating, reopening).
struct CitizenPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/report", .anyone, use: form)
        router.on(.post, "/report", .anyone, use: submit)
        router.on(.get, "/follow/:token", .anyone, use: follow)
        router.on(.post, "/follow/:token", .anyone, use: respond)
        // The hotline (1022): an operator types in what a caller says.
        router.on(.get, "/desk/new", .permission(.useDesk), use: hotlineForm)
        router.on(.post, "/desk/new", .permission(.useDesk), use: hotlineSubmit)
    }

    @Sendable func hotlineForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await formPage(context, values: chosenCategory(request), flash: nil, hotline: true)
    }

    /// Stores the call as a report of the hotline channel and opens it on the desk, with the
    /// follow-up token to read to the caller (shown once, never put in an address).
    @Sendable func hotlineSubmit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        var submission = try await submission(form, channel: .hotline)
        submission.wardCode = form.text("ward")
        do {
            guard !(form.text("description") ?? "").isEmpty else {
                throw ReportIntake.Refusal("Hãy ghi nội dung cuộc gọi.", "Please write down what the caller said.")
            }
            guard form.text("ward") != nil || form.text("address_string") != nil || form.text("lat") != nil else {
                throw ReportIntake.Refusal("Cần phường, xã hoặc địa chỉ.", "A ward or an address is required.")
            }
            let (report, token) = try await ReportIntake(services: services).submit(submission, by: context.principal, requestID: context.id)
            let message = Text(
                vi: "Đã tiếp nhận phản ánh \(report.id.rawValue). Đọc cho người gọi mã phản ánh và mã theo dõi: \(token) (chỉ hiện một lần).",
                en: "Report \(report.id.rawValue) taken. Read the caller the report id and the follow-up code: \(token) (shown only once).")
            return try await DeskPages(services: services).page(context, report: report, flash: Flash(kind: .ok, message: message(context.language)))
                .response(status: .created)
        } catch let refusal as ReportIntake.Refusal {
            return try await formPage(context, values: form, flash: Flash(kind: .error, message: refusal.message(context.language)), hotline: true)
                .response(status: .unprocessableContent)
        }
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await formPage(context, values: chosenCategory(request), flash: nil)
    }

    /// The chosen service's questions as form fields (`attribute[code]`), answers kept.
    func questions(_ service: Service, values: FormData, chrome: Chrome) -> HTML {
        HTML.join(
            service.attributes.sorted { $0.order < $1.order }.map { attribute in
                let name = "attribute[\(attribute.code)]"
                let given = values.fields[name] ?? values.fields[name + "[]"] ?? []
                let required = HTML(raw: attribute.required ? " required" : "")
                guard attribute.variable else { return "<p class=\"hint\">\(attribute.description)</p>" }
                switch attribute.datatype {
                case .singlevaluelist:
                    let options = attribute.values.map { ($0.key, $0.name) }
                    return "<label>\(attribute.description)\(Widgets.select(name: name, options: options, selected: given.first, blank: "—"))</label>"
                case .multivaluelist:
                    let boxes: [HTML] = attribute.values.map { value in
                        "<label class=\"check\"><input type=\"checkbox\" name=\"\(name)[]\" value=\"\(value.key)\"\(HTML(raw: given.contains(value.key) ? " checked" : ""))> \(value.name)</label>"
                    }
                    return "<fieldset><legend>\(attribute.description)</legend>\(boxes)</fieldset>"
                case .number:
                    return "<label>\(attribute.description)<input name=\"\(name)\" inputmode=\"decimal\" value=\"\(given.first ?? "")\"\(required)></label>"
                case .datetime:
                    return "<label>\(attribute.description)<input type=\"datetime-local\" name=\"\(name)\" value=\"\(given.first ?? "")\"\(required)></label>"
                case .text:
                    return "<label>\(attribute.description)<textarea name=\"\(name)\" rows=\"2\" maxlength=\"4000\"\(required)>\(given.first ?? "")</textarea></label>"
                case .string:
                    return "<label>\(attribute.description)<input name=\"\(name)\" maxlength=\"500\" value=\"\(given.first ?? "")\"\(required)></label>"
                }
            })
    }

    /// The report form: the public one (`/report`), or the hotline operator's (`/desk/new`),
    /// which asks for the ward and the caller instead of "your" details.
    func formPage(_ context: AppRequestContext, values: FormData, flash: Flash?, hotline: Bool = false) async throws -> HTML {
        let path = hotline ? "/desk/new" : "/report"
        let chrome = services.chrome(context, hotline ? "/desk" : "/report")
        let english = chrome.language == .en
        let catalogue = try await services.catalogue.services(includeInactive: false)
        let options = catalogue.map { ($0.code.rawValue, "\($0.group) — \(english && !$0.nameEn.isEmpty ? $0.nameEn : $0.name)") }
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(chrome.language) }
        let chosen = values["service_code"].flatMap { code in catalogue.first { $0.code.rawValue == code } }
        let asked: HTML = chosen.map { questions($0, values: values, chrome: chrome) } ?? ""
        var wardField: HTML = ""
        if hotline {
            let wards = try await services.organisation.areas(AreaQuery()).filter { $0.level.isCommuneLevel }.sorted { $0.name < $1.name }
            wardField =
                "<label>\(t("Phường, xã", "Ward or commune"))\(Widgets.select(name: "ward", options: wards.map { ($0.code.rawValue, $0.name) }, selected: values["ward"], blank: t("— Theo địa chỉ / tọa độ —", "— From the address / coordinates —")))</label>"
        }
        let who =
            hotline
            ? (t("Họ tên người gọi (không công khai)", "Caller's name (never published)"), t("Số điện thoại người gọi (không công khai)", "Caller's phone (never published)"))
            : (t("Họ tên (không công khai)", "Your name (never published)"), t("Điện thoại (không công khai)", "Phone (never published)"))
        let heading = hotline ? t("Tiếp nhận cuộc gọi đường dây nóng 1022", "Hotline 1022: take a call") : t("Gửi phản ánh hiện trường", "Report a problem in the city")
        let body: HTML = """
            <h1>\(heading)</h1>
            <form class="filters" method="get" action="\(path)" data-autosubmit>
            <label>\(t("Lĩnh vực", "What is it about"))\(Widgets.select(name: "service_code", options: options, selected: values["service_code"], blank: t("— Chọn —", "— Choose —")))</label>
            <button type="submit" class="secondary">\(t("Tiếp tục", "Continue"))</button>
            </form>
            <p class="hint">\(t("Khẩn cấp đến tính mạng: gọi 113 (công an), 114 (cứu hỏa), 115 (cấp cứu).", "Life in danger: call 113 (police), 114 (fire), 115 (ambulance)."))</p>
            <form class="stack panel" method="post" action="\(path)" enctype="multipart/form-data">
            \(chrome.csrfField)
            <input type="hidden" name="service_code" value="\(values["service_code"] ?? "")">
            \(asked)
            <label>\(t("Nội dung", "What happened"))<textarea name="description" rows="4" maxlength="4000" required>\(values["description"] ?? "")</textarea></label>
            \(wardField)
            <label>\(t("Địa chỉ", "Address"))<input name="address_string" maxlength="500" value="\(values["address_string"] ?? "")" placeholder="Số 12 Bến Đoan, phường Hồng Gai"></label>
            <label>\(t("Vĩ độ", "Latitude"))<input name="lat" inputmode="decimal" value="\(values["lat"] ?? "")"></label>
            <label>\(t("Kinh độ", "Longitude"))<input name="long" inputmode="decimal" value="\(values["long"] ?? "")"><span class="hint">\(t("Để trống nếu đã ghi địa chỉ.", "Leave empty when you gave an address."))</span></label>
            \(Widgets.fileInput(name: "photos", limits: services.reportPolicy.attachmentLimits, language: chrome.language))
            <label>\(who.0)<input name="name" maxlength="120" value="\(values["name"] ?? "")" autocomplete="name"></label>
            <label>\(who.1)<input type="tel" name="phone" maxlength="30" value="\(values["phone"] ?? "")" autocomplete="tel"></label>
            <label>\(t("Thư điện tử (không công khai)", "Email (never published)"))<input type="email" name="email" maxlength="200" value="\(values["email"] ?? "")" autocomplete="email"></label>
            <button type="submit">\(t("Gửi phản ánh", "Send"))</button>
            </form>
            """
        return Layout(chrome: chrome, title: hotline ? t("Đường dây nóng", "Hotline") : t("Gửi phản ánh", "Report a problem"), flash: flash, body: body).render()
    }

    /// What the report form (public or hotline) hands to intake.
    func submission(_ form: FormData, channel: Report.Channel) async throws -> ReportIntake.Submission {
        ReportIntake.Submission(
            serviceCode: form.text("service_code"), description: form["description"] ?? "", latitude: form.text("lat"),
            longitude: form.text("long"), address: form.text("address_string"), addressID: nil,
            answers: Self.localTimes(ReportIntake.answers(in: form), in: try await services.calendar.workingCalendar().timeZone),
            reporter: Report.Reporter(name: form.text("name"), phone: form.text("phone"), email: form.text("email")),
            mediaURL: nil, channel: channel, files: form.files["photos"] ?? [])
    }

    /// The form with the category from the address (`?service_code=`) chosen.
    func chosenCategory(_ request: Request) -> FormData {
        let chosen =
            request.uri.queryParameters["service_code"]
            .map { "service_code=" + (String($0).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? ""
        return FormData(encoded: chosen)
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        let submission = try await submission(form, channel: .web)
        let limit = services.reportPolicy.publicReportsPerHour
        if limit > 0, context.principal.role == .public || !context.principal.isAuthenticated,
            try await !services.intakeLimits.admit(client: clientAddress(request, context), limit: limit, now: Date())
        {
            let message = Text(
                vi: "Bạn đã gửi \(limit) phản ánh trong một giờ qua. Vui lòng thử lại sau, hoặc gọi đường dây nóng 1022.",
                en: "You have sent \(limit) reports in the past hour. Please try again later, or call the 1022 hotline.")
            return try await formPage(context, values: form, flash: Flash(kind: .error, message: message(context.language)))
                .response(status: .tooManyRequests)
        }
        do {
            guard form.text("service_code") != nil else {
                throw ReportIntake.Refusal("Hãy chọn lĩnh vực phản ánh.", "Please choose what the report is about.")
            }
            guard !(form.text("description") ?? "").isEmpty else {
                throw ReportIntake.Refusal("Hãy mô tả sự việc.", "Please say what happened.")
            }
            let (_, token) = try await ReportIntake(services: services).submit(submission, by: context.principal, requestID: context.id)
            return .seeOther("/follow/\(token)?new=1")
        } catch let refusal as ReportIntake.Refusal {
            return try await formPage(context, values: form, flash: Flash(kind: .error, message: refusal.message(context.language)))
                .response(status: .unprocessableContent)
        }
    }

    /// Who is sending, for the hourly limit: the connection's address, or behind a trusted
    /// reverse proxy the last address it added to `X-Forwarded-For`.
    func clientAddress(_ request: Request, _ context: AppRequestContext) -> String {
        if services.reportPolicy.trustProxy, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] {
            if let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty { return String(last.prefix(64)) }
        }
        return context.remoteAddress ?? "unknown"
    }

    /// A browser's `datetime-local` value (`2026-11-22T10:30`) is local time in the city; the
    /// attribute wants ISO 8601 with an offset, the city's at that instant.
    static func localTimes(_ answers: [String: [String]], in timeZone: TimeZone) -> [String: [String]] {
        answers.mapValues { values in
            values.map { value in
                guard value.count == 16, value.dropFirst(10).first == "T",
                    let local = try? Date.ISO8601FormatStyle(timeZone: timeZone).parse(value + ":00" + Self.offset(timeZone, near: nil))
                else { return value }
                return value + ":00" + Self.offset(timeZone, near: local)
            }
        }
    }

    /// `+07:00` for Vietnam: the zone's offset from UTC at that instant (now when nil).
    static func offset(_ timeZone: TimeZone, near date: Date?) -> String {
        let seconds = timeZone.secondsFromGMT(for: date ?? Date())
        let minutes = abs(seconds) / 60
        return String(format: "%@%02d:%02d", seconds < 0 ? "-" : "+", minutes / 60, minutes % 60)
    }

    func load(_ context: AppRequestContext) async throws -> (Report, String) {
        let token = try context.parameters.require("token")
        guard let id = try await services.reports.reportID(tokenHash: Secret.sha256(token)), let report = try await services.reports.report(id)
        else { throw StoreError.notFound }
        return (report, token)
    }

    @Sendable func follow(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let (report, token) = try await load(context)
        let created = request.uri.queryParameters["new"] != nil
        let flash =
            created
            ? Flash(
                kind: .ok,
                message: Text(
                    vi: "Đã nhận phản ánh \(report.id.rawValue). Lưu lại địa chỉ trang này để theo dõi.",
                    en: "Report \(report.id.rawValue) received. Keep this page's address to follow it.")(context.language))
            : nil
        return try await followPage(context, report: report, token: token, flash: flash)
    }

    func followPage(_ context: AppRequestContext, report: Report, token: String, flash: Flash?) async throws -> HTML {
        let chrome = services.chrome(context, "/follow")
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(chrome.language) }
        let status = report.workflow.status
        // The citizen sees the steps and, once published, the answer; not who at which desk.
        let steps: [HTML] = report.workflow.steps.map {
            "<tr><td>\(chrome.format.dateTime($0.at))</td><td>\(Text.status($0.status)(chrome.language))</td></tr>"
        }
        let answer: HTML =
            [.published, .rated].contains(status) && report.workflow.answer != nil
            ? "<div class=\"panel\"><h2>\(t("Kết quả xử lý", "The answer"))</h2><p>\(report.workflow.answer ?? "")</p></div>" : ""
        var actions: HTML = ""
        if status == .published {
            let stars = (1...5).map { ("\($0)", String(repeating: "★", count: $0)) }
            actions = """
                <form class="stack panel" method="post" action="/follow/\(token)">\(chrome.csrfField)<input type="hidden" name="step" value="rate">
                <label>\(t("Đánh giá của bạn", "Your rating"))\(Widgets.select(name: "stars", options: stars, selected: "5"))</label>
                <label>\(t("Ý kiến", "Comment"))<input name="comment" maxlength="1000"></label>
                <button type="submit">\(t("Gửi đánh giá", "Send the rating"))</button></form>
                """
        }
        // Reopening is offered while the window after publication is open, with its end shown.
        let publishedAt = report.workflow.steps.last { $0.status == .published }?.at
        let reopenUntil = publishedAt.map { $0.addingTimeInterval(Double(services.reportPolicy.reopenWithinDays) * 86400) }
        if [.published, .rated].contains(status), let reopenUntil, reopenUntil >= Date() {
            let until = chrome.format.dateTime(reopenUntil)
            actions = HTML(
                raw: actions.raw + """
                    <form class="stack panel" method="post" action="/follow/\(token)">\(chrome.csrfField.raw)<input type="hidden" name="step" value="reopen">
                    <label>\(HTML.escape(t("Chưa được giải quyết? Lý do (mở lại được đến \(until))", "Not solved? Why (you can reopen until \(until))")))<input name="reason" maxlength="1000" required></label>
                    <button class="secondary" type="submit">\(HTML.escape(t("Mở lại phản ánh", "Reopen the report")))</button></form>
                    """)
        }
        // The reporter sees what they sent, and the answer's photos with the answer.
        let files = try await services.attachments.attachments(of: report.id)
        let sent = files.filter { $0.stage == .report }
        let answered = [.published, .rated].contains(status) ? files.filter { $0.stage == .answer } : []
        let sentPart: HTML = sent.isEmpty ? "" : "<h2>\(t("Ảnh, video bạn gửi", "Your photos and video"))</h2>\(Widgets.gallery(sent, token: token, language: chrome.language))"
        let answeredPart: HTML =
            answered.isEmpty ? "" : "<h2>\(t("Ảnh kết quả xử lý", "Photos of the result"))</h2>\(Widgets.gallery(answered, token: token, language: chrome.language))"
        let gallery = HTML.join([sentPart, answeredPart])
        let rated: HTML = report.workflow.stars.map { "<p>\(t("Bạn đã đánh giá", "You rated")) \(String(repeating: "★", count: $0))</p>" } ?? ""
        let body: HTML = """
            <h1>\(t("Phản ánh", "Report")) \(report.id.rawValue)</h1>
            <div class="panel"><p><strong>\(Text.status(status)(chrome.language))</strong></p><p>\(report.description)</p>\(rated)</div>
            \(answer)
            \(gallery)
            \(actions)
            <h2>\(t("Diễn biến", "Timeline"))</h2>
            <div class="table-wrap"><table><tbody>\(steps)</tbody></table></div>
            """
        return Layout(chrome: chrome, title: report.id.rawValue, flash: flash, body: body).render()
    }

    @Sendable func respond(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (report, token) = try await load(context)
        let form = try await FormData(request: request, context: context)
        let event: ReportWorkflow.Event
        switch form["step"] ?? "" {
        case "rate": event = .rate(stars: Int(form["stars"] ?? "") ?? 0, comment: form.text("comment").map { String($0.prefix(1000)) })
        case "reopen": event = .reopen(reason: form["reason"] ?? "")
        default: throw ClientError(.badRequest, .badRequest)
        }
        // The token is the reporter's key: whoever holds it acts as the reporter.
        let reporter = Principal(kind: .anonymous, id: "", name: "reporter", role: .public, agencyID: nil)
        let workflow = ReportWorkflow.Context(
            actor: reporter, actorIsReporter: true, now: Date(), calendar: try await services.calendar.workingCalendar(),
            reopenWithinDays: services.reportPolicy.reopenWithinDays)
        do {
            _ = try await services.reports.transition(
                report.id, event, workflow: workflow, context: ChangeContext(principal: reporter, requestID: context.id))
        } catch let error as WorkflowError {
            let message: Text
            if case .reopenWindowClosed = error {
                message = Text(vi: "Đã quá thời hạn mở lại phản ánh này.", en: "It is too late to reopen this report.")
            } else {
                message = Text(vi: "Không thể thực hiện. Hãy kiểm tra lại thông tin.", en: "That is not possible. Please check what you sent.")
            }
            return try await followPage(context, report: report, token: token, flash: Flash(kind: .error, message: message(context.language)))
                .response(status: .unprocessableContent)
        }
        return .seeOther("/follow/\(token)")
    }
}
