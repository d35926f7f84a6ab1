import CityIOCDomain
import Foundation

/// The Open311 service catalogue.
public protocol ServiceCatalogStore: Sendable {
    func services(includeInactive: Bool) async throws -> [Service]
    func service(_ code: Service.Code) async throws -> Service?
    /// Creates or replaces a service; audited as `service.create` or `service.update`.
    func saveService(_ service: Service, context: ChangeContext) async throws
}

extension CityStore: ServiceCatalogStore {
    static let serviceColumns = """
        code, name, name_en, description, description_en, service_group, keywords, default_agency, priority, \
        accept_within, resolve_urgent, resolve_normal, resolve_complex, attributes, active
        """

    public func services(includeInactive: Bool) async throws -> [Service] {
        let all = try await cache.value(\.services, database: database) {
            try await database.query(SQL("SELECT \(Self.serviceColumns) FROM services ORDER BY service_group, name")).map(Self.service)
        }
        return includeInactive ? all : all.filter(\.active)
    }

    public func service(_ code: Service.Code) async throws -> Service? {
        try await services(includeInactive: true).first { $0.code == code }
    }

    public func saveService(_ service: Service, context: ChangeContext) async throws {
        let attributes = String(decoding: try JSONEncoder().encode(service.attributes), as: UTF8.self)
        let values: [SQLValue] = [
            .text(service.name), .text(service.nameEn), .text(service.description), .text(service.descriptionEn),
            .text(service.group), .text(service.keywords.joined(separator: ",")), SQLValue(service.defaultAgency?.rawValue),
            .text(service.priority.rawValue), .text(service.terms.acceptWithin.description),
            .text(service.terms.resolveUrgent.description), .text(service.terms.resolveNormal.description),
            .text(service.terms.resolveComplex.description), .text(attributes), .bool(service.active),
            .text(TextFolding.searchKey([service.name, service.nameEn, service.keywords.joined(separator: " ")].joined(separator: " "))),
            .text(service.code.rawValue),
        ]
        try await save(
            service, read: SQL("SELECT \(Self.serviceColumns) FROM services WHERE code = ?", [.text(service.code.rawValue)]),
            decode: Self.service,
            insert: SQL(
                """
                INSERT INTO services (name, name_en, description, description_en, service_group, keywords, default_agency,
                    priority, accept_within, resolve_urgent, resolve_normal, resolve_complex, attributes, active, search_key, code)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, values),
            update: SQL(
                """
                UPDATE services SET name = ?, name_en = ?, description = ?, description_en = ?, service_group = ?, keywords = ?,
                    default_agency = ?, priority = ?, accept_within = ?, resolve_urgent = ?, resolve_normal = ?,
                    resolve_complex = ?, attributes = ?, active = ?, search_key = ? WHERE code = ?
                """, values),
            action: "service", entityType: "service", entityID: service.code.rawValue, context: context)
    }

    static func service(_ row: SQLRow) throws -> Service {
        func duration(_ column: String) throws -> WorkingDuration {
            guard let value = WorkingDuration(try row.text(column)) else { throw StoreError.corruptRow(column) }
            return value
        }
        guard let priority = Priority(rawValue: try row.text("priority")) else { throw StoreError.corruptRow("priority") }
        let attributes = try JSONDecoder().decode([ServiceAttribute].self, from: Data(try row.text("attributes").utf8))
        let keywords = try row.text("keywords")
        return Service(
            code: Service.Code(try row.text("code")), name: try row.text("name"), nameEn: try row.text("name_en"),
            description: try row.text("description"), descriptionEn: try row.text("description_en"),
            group: try row.text("service_group"), keywords: keywords.isEmpty ? [] : keywords.split(separator: ",").map(String.init),
            defaultAgency: row.optionalText("default_agency").map { Agency.ID($0) }, priority: priority,
            terms: ServiceTerms(
                acceptWithin: try duration("accept_within"), resolveUrgent: try duration("resolve_urgent"),
                resolveNormal: try duration("resolve_normal"), resolveComplex: try duration("resolve_complex")),
            attributes: attributes, active: try row.bool("active"))
    }
}
