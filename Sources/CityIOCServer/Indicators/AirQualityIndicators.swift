import CityIOCDomain
import Foundation

/// VN_AQI computed from the air-quality stations' readings (NGSI-LD `AirQualityObserved`
/// entities, their PM2.5, PM10, O₃, NO₂, SO₂ and CO in the attribute history), as Decision
/// 1459/QĐ-TCMT defines it (`VNAQI`):
/// - hourly, per station, for its page (`hourly`), from the 12 hours up to an hour;
/// - daily, per station, and from it the daily indicator `vn-aqi-ngay` per ward and for the
///   province: the highest station's index in the area that day (the decision defines the
///   index per station; taking the worst station for an area is our choice, so that a leader
///   never sees an area better than the air somewhere in it).
///
/// Readings are averaged into clock hours (a station may send more than one an hour); days are
/// the city's (UTC+7). Concentrations in µg/m³ (unitCode `GQ`, or none) or mg/m³ (`GP`, ×1000);
/// a reading in another unit is left out. Recomputed by the `air-quality` job of each server
/// for the days whose readings arrived since its last run, and by the demo once it has readings.
enum AirQualityIndicators {
    static let daily = Indicator(
        code: "vn-aqi-ngay", name: "Chỉ số chất lượng không khí VN_AQI ngày (trạm cao nhất)", nameEn: "Daily VN_AQI (highest station)",
        sector: .environment, unit: "VN_AQI", frequency: .day, direction: .lowerIsBetter, method: .computed,
        source: "VN_AQI (1459/QĐ-TCMT)")

    static let stationType = LDContext.defaultVocabulary + "AirQualityObserved"
    static let wardCode = LDContext.defaultVocabulary + "wardCode"
    static func attribute(_ pollutant: AirPollutant) -> String { LDContext.defaultVocabulary + pollutant.rawValue }

    struct Sensor: Sendable {
        var id: String
        var area: Area.Code?
        var entity: ContextEntity
    }

    /// The stations (or other sensors of `type`) and the ward each stands in: its `wardCode`, else the ward whose outline
    /// holds its location, else the nearest ward centre.
    static func sensors(_ services: AppServices, type: String = stationType) async throws -> [Sensor] {
        let found = try await services.entities.entities(EntityQuery(types: [type], limit: 10_000), tenant: "").entities
        let areas = try await services.organisation.areas(AreaQuery())
        let known = Set(areas.map(\.code.rawValue))
        var stations: [Sensor] = []
        for entity in found {
            var area = entity.attributes[wardCode]?.first?["value"]?.string.flatMap { known.contains($0) ? Area.Code($0) : nil }
            if area == nil, let box = CityStore.boundingBox(entity) {
                let (latitude, longitude) = ((box.south + box.north) / 2, (box.west + box.east) / 2)
                area =
                    try await services.boundaries.area(containingLatitude: latitude, longitude: longitude)
                    ?? NearestArea.find(latitude: latitude, longitude: longitude, in: areas)?.code
            }
            stations.append(Sensor(id: entity.id, area: area, entity: entity))
        }
        return stations
    }

    /// Each station's hourly means of each pollutant over `[from, to)`, hour by hour (nil where
    /// no reading fell in the hour).
    static func hourlyMeans(_ services: AppServices, stations: [String], from: Date, to: Date) async throws -> [String: [AirPollutant: [Double?]]] {
        let hours = Int((to.timeIntervalSince(from) / 3600).rounded(.up))
        let byAttribute = Dictionary(uniqueKeysWithValues: AirPollutant.allCases.map { (attribute($0), $0) })
        var sums: [String: [AirPollutant: [(sum: Double, count: Int)]]] = [:]
        // A station at a time keeps each read small (a year of one station is some 50,000 rows).
        for station in stations {
            let readings = try await services.history.numbers(
                tenant: "", entities: [station], attributes: Array(byAttribute.keys), from: from, to: to)
            var series: [AirPollutant: [(sum: Double, count: Int)]] = [:]
            for reading in readings {
                guard let pollutant = byAttribute[reading.attribute], reading.number.isFinite, reading.number >= 0 else { continue }
                var value = reading.number
                switch reading.unitCode {
                case nil, "GQ": break
                case "GP": value *= 1000
                default: continue
                }
                let hour = Int(reading.observedAt.timeIntervalSince(from) / 3600)
                guard hour >= 0 && hour < hours else { continue }
                if series[pollutant] == nil { series[pollutant] = Array(repeating: (0, 0), count: hours) }
                series[pollutant]![hour].sum += value
                series[pollutant]![hour].count += 1
            }
            sums[station] = series
        }
        return sums.mapValues { series in series.mapValues { hours in hours.map { $0.count == 0 ? nil : $0.sum / Double($0.count) } } }
    }

