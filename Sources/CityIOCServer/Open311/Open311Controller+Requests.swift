import CityIOCDomain
import Foundation
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

    /// Takes a report from an app: form-encoded, with the app's `api_key`.
    @Sendable func post(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (format, name) = try Self.file(context.parameters.require("document"))
        guard name == "requests" else { throw Open311Error(.notFound, Text(vi: "Không có tài liệu \(name).", en: "There is no document \(name).")) }
        try await checkJurisdiction(request)
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw Self.bad("Gửi dưới dạng application/x-www-form-urlencoded.", "Send the request as application/x-www-form-urlencoded.")
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
            mediaURL: form.text("media_url"), channel: .open311)
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

    /// The `requests.{fmt}` list with the spec's filters (the caller of `document`).
    func list(_ request: Request, _ context: AppRequestContext) async throws -> Open311Document {
        let q = request.uri.queryParameters
        if let raw = q["service_request_id"].map(String.init), !raw.isEmpty {
            let ids = raw.split(separator: ",").map { Report.ID($0.trimmingCharacters(in: .whitespaces)) }
            guard ids.count <= 1000 else { throw Self.bad("Quá nhiều mã.", "Too many ids.") }
            return try await documents(try await services.reports.reports(ReportQuery(ids: ids)), context)
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
        // The spec's default: the last 90 days when no date is given.
        let since = start ?? (end == nil ? Date().addingTimeInterval(-90 * 86400) : nil)
        let query = ReportQuery(
            service: q["service_code"].map { Service.Code(String($0)) }, statuses: statuses, since: since, until: end, limit: 1000)
        return try await documents(try await services.reports.reports(query), context)
    }

    @Sendable func single(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (format, id) = try Self.file(context.parameters.require("file"))
        try await checkJurisdiction(request)
        guard let report = try await services.reports.report(Report.ID(id)) else {
            throw Open311Error(.notFound, Text(vi: "Không có phản ánh \(id).", en: "No request has the id \(id)."))
        }
        return try await documents([report], context).response(format, root: "service_requests")
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

    /// Reports as the spec's request objects: public fields only.
    func documents(_ reports: [Report], _ context: AppRequestContext) async throws -> Open311Document {
        let english = context.language == .en
        let catalogue = Dictionary(uniqueKeysWithValues: try await services.catalogue.services(includeInactive: true).map { ($0.code, $0) })
        let agencies = Dictionary(uniqueKeysWithValues: try await services.organisation.agencies(AgencyQuery(includeInactive: true)).map { ($0.id, $0) })
        // W3C/RFC 3339 form with the city's offset, as Open311 clients parse it: 2026-11-22T10:45:00+07:00
        let style = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? .gmt)
        func time(_ date: Date?) -> Open311Document { date.map { .text($0.formatted(style)) } ?? .null }
        return .list(
            item: "request",
            reports.map { report in
                let workflow = report.workflow
                let service = catalogue[report.service]
                let status = workflow.status.isOpen ? "open" : "closed"
                let notes = workflow.steps.last(where: { $0.note != nil && [.refused, .resolved, .merged].contains($0.status) })?.note
                return .object([
                    ("service_request_id", .text(report.id.rawValue)),
                    ("status", .text(status)),
                    ("status_notes", notes.map { .text($0) } ?? .null),
                    ("service_name", .text((english ? service?.nameEn : service?.name) ?? report.service.rawValue)),
                    ("service_code", .text(report.service.rawValue)),
                    ("description", .text(report.description)),
                    ("agency_responsible", workflow.agency.flatMap { agencies[$0] }.map { .text($0.displayName(context.language)) } ?? .null),
                    ("service_notice", .null),
                    ("requested_datetime", time(report.requestedAt)),
                    ("updated_datetime", time(report.updatedAt)),
                    ("expected_datetime", time(workflow.openDeadline?.due)),
                    ("address", report.address.map { .text($0) } ?? .null),
                    ("address_id", report.addressID.map { .text($0) } ?? .null),
                    ("zipcode", .null),
                    ("lat", report.latitude.map { .decimal($0) } ?? .null),
                    ("long", report.longitude.map { .decimal($0) } ?? .null),
                    ("media_url", report.mediaURL.map { .text($0) } ?? .null),
                ])
            })
    }

    static func date(_ q: Parameters, _ name: String) throws -> Date? {
        guard let raw = q[Substring(name)].map(String.init), !raw.isEmpty else { return nil }
        guard let date = (try? Date.ISO8601FormatStyle().parse(raw)) ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(raw))
        else { throw bad("\(name) phải theo ISO 8601.", "\(name) must be an ISO 8601 date and time.") }
        return date
    }
}
