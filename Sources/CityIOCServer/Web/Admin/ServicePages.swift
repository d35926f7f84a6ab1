import CityIOCDomain
import Foundation
import Hummingbird

/// The citizen-report catalogue for admins: each category's names, group, default agency,
/// priority and deadlines. Staff may look; admins add and change. Attributes (the questions)
/// are shown but not yet editable here.
struct ServicePages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/admin/services", .permission(.viewOrganisation), use: list)
        router.on(.get, "/admin/services/new", .permission(.manageOrganisation), use: newForm)
        router.on(.post, "/admin/services", .permission(.manageOrganisation), use: create)
        router.on(.get, "/admin/services/:code", .permission(.viewOrganisation), use: detail)
        router.on(.post, "/admin/services/:code", .permission(.manageOrganisation), use: update)
    }

    static let title = Text(vi: "Lĩnh vực phản ánh", en: "Report categories")

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/services")
        let catalogue = try await services.catalogue.services(includeInactive: true)
        let agencies = Dictionary(uniqueKeysWithValues: try await services.organisation.agencies(AgencyQuery(includeInactive: true)).map { ($0.id, $0) })
        let rows: [HTML] = catalogue.map { service in
            """
            <tr><td><a href="/admin/services/\(service.code.rawValue)">\(service.code.rawValue)</a></td>
            <td>\(chrome.language == .en && !service.nameEn.isEmpty ? service.nameEn : service.name)</td><td class="hide-narrow">\(service.group)</td>
            <td class="hide-narrow">\(service.defaultAgency.flatMap { agencies[$0]?.displayName(chrome.language) } ?? "—")</td>
            <td>\(Text.priority(service.priority)(chrome.language))</td>
            <td>\(service.terms.acceptWithin.description) / \(service.terms.resolveWithin(service.priority).description)</td>
            <td>\(Widgets.activeTag(service.active, chrome.language))</td></tr>
            """
        }
        let add: HTML =
            AccessPolicy.allows(context.principal, .manageOrganisation)
            ? "<a class=\"button\" href=\"/admin/services/new\">\(chrome.t(.create))</a>" : ""
        let body: HTML = """
            <div class="toolbar"><h1>\(Self.title(chrome.language))</h1>\(add)</div>
            <div class="table-wrap"><table>
            <thead><tr><th>\(chrome.t(.code))</th><th>\(chrome.t(.name))</th><th class="hide-narrow">\(Text(vi: "Nhóm", en: "Group")(chrome.language))</th><th class="hide-narrow">\(Text(vi: "Đơn vị xử lý mặc định", en: "Default agency")(chrome.language))</th><th>\(Text(vi: "Mức độ", en: "Priority")(chrome.language))</th><th>\(Text(vi: "Hạn nhận / xử lý", en: "Accept / resolve within")(chrome.language))</th><th>\(chrome.t(.status))</th></tr></thead>
            <tbody>\(rows.isEmpty ? Widgets.empty(chrome.language, columns: 7) : HTML.join(rows))</tbody>
            </table></div>
            <p class="hint">\(Text(vi: "Thời hạn: 8h = 8 giờ làm việc, 3d = 3 ngày làm việc.", en: "Deadlines: 8h = 8 working hours, 3d = 3 working days.")(chrome.language))</p>
            """
        return Layout(chrome: chrome, title: Self.title(chrome.language), flash: nil, body: body).render()
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> HTML {
        guard let service = try await services.catalogue.service(Service.Code(try context.parameters.require("code"))) else {
            throw StoreError.notFound
        }
        let flash = request.uri.queryParameters["saved"] != nil ? Flash(kind: .ok, message: Text.saved(context.language)) : nil
        return try await form(context, service: service, isNew: false, flash: flash)
    }

    @Sendable func newForm(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await form(context, service: Service(code: "", name: "", nameEn: "", group: ""), isNew: true, flash: nil)
    }

    func form(_ context: AppRequestContext, service: Service, isNew: Bool, flash: Flash?) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/services")
        let canEdit = AccessPolicy.allows(context.principal, .manageOrganisation)
        let agencies = try await services.organisation.agencies(AgencyQuery())
        let priorities = Priority.allCases.map { ($0.rawValue, Text.priority($0)(chrome.language)) }
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(chrome.language) }
        let terms = service.terms
        // The reporter's questions, one block each and a blank one to add another; a block whose
        // code is emptied is removed. Choices are one per line, `key|name`.
        let datatypes = ServiceAttribute.Datatype.allCases.map { ($0.rawValue, $0.rawValue) }
        let yesNo = [("yes", t("Bắt buộc", "Required")), ("no", t("Không bắt buộc", "Optional"))]
        let blank = ServiceAttribute(code: "", datatype: .string, order: service.attributes.count + 1, description: "")
        let questions: [HTML] = (service.attributes.sorted { $0.order < $1.order } + [blank]).enumerated().map { index, attribute in
            let choices = attribute.values.map { "\($0.key)|\($0.name)" }.joined(separator: "\n")
            return """
                <fieldset class="question"><legend>\(attribute.code.isEmpty ? t("Thêm câu hỏi", "Add a question") : t("Câu hỏi", "Question") + " \(index + 1)")</legend>
                <label>\(chrome.t(.code))<input name="q_code" value="\(attribute.code)" maxlength="40" pattern="[A-Za-z0-9_\\-]*"></label>
                <label>\(t("Kiểu trả lời", "Answer type"))\(Widgets.select(name: "q_datatype", options: datatypes, selected: attribute.datatype.rawValue))</label>
                <label>\(t("Bắt buộc?", "Required?"))\(Widgets.select(name: "q_required", options: yesNo, selected: attribute.required ? "yes" : "no"))</label>
                <label>\(t("Câu hỏi", "Question"))<input name="q_description" value="\(attribute.description)" maxlength="500"></label>
                <label>\(t("Lựa chọn (mỗi dòng: mã|tên), cho kiểu danh sách", "Choices (one per line: key|name), for list types"))<textarea name="q_values" rows="3">\(choices)</textarea></label>
                </fieldset>
                """
        }
        let action = isNew ? "/admin/services" : "/admin/services/\(service.code.rawValue)"
        let body: HTML = """
            <h1>\(isNew ? Self.title(chrome.language) : service.name)</h1>
            <form class="stack panel" method="post" action="\(action)">
            \(chrome.csrfField)
            <label>\(chrome.t(.code))<input name="code" value="\(service.code.rawValue)" required pattern="[a-z0-9_\\-]{2,40}"\(HTML(raw: isNew ? "" : " readonly"))></label>
            <label>\(chrome.t(.name))<input name="name" value="\(service.name)" required maxlength="200"></label>
            <label>\(chrome.t(.nameEnglish))<input name="name_en" value="\(service.nameEn)" maxlength="200"></label>
            <label>\(t("Mô tả", "Description"))<input name="description" value="\(service.description)" maxlength="2000"></label>
            <label>\(t("Mô tả tiếng Anh", "English description"))<input name="description_en" value="\(service.descriptionEn)" maxlength="2000"></label>
            <label>\(t("Nhóm", "Group"))<input name="group" value="\(service.group)" maxlength="100"></label>
            <label>\(t("Từ khóa (cách nhau bởi dấu phẩy)", "Keywords (comma-separated)"))<input name="keywords" value="\(service.keywords.joined(separator: ", "))" maxlength="500"></label>
            <label>\(t("Đơn vị xử lý mặc định", "Default agency"))\(Widgets.select(name: "agency", options: Widgets.agencyOptions(agencies, language: chrome.language), selected: service.defaultAgency?.rawValue, blank: chrome.t(.none)))</label>
            <label>\(t("Mức độ mặc định", "Default priority"))\(Widgets.select(name: "priority", options: priorities, selected: service.priority.rawValue))</label>
            <label>\(t("Hạn tiếp nhận", "Accept within"))<input name="accept_within" value="\(terms.acceptWithin.description)" required pattern="[0-9]+[hdHD]"></label>
            <label>\(t("Hạn xử lý khẩn cấp", "Resolve urgent within"))<input name="resolve_urgent" value="\(terms.resolveUrgent.description)" required pattern="[0-9]+[hdHD]"></label>
            <label>\(t("Hạn xử lý thông thường", "Resolve normal within"))<input name="resolve_normal" value="\(terms.resolveNormal.description)" required pattern="[0-9]+[hdHD]"></label>
            <label>\(t("Hạn xử lý phức tạp", "Resolve complex within"))<input name="resolve_complex" value="\(terms.resolveComplex.description)" required pattern="[0-9]+[hdHD]"><span class="hint">\(t("8h = 8 giờ làm việc, 3d = 3 ngày làm việc", "8h = 8 working hours, 3d = 3 working days"))</span></label>
            <label class="check"><input type="checkbox" name="active"\(HTML(raw: service.active ? " checked" : ""))> \(chrome.t(.active))</label>
            <h2>\(t("Câu hỏi cho người phản ánh", "Questions for the reporter"))</h2>
            \(HTML.join(questions))
            \(canEdit ? HTML(raw: "<button type=\"submit\">\(HTML.escape(chrome.t(.save)))</button>") : "")
            </form>
            """
        return Layout(chrome: chrome, title: Self.title(chrome.language), flash: flash, body: body).render()
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await save(request, context: context, existing: nil)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let existing = try await services.catalogue.service(Service.Code(try context.parameters.require("code"))) else {
            throw StoreError.notFound
        }
        return try await save(request, context: context, existing: existing)
    }

    func save(_ request: Request, context: AppRequestContext, existing: Service?) async throws -> Response {
        let fields = try await FormData(request: request, context: context)
        var service = existing ?? Service(code: Service.Code(fields.text("code") ?? ""), name: "", nameEn: "", group: "")
        service.name = fields.text("name") ?? ""
        service.nameEn = fields.text("name_en") ?? ""
        service.description = fields.text("description") ?? ""
        service.descriptionEn = fields.text("description_en") ?? ""
        service.group = fields.text("group") ?? ""
        service.keywords = (fields["keywords"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        service.defaultAgency = fields.text("agency").map { Agency.ID($0) }
        service.priority = fields["priority"].flatMap(Priority.init(rawValue:)) ?? .normal
        service.active = fields.flag("active")
        do {
            if fields.fields["q_code"] != nil { service.attributes = try Self.attributes(fields, keeping: existing?.attributes ?? []) }
            func duration(_ field: String) throws(ValidationError) -> WorkingDuration {
                guard let value = fields[field].flatMap(WorkingDuration.init) else { throw ValidationError(field: field, reason: .invalidValue) }
                return value
            }
            service.terms = ServiceTerms(
                acceptWithin: try duration("accept_within"), resolveUrgent: try duration("resolve_urgent"),
                resolveNormal: try duration("resolve_normal"), resolveComplex: try duration("resolve_complex"))
            try service.validate()
            if existing == nil, try await services.catalogue.service(service.code) != nil {
                throw ValidationError(field: "code", reason: .alreadyExists)
            }
            if let agency = service.defaultAgency, try await services.organisation.agency(agency) == nil {
                throw ValidationError(field: "agency", reason: .unknownReference)
            }
            try await services.catalogue.saveService(service, context: context.changeContext)
        } catch let error as ValidationError {
            return try await form(context, service: service, isNew: existing == nil, flash: Flash(kind: .error, message: error.message(context.language)))
                .response(status: .unprocessableContent)
        }
        return .seeOther("/admin/services/\(service.code.rawValue)?saved=1")
    }

    /// The questions from the form's blocks, in order; a block without a code is dropped.
    static func attributes(_ fields: FormData, keeping old: [ServiceAttribute]) throws(ValidationError) -> [ServiceAttribute] {
        let codes = fields.all("q_code")
        let (types, required, descriptions, values) = (fields.all("q_datatype"), fields.all("q_required"), fields.all("q_description"), fields.all("q_values"))
        guard [types.count, required.count, descriptions.count, values.count].allSatisfy({ $0 == codes.count }) else {
            throw ValidationError(field: "attributes", reason: .invalidValue)
        }
        var result: [ServiceAttribute] = []
        for index in codes.indices {
            let code = codes[index].trimmingCharacters(in: .whitespaces)
            guard !code.isEmpty else { continue }
            guard let datatype = ServiceAttribute.Datatype(rawValue: types[index]) else { throw ValidationError(field: "attributes", reason: .invalidValue) }
            let choices = values[index].split(whereSeparator: \.isNewline).compactMap { line -> ServiceAttribute.Value? in
                let parts = line.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard let key = parts.first, !key.isEmpty else { return nil }
                return ServiceAttribute.Value(key: key, name: parts.count > 1 && !parts[1].isEmpty ? parts[1] : key)
            }
            let isList = datatype == .singlevaluelist || datatype == .multivaluelist
            let attribute = ServiceAttribute(
                code: code, datatype: datatype, required: required[index] == "yes", variable: old.first { $0.code == code }?.variable ?? true,
                order: result.count + 1, description: descriptions[index].trimmingCharacters(in: .whitespaces),
                datatypeDescription: old.first { $0.code == code }?.datatypeDescription ?? "", values: isList ? choices : [])
            try attribute.validate()
            guard !result.contains(where: { $0.code == code }) else { throw ValidationError(field: "attributes", reason: .alreadyExists) }
            result.append(attribute)
        }
        return result
    }
}
