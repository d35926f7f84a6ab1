import CityIOCDomain
import Foundation

/// The routing rules (category × area → agency) that admins keep.
public protocol RoutingStore: Sendable {
    func routingRules() async throws -> [RoutingRule]
    /// Adds the rule or changes its agency; audited as `routing.create` or `routing.update`.
    func saveRoutingRule(_ rule: RoutingRule, context: ChangeContext) async throws
    /// Removes the rule for that category and area; audited.
    func deleteRoutingRule(service: Service.Code, area: Area.Code, context: ChangeContext) async throws
}

extension RoutingStore {
    /// The table to route with, from the rules, the areas' tree and the categories' defaults.
    public func routingTable(organisation: any OrganisationStore, catalogue: any ServiceCatalogStore) async throws -> RoutingTable {
        RoutingTable(
            rules: try await routingRules(), areas: try await organisation.areas(AreaQuery(includeInactive: true)),
            services: try await catalogue.services(includeInactive: true))
    }
}

extension CityStore: RoutingStore {
    public func routingRules() async throws -> [RoutingRule] {
        try await database.query(SQL("SELECT service_code, area_code, agency_id FROM routing_rules ORDER BY service_code, area_code"))
            .map(Self.routingRule)
    }

    public func saveRoutingRule(_ rule: RoutingRule, context: ChangeContext) async throws {
        let key: [SQLValue] = [.text(rule.service.rawValue), .text(rule.area.rawValue)]
        try await save(
            rule,
            read: SQL("SELECT service_code, area_code, agency_id FROM routing_rules WHERE service_code = ? AND area_code = ?", key),
            decode: Self.routingRule,
            insert: SQL("INSERT INTO routing_rules (agency_id, service_code, area_code) VALUES (?, ?, ?)", [.text(rule.agency.rawValue)] + key),
            update: SQL("UPDATE routing_rules SET agency_id = ? WHERE service_code = ? AND area_code = ?", [.text(rule.agency.rawValue)] + key),
            action: "routing", entityType: "routing_rule", entityID: "\(rule.service.rawValue)@\(rule.area.rawValue)", context: context)
    }

    public func deleteRoutingRule(service: Service.Code, area: Area.Code, context: ChangeContext) async throws {
        let key: [SQLValue] = [.text(service.rawValue), .text(area.rawValue)]
        try await database.perform(
            Mutation(read: SQL("SELECT service_code, area_code, agency_id FROM routing_rules WHERE service_code = ? AND area_code = ?", key)) {
                rows in
                guard let before = try rows.first.map(Self.routingRule) else { throw StoreError.notFound }
                return Plan(
                    statements: [SQL("DELETE FROM routing_rules WHERE service_code = ? AND area_code = ?", key)],
                    audit: AuditDraft(
                        action: "routing.delete", entityType: "routing_rule", entityID: "\(service.rawValue)@\(area.rawValue)",
                        before: Self.snapshot(before), after: nil),
                    result: ())
            }, context: context)
    }

    static func routingRule(_ row: SQLRow) throws -> RoutingRule {
        RoutingRule(
            service: Service.Code(try row.text("service_code")), area: Area.Code(try row.text("area_code")),
            agency: Agency.ID(try row.text("agency_id")))
    }
}
