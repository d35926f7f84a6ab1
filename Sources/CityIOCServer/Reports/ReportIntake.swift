import CityIOCDomain
import Foundation

/// Taking in a citizen report, whatever the channel (Open311 apps, the public web form, later the
/// hotline, e-mail and messaging): the same checks, the same ward lookup, the same record.
struct ReportIntake: Sendable {
    let services: AppServices

    /// What a channel hands over, before any check.
    struct Submission: Sendable {
        var serviceCode: String?
        var description: String
        var latitude: String?
        var longitude: String?
        var address: String?
        var addressID: String?
        var answers: [String: [String]]
        var reporter: Report.Reporter
        var mediaURL: String?
        var channel: Report.Channel
        /// The ward, when the person taking the report knows it (the hotline operator); found
        /// from the coordinates otherwise.
        var wardCode: String? = nil
        /// Photos and a video, checked by their bytes against the city's limits.
        var files: [Attachment.Upload] = []
    }

    /// Why a submission was refused, in both languages; channels put it in their own format.
    struct Refusal: Error, Sendable {
        var message: Text
        init(_ vi: String, _ en: String) { message = Text(vi: vi, en: en) }
    }

    /// Checks and stores; returns the report and its follow-up token (shown once to the reporter).
    func submit(_ submission: Submission, by principal: Principal, requestID: String?) async throws -> (Report, String) {
        guard let code = submission.serviceCode?.trimmingCharacters(in: .whitespaces), !code.isEmpty else {
            throw Refusal("Thiếu service_code (lĩnh vực phản ánh).", "service_code was not provided.")
        }
        guard let service = try await services.catalogue.service(Service.Code(code)), service.active else {
            throw Refusal("Lĩnh vực \(code) không hợp lệ.", "service_code \(code) is not valid.")
        }
        let latitude = try Self.coordinate(submission.latitude, "lat", range: -90...90)
        let longitude = try Self.coordinate(submission.longitude, "long", range: -180...180)
        guard (latitude == nil) == (longitude == nil) else { throw Refusal("Cần cả vĩ độ và kinh độ.", "Give both lat and long.") }
        let address = submission.address.nonBlank
        let addressID = submission.addressID.nonBlank
        guard latitude != nil || address != nil || addressID != nil else {
            throw Refusal("Cần vị trí: tọa độ hoặc địa chỉ.", "A location is required: lat and long, address_string or address_id.")
        }
        let description = submission.description.trimmingCharacters(in: .whitespacesAndNewlines)
        guard description.count <= Report.maximumDescription else {
            throw Refusal("Nội dung dài quá 4000 ký tự.", "description is longer than 4000 characters.")
        }
        guard (address?.count ?? 0) <= 500, (addressID?.count ?? 0) <= 100 else { throw Refusal("Địa chỉ quá dài.", "The address is too long.") }
        if let media = submission.mediaURL.nonBlank {
            guard media.count <= 2000, let url = URL(string: media), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
                throw Refusal("media_url phải là địa chỉ http(s).", "media_url must be an http(s) URL.")
            }
        }
        for attribute in service.attributes {
            if let problem = attribute.problem(with: submission.answers[attribute.code] ?? []) {
                throw Refusal(
                    "Câu trả lời cho \"\(attribute.description)\" không hợp lệ (\(problem.rawValue)).",
                    "The answer to \(attribute.code) is not valid (\(problem.rawValue)).")
            }
        }
        let known = Set(service.attributes.map(\.code))
        if let unknown = submission.answers.keys.first(where: { !known.contains($0) }) {
            throw Refusal("Lĩnh vực này không có câu hỏi \(unknown).", "This service has no attribute \(unknown).")
        }
        let files = try Self.checked(submission.files, limits: services.reportPolicy.attachmentLimits)
        let reporter = Report.Reporter(
            name: submission.reporter.name.nonBlank.map { String($0.prefix(120)) },
            phone: submission.reporter.phone.nonBlank.map { String($0.prefix(30)) },
            email: submission.reporter.email.nonBlank.map { String($0.prefix(200)) })

