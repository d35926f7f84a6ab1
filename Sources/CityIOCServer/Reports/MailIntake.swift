import CityIOCDomain
import Foundation
import Hummingbird

/// The e-mail channel: a mail gateway (or a script reading a mailbox) posts each message as it
/// came (`message/rfc822`) with an integrator key. The report takes the sender as reporter
/// (private), the subject and text as its description, the category the words point to (or
/// "khac", something else, for the centre to classify), and the address from an "Địa chỉ:" line
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

    static let fallbackService: Service.Code = "khac"

    /// The category free text points to (learned from classified reports; taken when at least
    /// 60 % likely and it asks no required question free text cannot answer), else "khac".
    func category(for text: String) async throws -> Service.Code {
        let suggester = CategorySuggester(examples: try await services.reports.classifiedExamples(limit: 5000))
        let catalogue = try await services.catalogue.services(includeInactive: false)
        let answerable = Set(catalogue.filter { !$0.attributes.contains { $0.required && $0.variable } }.map(\.code))
        if let (code, probability) = suggester.suggest(text).first, probability >= 0.6, answerable.contains(code) { return code }
        guard catalogue.contains(where: { $0.code == Self.fallbackService }) else {
            throw ClientError(
                .unprocessableContent,
                Text(vi: "Không xác định được lĩnh vực và không có lĩnh vực \"khac\".", en: "No category fits and there is no \"khac\" category."))
        }
        return Self.fallbackService
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
        let service = try await category(for: text)
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
