import CityIOCDomain
import Foundation

/// Daily indicators computed from the readings of the city's traffic counters and car parks
/// (NGSI-LD `TrafficFlowObserved` and `OffStreetParking`, their history in the attribute-history
/// store), per ward and for the province:
/// - `luu-luong-giao-thong`: vehicles an hour, the day's mean of each counter's `intensity`
///   readings, averaged over the area's counters;
/// - `lap-day-bai-do-xe`: the share of car-park spaces taken, each reading's
///   1 − `availableSpotNumber` ÷ `totalSpotNumber` (the car park's current total), averaged over
///   the day and the area's car parks.
/// Run with VN_AQI by the `air-quality` job, for the days whose readings arrived.
enum SensorIndicators {
    static let traffic = Indicator(
        code: "luu-luong-giao-thong", name: "Lưu lượng xe bình quân giờ tại các điểm đếm", nameEn: "Vehicles an hour at the traffic counters",
        sector: .security, unit: "xe/giờ", frequency: .day, direction: .nearTarget, method: .computed, source: "CityIOC: TrafficFlowObserved")
    static let parking = Indicator(
        code: "lap-day-bai-do-xe", name: "Tỷ lệ lấp đầy bãi đỗ xe", nameEn: "Car-park occupancy", sector: .security, unit: "%",
        frequency: .day, direction: .nearTarget, method: .computed, source: "CityIOC: OffStreetParking", decimals: 1)

    struct Kind {
        var indicator: Indicator
        var type: String
        var attribute: String
        /// A reading as the indicator counts it, given its sensor; nil to leave it out.
        var value: @Sendable (Double, ContextEntity) -> Double?
    }

    static let vocabulary = LDContext.defaultVocabulary
    static let kinds = [
        Kind(indicator: traffic, type: vocabulary + "TrafficFlowObserved", attribute: vocabulary + "intensity") { value, _ in value >= 0 ? value : nil },
        Kind(indicator: parking, type: vocabulary + "OffStreetParking", attribute: vocabulary + "availableSpotNumber") { available, park in
            guard let total = park.attributes[vocabulary + "totalSpotNumber"]?.first?["value"]?.number, total > 0, available >= 0 else { return nil }
            return max(0, min(1, 1 - available / total)) * 100
        },
    ]

    /// The days `from...to` that have ended (a mean of half a day would mislead): each kind's
    /// daily value per area. Returns how many values were written.
    @discardableResult
    static func compute(
        _ services: AppServices, from first: CivilDay, to asked: CivilDay, now: Date = Date(), sensors known: [String: [AirQualityIndicators.Sensor]]? = nil
    ) async throws -> Int {
        let context = ChangeContext(principal: .system("indicators"), now: now)
        let calendar = try await services.calendar.workingCalendar()
        let last = min(asked, calendar.civilDay(of: now).previous)
        guard first <= last, let province = try await services.organisation.areas(AreaQuery(level: .province)).first else { return 0 }
        guard let start = calendar.start(of: first), let end = calendar.start(of: last.next) else { return 0 }
        var drafts: [IndicatorValueDraft] = []
        for kind in kinds {
            var sensors = known?[kind.type] ?? []
            if known?[kind.type] == nil { sensors = try await AirQualityIndicators.sensors(services, type: kind.type) }
            guard !sensors.isEmpty else { continue }
            if try await services.indicators.indicator(kind.indicator.code) == nil {
                do { try await services.indicators.saveIndicator(kind.indicator, context: context) } catch StoreError.duplicate {}
            }
            // Each sensor's mean of the day, then the mean of an area's sensors.
            var byArea: [Area.Code: [Period: [Double]]] = [:]
            for sensor in sensors {
                var days: [Period: (sum: Double, count: Int)] = [:]
                for reading in try await services.history.numbers(tenant: "", entities: [sensor.id], attributes: [kind.attribute], from: start, to: end) {
                    guard let value = kind.value(reading.number, sensor.entity) else { continue }
                    let day = Period(.day, containing: calendar.civilDay(of: reading.observedAt))
                    days[day, default: (0, 0)].sum += value
                    days[day, default: (0, 0)].count += 1
                }
                for (day, total) in days {
                    for area in [province.code] + (sensor.area.map { [$0] } ?? []) {
                        byArea[area, default: [:]][day, default: []].append(total.sum / Double(total.count))
                    }
                }
            }
            for (area, days) in byArea {
                for (day, means) in days {
                    drafts.append(
                        IndicatorValueDraft(
                            indicator: kind.indicator.code, area: area, period: day, value: kind.indicator.rounded(means.reduce(0, +) / Double(means.count))))
                }
            }
        }
        let summary = try await services.indicators.setValues(drafts, context: context)
        return summary.created + summary.corrected
    }
}
