import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird

/// Serves reports' photos and videos to those allowed to see them, and nobody else: to anyone
/// else an attachment does not exist (404, as for another agency's report).
///
/// - `/attachments/{id}` and `/attachments/{id}/small`: staff who may see the report; anyone for
///   an answer's photos once the answer is published.
/// - `/follow/{token}/attachments/{id}` (and `/small`): the reporter, by the follow-up token.
///
/// Videos are served in ranges (`Range: bytes=…`), which phones' players ask for.
struct AttachmentController {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/attachments/:attachment", .anyone) { try await serve($0, $1, small: false) }
        router.on(.get, "/attachments/:attachment/small", .anyone) { try await serve($0, $1, small: true) }
        router.on(.get, "/follow/:token/attachments/:attachment", .anyone) { try await serve($0, $1, small: false) }
        router.on(.get, "/follow/:token/attachments/:attachment/small", .anyone) { try await serve($0, $1, small: true) }
        router.on(.post, "/attachments/:attachment/withdraw", .permission(.useDesk), use: withdraw)
    }

    /// The desk takes a photo out of public view (a face, a number plate…) or shows it again;
    /// staff still see it, marked. Back to the report's page.
    @Sendable func withdraw(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = Attachment.ID(try context.parameters.require("attachment"))
        let form = try await FormData(request: request, context: context)
        let reason = form["show"] == nil ? String((form.text("reason") ?? "").prefix(500)) : nil
        guard reason == nil || !(reason ?? "").isEmpty else { throw ValidationError(field: "reason", reason: .required) }
        let attachment = try await services.attachments.withdrawAttachment(id, reason: reason, context: context.changeContext)
        return .seeOther("/reports/\(attachment.reportID.rawValue)")
    }

    /// The address of an attachment for a page: by token on the reporter's page, plain for staff.
    static func path(_ attachment: Attachment, token: String? = nil, small: Bool = false) -> String {
        (token.map { "/follow/\($0)" } ?? "") + "/attachments/\(attachment.id.rawValue)" + (small ? "/small" : "")
    }

    func serve(_ request: Request, _ context: AppRequestContext, small: Bool) async throws -> Response {
        let id = Attachment.ID(try context.parameters.require("attachment"))
        guard let attachment = try await services.attachments.attachment(id), let report = try await services.reports.report(attachment.reportID)
        else { throw StoreError.notFound }
        var publicFile = false
        if let token = context.parameters.get("token") {
            guard try await services.reports.reportID(tokenHash: Secret.sha256(token)) == report.id else { throw StoreError.notFound }
            // The reporter keeps their own photos; an answer's photo the desk withdrew is gone for them too.
            guard attachment.stage == .report || (attachment.withdrawn == nil && [.published, .rated].contains(report.workflow.status)) else {
                throw StoreError.notFound
            }
        } else {
            guard AccessPolicy.canSee(attachment, of: report, by: context.principal) else { throw StoreError.notFound }
            publicFile = !AccessPolicy.allows(context.principal, .viewReports)
        }
        let thumbnail = small && attachment.hasThumbnail
        let url = services.files.url(attachment.id, thumbnail: thumbnail)
        guard let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue else {
            context.logger.error("attachment file missing", metadata: ["attachment": "\(attachment.id)", "path": "\(url.path)"])
            throw StoreError.notFound
        }
        var headers = HTTPFields()
        headers[.contentType] = thumbnail ? MediaType.jpeg.rawValue : attachment.mediaType.rawValue
        headers[.contentDisposition] = "inline; filename=\"\(attachment.id.rawValue).\(thumbnail ? "jpg" : attachment.mediaType.fileExtension)\""
        // The bytes under an id never change; who may see them can, so only the public ones are shared caches'.
        headers[.cacheControl] = publicFile ? "public, max-age=86400" : "private, max-age=3600"
        headers[.eTag] = "\"\(attachment.sha256.prefix(32))\(thumbnail ? "-s" : "")\""
        headers[.acceptRanges] = "bytes"
        if request.headers[.ifNoneMatch] == headers[.eTag] { return Response(status: .notModified, headers: headers) }
        var range = 0...(max(size, 1) - 1)
        var status = HTTPResponse.Status.ok
        if let asked = request.headers[.range], size > 0 {
            guard let wanted = Self.range(asked, size: size) else {
                headers[.contentRange] = "bytes */\(size)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            }
            range = wanted
            status = .partialContent
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
        }
        guard size > 0 else { return Response(status: .ok, headers: headers) }
        let body = try await FileIO().loadFile(path: url.path, range: range, context: context)
        return Response(status: status, headers: headers, body: body)
    }

    /// One range of `bytes=first-last`, `bytes=first-` or `bytes=-suffix`, within the file; nil
    /// when it asks for nothing the file has. Several ranges get the first (allowed by RFC 9110).
    static func range(_ header: String, size: Int) -> ClosedRange<Int>? {
        guard header.hasPrefix("bytes="), let first = header.dropFirst(6).split(separator: ",").first else { return nil }
        let bounds = first.trimmingCharacters(in: .whitespaces).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard bounds.count == 2 else { return nil }
        if bounds[0].isEmpty {
            guard let suffix = Int(bounds[1]), suffix > 0 else { return nil }
            return max(0, size - suffix)...(size - 1)
        }
        guard let start = Int(bounds[0]), start >= 0, start < size else { return nil }
        if bounds[1].isEmpty { return start...(size - 1) }
        guard let end = Int(bounds[1]), end >= start else { return nil }
        return start...min(end, size - 1)
    }
}