    /// A station's hourly VN_AQI for each of the `count` hours up to `hourEnd`, oldest first
    /// (nil for an hour without enough PM readings): its page's last day.
    static func hourly(_ services: AppServices, station: String, hourEnd: Date, count: Int = 1) async throws -> [AirQualityIndex?] {
        let from = hourEnd.addingTimeInterval(-Double(count + 11) * 3600)
        guard let series = try await hourlyMeans(services, stations: [station], from: from, to: hourEnd)[station] else {
            return Array(repeating: nil, count: count)
        }
        return (0..<count).map { hour in
            // `VNAQI.hourly` takes the 12 hours up to the hour, the latest first.
            VNAQI.hourly(series.mapValues { Array($0[hour..<min($0.count, hour + 12)].reversed()) })
        }
    }

    /// The days `from...to` (the city's): each station's daily index, the areas' values written
    /// where they changed. Returns how many values were written.
    @discardableResult
    static func compute(
        _ services: AppServices, from first: CivilDay, to last: CivilDay, now: Date = Date(), stations known: [Sensor]? = nil
    ) async throws -> Int {
        let context = ChangeContext(principal: .system("indicators"), now: now)
        if try await services.indicators.indicator(daily.code) == nil {
            do { try await services.indicators.saveIndicator(daily, context: context) } catch StoreError.duplicate {}
        }
        var stations = known ?? []
        if known == nil { stations = try await sensors(services) }
        guard !stations.isEmpty, first <= last, let province = try await services.organisation.areas(AreaQuery(level: .province)).first else { return 0 }
        let calendar = try await services.calendar.workingCalendar()
        guard let start = calendar.start(of: first), let end = calendar.start(of: last.next) else { return 0 }
        // The 7 hours before the first day, for its first 8-hour O₃ means.
        let from = start.addingTimeInterval(-7 * 3600)
        let means = try await hourlyMeans(services, stations: stations.map(\.id), from: from, to: end)
        var worst: [Area.Code: [Period: Int]] = [:]
        var day = first
        var offset = 7
        while day <= last {
            let period = Period(.day, containing: day)
            for station in stations {
                guard let series = means[station.id] else { continue }
                // The day's 24 hours, with the 7 before for O₃.
                let window = series.mapValues { Array($0[(offset - 7)..<min($0.count, offset + 24)]) }
                guard let index = VNAQI.daily(window) else { continue }
                for area in [province.code] + (station.area.map { [$0] } ?? []) {
                    worst[area, default: [:]][period] = max(worst[area]?[period] ?? 0, index.value)
                }
            }
            day = day.next
            offset += 24
        }
        let drafts = worst.flatMap { area, days in
            days.map { IndicatorValueDraft(indicator: daily.code, area: area, period: $0.key, value: Double($0.value)) }
        }
        let summary = try await services.indicators.setValues(drafts, context: context)
        return summary.created + summary.corrected
    }

    /// What the job does each minute: the days whose readings arrived since `since` (all days
    /// back to the earliest such reading, to today), or nothing when none did.
    static func catchUp(_ services: AppServices, since: Date, now: Date = Date()) async throws -> Int {
        let arrived = try await services.history.entitiesWithReadings(tenant: "", recordedAfter: since)
        guard !arrived.isEmpty else { return 0 }
        let calendar = try await services.calendar.workingCalendar()
        let today = calendar.civilDay(of: now)
        // At most a year back.
        func oldest(_ entities: Set<String>) -> CivilDay? {
            arrived.filter { entities.contains($0.entityID) }.map(\.earliest).min().map { calendar.civilDay(of: max($0, now.addingTimeInterval(-366 * 86400))) }
        }
        var written = 0
        // Each kind's sensors read once, for both the test and the computation.
        let stations = try await sensors(services)
        if let first = oldest(Set(stations.map(\.id))) {
            // A reading's hour counts in the day after too (its 8-hour O₃ means).
            written += try await compute(services, from: first, to: today, now: now, stations: stations)
        }
        var others: [String: [Sensor]] = [:]
        for kind in SensorIndicators.kinds { others[kind.type] = try await sensors(services, type: kind.type) }
        if let first = oldest(Set(others.values.joined().map(\.id))) {
            written += try await SensorIndicators.compute(services, from: first, to: today, now: now, sensors: others)
        }
        return written
    }

    /// Where the job has read up to. Kept in memory, and only as an optimisation: it starts when
    /// the process does (readings `cityioc demo` loads are computed there; a live station's next
    /// reading brings its day back in after a restart), looks a minute further back than its
    /// last run (PostgreSQL may commit a write after a later one), and a second server computes
    /// the same values, which are written once.
    final class Watermark: @unchecked Sendable {
        private let lock = NSLock()
        private var since = Date()

        func run(_ services: AppServices) async throws {
            let started = Date()
            let since = lock.withLock { self.since }
            try await AirQualityIndicators.catchUp(services, since: since.addingTimeInterval(-60), now: started)
            lock.withLock { self.since = max(self.since, started) }
        }
    }
}