        let now = Date()
        let calendar = try await services.calendar.workingCalendar()
        var ward: Area.Code?
        if let code = submission.wardCode.nonBlank {
            guard let area = try await services.organisation.area(Area.Code(code)), area.level.isCommuneLevel, area.active else {
                throw Refusal("Phường, xã \(code) không hợp lệ.", "Ward \(code) is not valid.")
            }
            ward = area.code
        } else if let latitude, let longitude {
            // The outline that holds the point when outlines are loaded, else the nearest centre.
            ward = try await services.boundaries.area(containingLatitude: latitude, longitude: longitude)
            if ward == nil {
                ward = NearestArea.find(latitude: latitude, longitude: longitude, in: try await services.organisation.areas(AreaQuery()))?.code
            }
        }
        // An id is the day and six random characters (some 900 million a day): on the rare
        // clash with an existing one, the report is stored under a new id instead of failing.
        // The files are on disk before the row that names them (written once, whatever the id),
        // and removed again if no report is stored.
        var id = Report.newID(at: now, calendar: calendar)
        var attachments = try await services.files.store(files, report: id, stage: .report, now: now)
        var attempt = 0
        while true {
            let token = Secret.token(bytes: 18)
            let report = Report(
                id: id, service: service.code, description: description, latitude: latitude,
                longitude: longitude, address: address, addressID: addressID, wardCode: ward, channel: submission.channel, reporter: reporter,
                attributes: submission.answers, mediaURL: submission.mediaURL.nonBlank, requestedAt: now,
                workflow: ReportWorkflow(receivedAt: now, by: principal, priority: service.priority))
            do {
                try await services.reports.createReport(
                    report, tokenHash: Secret.sha256(token), calendar: calendar, attachments: attachments,
                    context: ChangeContext(principal: principal, requestID: requestID, now: now))
                return (report, token)
            } catch StoreError.duplicate where attempt < 5 {
                attempt += 1
                id = Report.newID(at: now, calendar: calendar)
                attachments = attachments.map {
                    var moved = $0; moved.reportID = id; return moved
                }
            } catch {
                services.files.remove(attachments)
                throw error
            }
        }
    }

    /// Files with their real types, or the reason to refuse them all in the sender's language.
    static func checked(_ uploads: [Attachment.Upload], limits: Attachment.Limits) throws(Refusal) -> [(Attachment.Upload, MediaType)] {
        do {
            return try limits.check(uploads)
        } catch {
            switch error {
            case .tooMany(let limit):
                throw Refusal("Chỉ gửi được tối đa \(limit) tệp ảnh, video.", "At most \(limit) photos or videos can be sent.")
            case .tooManyVideos:
                throw Refusal("Chỉ gửi được một video.", "Only one video can be sent.")
            case .empty(let name):
                throw Refusal("Tệp \(name) trống.", "The file \(name) is empty.")
            case .notAllowed(let name):
                throw Refusal(
                    "Tệp \(name) không phải ảnh (JPEG, PNG, WebP, HEIC) hay video (MP4, MOV, WebM).",
                    "The file \(name) is not a photo (JPEG, PNG, WebP, HEIC) or a video (MP4, MOV, WebM).")
            case .tooLarge(let name, let limit):
                throw Refusal("Tệp \(name) lớn hơn \(limit >> 20) MB.", "The file \(name) is larger than \(limit >> 20) MB.")
            }
        }
    }

    /// What the desk's latest 5,000 classifications teach about which words mean which category.
    func categorySuggester() async throws -> CategorySuggester {
        CategorySuggester(examples: try await services.reports.classifiedExamples(limit: 5000))
    }

    /// How likely a suggestion must be before it is proposed or taken.
    static let confidentSuggestion = 0.6
    /// Where free text goes when no category fits: "something else", for the desk to classify.
    static let fallbackService: Service.Code = "khac"

    /// The category of a report that came as free text (e-mail, messaging): the one its words
    /// point to when that is likely enough and asks no required question free text cannot
    /// answer, else "khac"; a 422 when the catalogue has no "khac".
    func category(forFreeText text: String) async throws -> Service.Code {
        let catalogue = try await services.catalogue.services(includeInactive: false)
        let answerable = Set(catalogue.filter { !$0.attributes.contains { $0.required && $0.variable } }.map(\.code))
        if let (code, probability) = try await categorySuggester().suggest(text).first, probability >= Self.confidentSuggestion,
            answerable.contains(code)
        {
            return code
        }
        guard catalogue.contains(where: { $0.code == Self.fallbackService }) else {
            throw ClientError(
                .unprocessableContent,
                Text(vi: "Không xác định được lĩnh vực và không có lĩnh vực \"khac\".", en: "No category fits and there is no \"khac\" category."))
        }
        return Self.fallbackService
    }

    static func coordinate(_ raw: String?, _ name: String, range: ClosedRange<Double>) throws -> Double? {
        guard let raw = raw.nonBlank else { return nil }
        guard let value = Double(raw.replacingOccurrences(of: ",", with: ".")), range.contains(value) else {
            throw Refusal("\(name) không hợp lệ hoặc ngoài giới hạn.", "\(name) is not a number or is out of range.")
        }
        return value
    }

    /// `attribute[code]` and `attribute[code][]` form fields, by code.
    static func answers(in form: FormData) -> [String: [String]] {
        var answers: [String: [String]] = [:]
        for (field, values) in form.fields where field.hasPrefix("attribute[") {
            let inner = field.dropFirst("attribute[".count).replacingOccurrences(of: "[]", with: "")
            guard inner.hasSuffix("]") else { continue }
            answers[String(inner.dropLast()), default: []] += values.filter { !$0.isEmpty }
        }
        return answers.filter { !$0.value.isEmpty }
    }
}
