import Foundation

/// Who handles a category of report in a place: "potholes in Hồng Gai go to the ward's People's
/// Committee". A rule for the province covers every ward without a rule of its own.
public struct RoutingRule: Sendable, Equatable, Codable {
    public var service: Service.Code
    public var area: Area.Code
    public var agency: Agency.ID

    public init(service: Service.Code, area: Area.Code, agency: Agency.ID) {
        self.service = service
        self.area = area
        self.agency = agency
    }
}

/// The agency a report should go to, and why: the most specific rule wins (its ward, then the
/// ward's parent areas), then the category's default agency.
public struct RoutingTable: Sendable {
    public enum Reason: Sendable, Equatable {
        case rule(area: Area.Code)
        case serviceDefault
    }

    let rules: [Service.Code: [Area.Code: Agency.ID]]
    let parents: [Area.Code: Area.Code]
    let defaults: [Service.Code: Agency.ID]

    public init(rules: [RoutingRule], areas: [Area], services: [Service]) {
        var byService: [Service.Code: [Area.Code: Agency.ID]] = [:]
        for rule in rules { byService[rule.service, default: [:]][rule.area] = rule.agency }
        self.rules = byService
        var parents: [Area.Code: Area.Code] = [:]
        for area in areas { if let parent = area.parentCode { parents[area.code] = parent } }
        self.parents = parents
        var defaults: [Service.Code: Agency.ID] = [:]
        for service in services { if let agency = service.defaultAgency { defaults[service.code] = agency } }
        self.defaults = defaults
    }

    public func agency(for service: Service.Code, in ward: Area.Code?) -> (Agency.ID, Reason)? {
        if let forService = rules[service] {
            var area = ward
            var seen = 0
            while let current = area, seen < 10 {
                if let agency = forService[current] { return (agency, .rule(area: current)) }
                area = parents[current]
                seen += 1
            }
        }
        return defaults[service].map { ($0, .serviceDefault) }
    }
}
