import CityIOCDomain
import Foundation

/// Indicators derived from others (`IndicatorFormula`: a province's sum of its wards, a ratio
/// such as a rate per 100,000 people), recomputed when values change — the `derived-indicators`
/// job looks at the newest audit entry of indicator values every ten seconds and computes only
/// when there is a new one — and written through `setValues`, which stores only what changed.
enum DerivedIndicators {
    /// A formula's inputs must be in the catalogue, of the derived indicator's frequency, and
    /// not derived themselves (one level: no chains to order, no cycles).
    static func check(_ indicator: Indicator, catalogue: [Indicator]) throws(ValidationError) {
        guard let formula = indicator.formula else { return }
        for code in formula.inputs {
            guard let input = catalogue.first(where: { $0.code == code }) else { throw ValidationError(field: "formula", reason: .unknownReference) }
            guard input.frequency == indicator.frequency, input.formula == nil else { throw ValidationError(field: "formula", reason: .invalidValue) }
        }
    }

    /// Every derived indicator's values from its inputs' values. Returns how many were written.
    @discardableResult
    static func compute(_ services: AppServices, now: Date = Date()) async throws -> Int {
        let catalogue = try await services.indicators.indicators(includeInactive: false)
        let derived = catalogue.filter { $0.formula != nil }
        guard !derived.isEmpty, let province = try await services.organisation.areas(AreaQuery(level: .province)).first else { return 0 }
        let wards = Set(try await services.organisation.areas(AreaQuery()).filter(\.level.isCommuneLevel).map(\.code))
        var drafts: [IndicatorValueDraft] = []
        for indicator in derived {
            guard let formula = indicator.formula, (try? check(indicator, catalogue: catalogue)) != nil else { continue }
            let inputs = try await services.indicators.values(IndicatorValueQuery(indicators: formula.inputs))
            for result in formula.values(from: inputs, province: province.code, wards: wards) {
                drafts.append(IndicatorValueDraft(indicator: indicator.code, area: result.area, period: result.period, value: indicator.rounded(result.value)))
            }
        }
        let summary = try await services.indicators.setValues(drafts, context: ChangeContext(principal: .system("indicators"), now: now))
        return summary.created + summary.corrected
    }

    /// The job's memory of the newest audit entry of values it has computed from. Its own write
    /// is a newer entry, so the next run computes once more and, nothing having changed, writes
    /// nothing (and audits nothing); a write arriving during a run is never skipped.
    final class Watermark: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: Int64 = -1

        func run(_ services: AppServices) async throws {
            let newest =
                try await services.database.query(
                    SQL("SELECT MAX(id) AS id FROM audit_log WHERE entity_type IN ('indicator_value', 'indicator')")
                ).first.flatMap { $0.optionalInt("id") } ?? 0
            guard lock.withLock({ newest != seen }) else { return }
            try await DerivedIndicators.compute(services)
            lock.withLock { seen = newest }
        }
    }
}
