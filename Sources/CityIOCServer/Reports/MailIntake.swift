import CityIOCDomain
import Foundation
import Hummingbird

/// The e-mail channel: a mail gateway (or a script reading a mailbox) posts each message as it
/// came (`message/rfc822`) with an integrator key. The report takes the sender as reporter
/// (private), the subject and text as its description, the category the words point to
/// (`ReportIntake.category(forFreeText:)`), and the address from an "Địa chỉ:" line
/// when the citizen wrote one. Photos and a video attached are kept with the report, as many as
/// the limits allow; other files (documents, signatures' logos, more than the limit) are named
/// in the receipt as skipped rather than losing the citizen's message.
struct MailIntake {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.post, "/api/v1/intake/email", .permission(.pushData), use: receive)
    }

    struct Receipt: Encodable, Sendable {
        var reportId: String
        var serviceCode: String
        var followToken: String
        var attachments: Int
        var skippedAttachments: [String]
    }

    @Sendable func receive(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Receipt> {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("message/rfc822") || type.hasPrefix("text/plain") else {
            throw ClientError(.unsupportedMediaType, Text(vi: "Gửi thư dưới dạng message/rfc822.", en: "Send the message as message/rfc822."))
        }
        var body = request
        let raw = try await body.collectBody(upTo: context.maxUploadSize)
        let mail: MailMessage
        do {
            mail = try MailMessage(raw: Data(buffer: raw))
        } catch {
            throw ClientError(.badRequest, Text(vi: "Không đọc được thư (thiếu tiêu đề hoặc nội dung).", en: "The message has no headers or no text."))
        }
        let text = [mail.subject, mail.text].filter { !$0.isEmpty }.joined(separator: "\n")
        let service = try await ReportIntake(services: services).category(forFreeText: text)
        let address = text.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            let folded = TextFolding.searchKey(String(line))
            guard folded.hasPrefix("dia chi:") || folded.hasPrefix("address:"), let colon = line.firstIndex(of: ":") else { return nil }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : String(value.prefix(500))
        }.first
        let (kept, skipped) = Self.keepable(mail.attachments, limits: services.reportPolicy.attachmentLimits)
        let submission = ReportIntake.Submission(
            serviceCode: service.rawValue, description: String(text.prefix(Report.maximumDescription)), latitude: nil, longitude: nil,
            address: address ?? "Chưa rõ địa chỉ (thư điện tử) / no address given (e-mail)", addressID: nil, answers: [:],
            reporter: Report.Reporter(name: mail.fromName, phone: nil, email: mail.fromAddress), mediaURL: nil, channel: .email,
            files: kept)
        do {
            let (report, token) = try await ReportIntake(services: services).submit(submission, by: context.principal, requestID: context.id)
            return JSONBody(
                Receipt(
                    reportId: report.id.rawValue, serviceCode: report.service.rawValue, followToken: token, attachments: kept.count,
                    skippedAttachments: skipped),
                status: .created)
        } catch let refusal as ReportIntake.Refusal {
            throw ClientError(.unprocessableContent, refusal.message)
        }
    }

    /// The attachments a report can carry, in the order sent, and the names of the others with why.
    static func keepable(_ attachments: [MailMessage.Attachment], limits: Attachment.Limits) -> ([Attachment.Upload], [String]) {
        var kept: [Attachment.Upload] = []
        var skipped: [String] = []
        var videos = 0
        for (index, file) in attachments.enumerated() {
            let name = file.fileName ?? "#\(index + 1)"
            guard let type = MediaType.sniff(file.data) else {
                skipped.append("\(name): not a photo or video")
                continue
            }
            guard file.data.count <= (type.isImage ? limits.imageBytes : limits.videoBytes) else {
                skipped.append("\(name): too large")
                continue
            }
            guard kept.count < limits.files, type.isImage || videos == 0 else {
                skipped.append("\(name): over the limit of files")
                continue
            }
            if !type.isImage { videos += 1 }
            kept.append(Attachment.Upload(fileName: file.fileName, data: file.data))
        }
        return (kept, skipped)
    }
}
