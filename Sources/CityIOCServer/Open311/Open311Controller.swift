import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird

/// Open311 GeoReport v2 at `/open311/v2`: discovery, the service catalogue and requests, in JSON
/// and XML (the spec requires XML; FixMyStreet speaks only XML). Reading is public, as the spec
/// intends; posting a request needs an app's `api_key`. Errors are the spec's error list in the request's format.
struct Open311Controller {
    let services: AppServices
    static let base = "/open311/v2"

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "\(Self.base)/:document", .anyone, use: document)
        router.on(.get, "\(Self.base)/services/:file", .anyone, use: definition)
        registerRequests(on: router)
    }

    @Sendable func document(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (format, name) = try Self.file(context.parameters.require("document"))
        try await checkJurisdiction(request)
        switch name {
        case "discovery": return try await discovery(request, context).response(format, root: "discovery")
        case "services": return try await catalogue(context).response(format, root: "services")
        case "requests": return try await list(request, context, format: format)
        case "servicerequestupdates": return try await updates(request, context).response(format, root: "service_request_updates")
        default: throw Open311Error(.notFound, Text(vi: "Không có tài liệu \(name).", en: "There is no document \(name)."))
        }
    }

    @Sendable func definition(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (format, code) = try Self.file(context.parameters.require("file"))
        try await checkJurisdiction(request)
        guard let service = try await services.catalogue.service(Service.Code(code)), service.active else {
            throw Open311Error(.notFound, Text(vi: "Không có dịch vụ mã \(code).", en: "No service has the code \(code)."))
        }
        let attributes: [Open311Document] = service.attributes.sorted { $0.order < $1.order }.map { attribute in
            var fields: [(String, Open311Document)] = [
                ("variable", .flag(attribute.variable)), ("code", .text(attribute.code)),
                ("datatype", .text(attribute.datatype.rawValue)), ("required", .flag(attribute.required)),
                ("datatype_description", .text(attribute.datatypeDescription)), ("order", .number(attribute.order)),
                ("description", .text(attribute.description)),
            ]
            if !attribute.values.isEmpty {
                fields.append(("values", .list(item: "value", attribute.values.map { .object([("key", .text($0.key)), ("name", .text($0.name))]) })))
            }
            return .object(fields)
        }
        return Open311Document.object([("service_code", .text(service.code.rawValue)), ("attributes", .list(item: "attribute", attributes))])
            .response(format, root: "service_definition")
    }

    func discovery(_ request: Request, _ context: AppRequestContext) async throws -> Open311Document {
        let changed = try await services.audit.auditEntries(AuditFilter(entityType: "service", limit: 1)).first?.at
        let changeset = SQLTimestamp.format(changed ?? Date(timeIntervalSince1970: 0))
        let scheme = request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https" ? "https" : "http"
        let host = request.head.authority ?? "127.0.0.1"
        let endpoint: Open311Document = .object([
            ("specification", .text("http://wiki.open311.org/GeoReport_v2")),
            ("url", .text("\(scheme)://\(host)\(Self.base)")),
            ("changeset", .text(changeset)),
            ("type", .text("production")),
            ("formats", .list(item: "format", [.text("application/json"), .text("text/xml")])),
        ])
        return .object([
            ("changeset", .text(changeset)),
            ("contact", .text(Text(vi: "Tổng đài 1022", en: "Hotline 1022")(context.language))),
            ("key_service", .text(Text(vi: "Khóa API do quản trị viên IOC cấp", en: "API keys are issued by the IOC's administrators")(context.language))),
            ("endpoints", .list(item: "endpoint", [endpoint])),
        ])
    }

    func catalogue(_ context: AppRequestContext) async throws -> Open311Document {
        let english = context.language == .en
        let items: [Open311Document] = try await services.catalogue.services(includeInactive: false).map { service in
            .object([
                ("service_code", .text(service.code.rawValue)),
                ("service_name", .text(english && !service.nameEn.isEmpty ? service.nameEn : service.name)),
                ("description", .text(english && !service.descriptionEn.isEmpty ? service.descriptionEn : service.description)),
                ("metadata", .flag(!service.attributes.isEmpty)),
                ("type", .text("realtime")),
                ("keywords", .text(service.keywords.joined(separator: ","))),
                ("group", .text(service.group)),
            ])
        }
        return .list(item: "service", items)
    }

    /// One jurisdiction is served: the province. Naming another is an error, not a silent answer.
    func checkJurisdiction(_ request: Request) async throws {
        guard let asked = request.uri.queryParameters["jurisdiction_id"].map(String.init), !asked.isEmpty else { return }
        let provinces = try await services.organisation.areas(AreaQuery(level: .province)).map(\.code.rawValue)
        guard provinces.contains(asked) else {
            throw Open311Error(
                .notFound, Text(vi: "Máy chủ này không phục vụ jurisdiction_id \(asked).", en: "This server does not serve jurisdiction_id \(asked)."))
        }
    }

    static func file(_ name: String) throws -> (Open311Document.Format, String) {
        guard let split = Open311Document.Format.split(name) else {
            throw Open311Error(.notFound, Text(vi: "Cần đuôi .json hoặc .xml.", en: "Ask for .json or .xml."))
        }
        return split
    }
}

/// An error to answer in Open311's own format.
struct Open311Error: Error, Sendable {
    var status: HTTPResponse.Status
    var message: Text

    init(_ status: HTTPResponse.Status, _ message: Text) {
        self.status = status
        self.message = message
    }
}
