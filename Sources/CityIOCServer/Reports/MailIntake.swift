import CityIOCDomain
import Foundation
import Hummingbird

/// The e-mail channel: a mail gateway (or a script reading a mailbox) posts each message as it
/// came (`message/rfc822`) with an integrator key. The report takes the sender as reporter
/// (private), the subject and text as its description, the category the words point to
/// (`ReportIntake.category(forFreeText:)`), and the address from an "Địa chỉ:" line
/// when the citizen wrote one.
struct MailIntake {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.post, "/api/v1/intake/email", .permission(.pushData), use: receive)
    }

    struct Receipt: Encodable, Sendable {
        var reportId: String
        var serviceCode: String
        var followToken: String
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
        let submission = ReportIntake.Submission(
            serviceCode: service.rawValue, description: String(text.prefix(Report.maximumDescription)), latitude: nil, longitude: nil,
            address: address ?? "Chưa rõ địa chỉ (thư điện tử) / no address given (e-mail)", addressID: nil, answers: [:],
            reporter: Report.Reporter(name: mail.fromName, phone: nil, email: mail.fromAddress), mediaURL: nil, channel: .email)
        do {
            let (report, token) = try await ReportIntake(services: services).submit(submission, by: context.principal, requestID: context.id)
            return JSONBody(Receipt(reportId: report.id.rawValue, serviceCode: report.service.rawValue, followToken: token), status: .created)
        } catch let refusal as ReportIntake.Refusal {
            throw ClientError(.unprocessableContent, refusal.message)
        }
    }
}
