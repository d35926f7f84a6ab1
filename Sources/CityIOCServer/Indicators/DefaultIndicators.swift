import CityIOCDomain
import Foundation

/// The indicator catalogue CityIOC ships (`Resources/indicators/catalogue.json`): some forty
/// indicators over the eleven sectors, installed once into a database that has none, and then
/// the admins' to edit.
enum DefaultIndicators {
    struct File: Decodable {
        var indicators: [Indicator]
    }

    static func load() throws -> [Indicator] {
        guard let url = Bundle.module.url(forResource: "catalogue", withExtension: "json", subdirectory: "Resources/indicators") else {
            throw ConfigurationError("the indicator catalogue is missing from the installation (Resources/indicators)")
        }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).indicators
    }

    /// Installs the catalogue when no indicator is stored; an owner that is not one of this
    /// city's agencies is left empty. Returns how many were installed.
    @discardableResult
    static func installIfEmpty(_ store: any IndicatorStore, organisation: any OrganisationStore, context: ChangeContext) async throws -> Int {
        guard try await store.indicators(includeInactive: true).isEmpty else { return 0 }
        let agencies = Set(try await organisation.agencies(AgencyQuery(includeInactive: true)).map(\.id))
        let shipped = try load()
        var installed = 0
        for var indicator in shipped {
            if let owner = indicator.agency, !agencies.contains(owner) { indicator.agency = nil }
            do {
                try await store.saveIndicator(indicator, context: context)
                installed += 1
            } catch StoreError.duplicate {
                // Another `cityioc serve` starting on the same database installed it first.
            }
        }
        return installed
    }
}
