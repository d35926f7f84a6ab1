import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird

/// `requests.{fmt}` (post and list), `requests/{id}.{fmt}`, `tokens/{token}.{fmt}`. Public
/// answers never carry the reporter's name, phone or email.
extension Open311Controller {
    static let closed: Set<ReportWorkflow.Status> = Set(ReportWorkflow.Status.allCases.filter { !$0.isOpen })

    func registerRequests(on router: Router<AppRequestContext>) {
        router.on(.post, "\(Self.base)/:document", .anyone, use: post)
        router.on(.get, "\(Self.base)/requests/:file", .anyone, use: single)
        router.on(.get, "\(Self.base)/tokens/:file", .anyone, use: token)
    }

    static func bad(_ vi: String, _ en: String) -> Open311Error { Open311Error(.badRequest, Text(vi: vi, en: en)) }

    /// Takes a report from an app: form-encoded, or multipart with photos and a video (the
    /// `media` field, as apps send it; any file field is taken), with the app's `api_key`.
    @Sendable func post(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (format, name) = try Self.file(context.parameters.require("document"))
        guard name == "requests" else { throw Open311Error(.notFound, Text(vi: "Không có tài liệu \(name).", en: "There is no document \(name).")) }
        try await checkJurisdiction(request)
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") || type.hasPrefix("multipart/form-data") else {
            throw Self.bad(
                "Gửi dưới dạng application/x-www-form-urlencoded hoặc multipart/form-data (kèm tệp media).",
                "Send the request as application/x-www-form-urlencoded, or multipart/form-data with a media file.")
        }
        let form = try await FormData(request: request, context: context)
        guard let secret = form.text("api_key"), let key = try await services.accounts.apiKey(secretHash: Secret.sha256(secret)), key.isActive
        else { throw Open311Error(.forbidden, Text(vi: "Thiếu hoặc sai api_key.", en: "api_key is missing or not valid.")) }
        let submission = ReportIntake.Submission(
            serviceCode: form.text("service_code"), description: form["description"] ?? "", latitude: form.text("lat"),
            longitude: form.text("long"), address: form.text("address_string"), addressID: form.text("address_id"),
            answers: ReportIntake.answers(in: form),
            reporter: Report.Reporter(
                name: [form.text("first_name"), form.text("last_name")].compactMap { $0 }.joined(separator: " "),
                phone: form.text("phone"), email: form.text("email")),
            mediaURL: form.text("media_url"), channel: .open311, files: form.allFiles)
        let (report, token): (Report, String)
        do {
            (report, token) = try await ReportIntake(services: services).submit(submission, by: key.principal, requestID: context.id)
        } catch let refusal as ReportIntake.Refusal {
            throw Open311Error(.badRequest, refusal.message)
        }
        let notice = Text(
            vi: "Đã tiếp nhận phản ánh \(report.id.rawValue). Theo dõi bằng mã này.",
            en: "Report \(report.id.rawValue) received. Follow it with this id.")(context.language)
        let created: Open311Document = .list(
            item: "request",
            [
                .object([
                    ("service_request_id", .text(report.id.rawValue)), ("token", .text(token)), ("service_notice", .text(notice)),
                    ("account_id", .null),
                ])
            ])
        return created.response(format, root: "service_requests")
    }

    /// The `requests.{fmt}` list with the spec's filters (the caller of `document`), and the
    /// common extensions: `page`/`page_size` and `extensions=true`.
    func list(_ request: Request, _ context: AppRequestContext, format: Open311Document.Format) async throws -> Response {
        let q = request.uri.queryParameters
        let extended = try Self.extensions(q)
        if let raw = q["service_request_id"].map(String.init), !raw.isEmpty {
            let ids = raw.split(separator: ",").map { Report.ID($0.trimmingCharacters(in: .whitespaces)) }
            guard ids.count <= 1000 else { throw Self.bad("Quá nhiều mã.", "Too many ids.") }
            var query = ReportQuery(ids: ids)
            query.withReporter = false
            return try await requestList(try await services.reports.reports(query), request, context, format: format, extended: extended)
        }
        let start = try Self.date(q, "start_date")
        let end = try Self.date(q, "end_date")
        if let start, let end, start > end { throw Self.bad("start_date sau end_date.", "start_date is after end_date.") }
        var statuses: Set<ReportWorkflow.Status>?
        if let raw = q["status"].map(String.init), !raw.isEmpty {
            statuses = []
            for part in raw.split(separator: ",") {
                switch part.trimmingCharacters(in: .whitespaces).lowercased() {
                case "open": statuses!.formUnion(ReportWorkflow.Status.allCases.filter(\.isOpen))
                case "closed": statuses!.formUnion(Self.closed)
                default: throw Self.bad("status phải là open hoặc closed.", "status must be open or closed.")
                }
            }
        }
        let pageSize = try Self.whole(q, "page_size", in: 1...1000) ?? 1000
        let page = try Self.whole(q, "page", in: 1...1_000_000) ?? 1
        // The spec's default: the last 90 days when no date is given.
        let since = start ?? (end == nil ? Date().addingTimeInterval(-90 * 86400) : nil)
        var query = ReportQuery(
            service: q["service_code"].map { Service.Code(String($0)) }, statuses: statuses, since: since, until: end, limit: pageSize,
            offset: (page - 1) * pageSize)
        query.withReporter = false
        return try await requestList(try await services.reports.reports(query), request, context, format: format, extended: extended)
    }

    /// W3C/RFC 3339 times with the city's offset, as Open311 clients parse them:
    /// 2026-11-22T10:45:00+07:00 (what `ISO8601FormatStyle` writes for the city's zone).
    static func time(_ date: Date, _ calendar: WorkingCalendar) -> Open311Document {
        .time(date, offset: calendar.timeZone.secondsFromGMT(for: date))
    }

    /// What the public may read about the outcome: the answer once the centre has published it,
    /// the reason for a refusal, the report a duplicate was merged into. Never an agency's
    /// internal reason for returning or escalating.
    static func publicNote(_ workflow: ReportWorkflow) -> String? {
        switch workflow.status {
        case .published, .rated: workflow.answer
        case .refused, .merged: workflow.steps.last?.note
        default: nil
        }
    }

    static func whole(_ q: Parameters, _ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let raw = q[Substring(name)].map(String.init), !raw.isEmpty else { return nil }
        guard let value = Int(raw), range.contains(value) else {
            throw bad(
                "\(name) phải là số nguyên từ \(range.lowerBound) đến \(range.upperBound).",
                "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return value
    }

    static func extensions(_ q: Parameters) throws -> Bool {
        switch q["extensions"].map({ $0.lowercased() }) {
        case nil, "", "false", "0": return false
        case "true", "1": return true
        default: throw bad("extensions phải là true hoặc false.", "extensions must be true or false.")
        }
    }

    @Sendable func single(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (format, id) = try Self.file(context.parameters.require("file"))
        try await checkJurisdiction(request)
        guard let report = try await services.reports.report(Report.ID(id)) else {
            throw Open311Error(.notFound, Text(vi: "Không có phản ánh \(id).", en: "No request has the id \(id)."))
        }
        let extended = try Self.extensions(request.uri.queryParameters)
        return try await requestList([report], request, context, format: format, extended: extended)
    }

    @Sendable func token(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (format, token) = try Self.file(context.parameters.require("file"))
        try await checkJurisdiction(request)
        guard let id = try await services.reports.reportID(tokenHash: Secret.sha256(token)) else {
            throw Open311Error(.notFound, Text(vi: "Không có mã theo dõi này.", en: "No request has this token."))
        }
        let found: Open311Document = .list(item: "request", [.object([("service_request_id", .text(id.rawValue)), ("token", .text(token))])])
        return found.response(format, root: "service_requests")
    }

    /// Reports as the spec's request objects, written straight into the answer (the
    /// `service_requests` list): public fields only. With `extended`, each also has
    /// `extended_attributes`: channel, ward, detailed status, priority, deadline and where it
    /// stands, the report it duplicates, photos and the answers to the category's questions.
    func requestList(
        _ reports: [Report], _ request: Request, _ context: AppRequestContext, format: Open311Document.Format, extended: Bool = false
    ) async throws -> Response {
        let english = context.language == .en
        // Photos the caller may see (for the public: the answers' photos once published), as
        // addresses an app can fetch; `media_url` is an app's own link, else the first photo.
        let viewer = context.principal
        let staff = AccessPolicy.allows(viewer, .viewReports)
        var mayHaveVisible: [Report.ID] = []
        // By index: `for report in` copied every report (a retain of each of its strings).
        for index in reports.indices where staff || [.published, .rated].contains(reports[index].workflow.status) {
            mayHaveVisible.append(reports[index].id)
        }
        let files = try await services.attachments.attachments(of: mayHaveVisible)
        let base = Self.baseURL(request, trustProxy: services.reportPolicy.trustProxy, secure: services.sessions.secureCookies)
        func photos(_ report: Report) -> [String] {
            (report.mediaURL.map { [$0] } ?? [])
                + (files[report.id] ?? []).filter { AccessPolicy.canSee($0, of: report, by: viewer) }.map { base + AttachmentController.path($0) }
        }
        let catalogue = Dictionary(uniqueKeysWithValues: try await services.catalogue.services(includeInactive: true).map { ($0.code, $0) })
        let agencies = Dictionary(uniqueKeysWithValues: try await services.organisation.agencies(AgencyQuery(includeInactive: true)).map { ($0.id, $0) })
        let agencyNames = agencies.mapValues { $0.displayName(context.language) }
        let calendar = try await services.calendar.workingCalendar()
        let areas = extended ? try await services.organisation.areas(AreaQuery(includeInactive: true)) : []
        let now = Date()
        // About 700 bytes per request object, twice that extended: a list of a thousand is
        // written without growing the buffer (and copying it, and faulting in fresh pages).
        var out = Open311Writer(format, capacity: min(4 << 20, 4096 + reports.count * (extended ? 1536 : 768)))
        // W3C/RFC 3339 form with the city's offset, as Open311 clients parse it: 2026-11-22T10:45:00+07:00
        func time(_ name: String, _ date: Date?) { out.time(name, date, offset: date.map { calendar.timeZone.secondsFromGMT(for: $0) } ?? 0) }
        func extensions(_ report: Report, photos: [String]) {
            let workflow = report.workflow
            out.beginObject("extended_attributes")
            out.text("channel", report.channel.rawValue)
            out.text("ward_code", report.wardCode?.rawValue)
            out.text("ward_name", report.wardCode.flatMap { code in areas.first { $0.code == code } }?.name)
            out.text("detailed_status", workflow.status.rawValue)
            out.text("priority", workflow.priority.rawValue)
            time("deadline", workflow.openDeadline?.due)
            out.text("deadline_status", workflow.openDeadline?.standing(at: now, calendar: calendar).rawValue)
            out.text("duplicate_of", workflow.mergedInto)
            out.beginList("photos")
            for photo in photos { out.text("photo", photo) }
            out.end()
            out.beginList("attributes")
            for (code, values) in report.attributes.sorted(by: { $0.key < $1.key }) {
                out.beginObject("attribute")
                out.text("code", code)
                out.beginList("values")
                for value in values { out.text("value", value) }
                out.end()
                out.end()
            }
            out.end()
            out.end()
        }
        func write(_ report: Report) {
            let workflow = report.workflow
            let service = catalogue[report.service]
            let shown = photos(report)
            out.beginObject("request")
            out.text("service_request_id", report.id.rawValue)
            out.text("status", workflow.status.isOpen ? "open" : "closed")
            out.text("status_notes", Self.publicNote(workflow))
            out.text("service_name", (english ? service?.nameEn : service?.name) ?? report.service.rawValue)
            out.text("service_code", report.service.rawValue)
            // A refused report keeps its refusal reason public, not what was written (spam, abuse, someone's details).
            out.text("description", workflow.status == .refused ? "" : report.description)
            out.text("agency_responsible", workflow.agency.flatMap { agencyNames[$0] })
            out.null("service_notice")
            time("requested_datetime", report.requestedAt)
            time("updated_datetime", report.updatedAt)
            time("expected_datetime", workflow.openDeadline?.due)
            out.text("address", report.address)
            out.text("address_id", report.addressID)
            out.null("zipcode")
            out.decimal("lat", report.latitude)
            out.decimal("long", report.longitude)
            out.text("media_url", shown.first)
            if extended { extensions(report, photos: shown) }
            out.end()
        }
        out.beginList("service_requests")
        for index in reports.indices { write(reports[index]) }
        out.end()
        return out.response()
    }

    /// `https://ioc.example.vn` as the client reached this server: its `Host`, and the scheme a
    /// trusted proxy says (`X-Forwarded-Proto`), or https when cookies are marked secure.
    static func baseURL(_ request: Request, trustProxy: Bool, secure: Bool) -> String {
        var scheme = secure ? "https" : "http"
        if trustProxy, let forwarded = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.split(separator: ",").first {
            let proto = forwarded.trimmingCharacters(in: .whitespaces).lowercased()
            if ["http", "https"].contains(proto) { scheme = proto }
        }
        let host = request.head.authority ?? "localhost"
        // A Host header is the client's to write: only a host name and port go into a link.
        let safe = host.allSatisfy { $0.isLetter || $0.isNumber || "-.:[]".contains($0) } ? host : "localhost"
        return "\(scheme)://\(safe)"
    }

    static func date(_ q: Parameters, _ name: String) throws -> Date? {
        guard let raw = q[Substring(name)].map(String.init), !raw.isEmpty else { return nil }
        guard let date = (try? Date.ISO8601FormatStyle().parse(raw)) ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(raw))
        else { throw bad("\(name) phải theo ISO 8601.", "\(name) must be an ISO 8601 date and time.") }
        return date
    }
}
