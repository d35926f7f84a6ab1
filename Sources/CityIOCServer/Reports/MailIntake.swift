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
        let (receipt, new) = try await take(Data(buffer: raw), by: context.principal, requestID: context.id)
        return JSONBody(receipt, status: new ? .created : .ok)
    }

    /// Takes one message as a report, whoever hands it over (a gateway over HTTP, the drop
    /// folder). A message whose `Message-ID` was taken before is not a second report: the receipt
    /// of the first is given again (false), without its follow-up token.
    func take(_ raw: Data, by principal: Principal, requestID: String?) async throws -> (Receipt, Bool) {
        let mail: MailMessage
        do {
            mail = try MailMessage(raw: raw)
        } catch {
            throw ClientError(.badRequest, Text(vi: "Không đọc được thư (thiếu tiêu đề hoặc nội dung).", en: "The message has no headers or no text."))
        }
        let messageID = mail.messageID.map { String($0.trimmingCharacters(in: CharacterSet(charactersIn: "<> ")).prefix(200)) }.nonBlank
        if let messageID, case .seen(let earlier) = try await services.messages.claimMessage(platform: "email", id: messageID, now: Date()) {
            guard let earlier, let report = try await services.reports.report(earlier) else {
                throw ClientError(.conflict, Text(vi: "Thư này đang được tiếp nhận.", en: "This message is being taken right now."))
            }
            let files = try await services.attachments.attachments(of: report.id).count
            return (Receipt(reportId: report.id.rawValue, serviceCode: report.service.rawValue, followToken: "", attachments: files, skippedAttachments: []), false)
        }
        do {
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
            let (report, token): (Report, String)
            do {
                (report, token) = try await ReportIntake(services: services).submit(submission, by: principal, requestID: requestID)
            } catch let refusal as ReportIntake.Refusal {
                throw ClientError(.unprocessableContent, refusal.message)
            }
            if let messageID { try await services.messages.recordMessage(platform: "email", id: messageID, report: report.id) }
            return (
                Receipt(
                    reportId: report.id.rawValue, serviceCode: report.service.rawValue, followToken: token, attachments: kept.count,
                    skippedAttachments: skipped), true
            )
        } catch {
            if let messageID { try? await services.messages.releaseMessage(platform: "email", id: messageID) }
            throw error
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
