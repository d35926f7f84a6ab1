import CityIOCDomain
import Foundation

/// Past hourly readings of the demo's sensors — air-quality stations, and traffic counters and
/// car parks (`loadSensors`) — so that VN_AQI and the daily sensor indicators have days to show.
/// The air:
/// PM2.5 that is higher in the dry winter months and at the morning and evening rush hours,
/// PM10 about 1.6 times PM2.5, ozone that rises through the afternoon sun, NO₂ and CO with the
/// traffic — made up, deterministic for a station and hour, and plausible for Quảng Ninh. For
/// benchmarks it can add stations (copies of the first one, in other wards).
public struct DemoAirQuality: Sendable {
    let services: AppServices

    public init(services: AppServices) {
        self.services = services
    }

    /// Hourly readings for the `days` up to the current hour, for each station without them yet
    /// (and for new stations up to `stations`), then the daily VN_AQI of those days. Returns how
    /// many readings were written.
    @discardableResult
    public func load(days: Int, stations count: Int? = nil, now: Date = Date(), progress: (Int) -> Void = { _ in }) async throws -> Int {
        let context = ChangeContext(principal: .system("demo"), now: now)
        var stations = try await AirQualityIndicators.sensors(services)
        if let count, count > stations.count, let first = stations.first, let template = try await services.entities.entity(first.id, tenant: "") {
            let wards = try await services.organisation.areas(AreaQuery()).filter { $0.level.isCommuneLevel && $0.latitude != nil }
            var added: [ContextEntity] = []
            for number in stations.count..<count {
                let ward = wards[number % wards.count]
                var copy = template
                copy.id = "urn:ngsi-ld:AirQualityObserved:QN-BENCH-\(number)"
                copy.attributes[AirQualityIndicators.wardCode] = [["type": "Property", "value": .string(ward.code.rawValue)]]
                added.append(copy)
            }
            let copies = added
            _ = try await services.entities.writeEntities(copies.map(\.id), tenant: "", action: "entity.batch.create", context: context) { index, stored in
                stored == nil ? .store(copies[index]) : .keep
            }
            stations = try await AirQualityIndicators.sensors(services)
        }
        let hourNow = (now.timeIntervalSince1970 / 3600).rounded(.down)
        let firstHour = Int(hourNow) - days * 24
        var written = 0
        for (index, station) in stations.sorted(by: { $0.id < $1.id }).enumerated() {
            // A station that has readings from before yesterday has its past already.
            let past = try await services.history.numbers(
                tenant: "", entities: [station.id], attributes: [AirQualityIndicators.attribute(.pm25)],
                from: Date(timeIntervalSince1970: Double(firstHour) * 3600), to: now.addingTimeInterval(-2 * 86400))
            guard past.isEmpty else { continue }
            var batch: [AttributeReading] = []
            for hour in firstHour..<Int(hourNow) {
                batch += Self.readings(station: station.id, number: index, hour: hour)
                if batch.count >= 6 * 24 * 31 {
                    try await services.history.recordReadings(batch, tenant: "", context: context)
                    written += batch.count
                    progress(written)
                    batch = []
                }
            }
            try await services.history.recordReadings(batch, tenant: "", context: context)
            written += batch.count
            progress(written)
        }
        if written > 0 {
            let calendar = try await services.calendar.workingCalendar()
            try await AirQualityIndicators.compute(
                services, from: calendar.civilDay(of: Date(timeIntervalSince1970: Double(firstHour) * 3600)), to: calendar.civilDay(of: now), now: now)
        }
        return written
    }

    /// Hourly readings of the demo's traffic counters (vehicles an hour, with the rush hours and
    /// quieter weekends) and car parks (free spaces, fullest in the working day) for the `days`
    /// up to now, where a sensor has none from before yesterday; then their daily indicators.
    @discardableResult
    public func loadSensors(days: Int, now: Date = Date()) async throws -> Int {
        let context = ChangeContext(principal: .system("demo"), now: now)
        let hourNow = Int((now.timeIntervalSince1970 / 3600).rounded(.down))
        let firstHour = hourNow - days * 24
        var written = 0
        for kind in SensorIndicators.kinds {
            let sensors = try await AirQualityIndicators.sensors(services, type: kind.type).sorted { $0.id < $1.id }
            for (number, sensor) in sensors.enumerated() {
                let past = try await services.history.numbers(
                    tenant: "", entities: [sensor.id], attributes: [kind.attribute], from: Date(timeIntervalSince1970: Double(firstHour) * 3600),
                    to: now.addingTimeInterval(-2 * 86400))
                guard past.isEmpty else { continue }
                let total = sensor.entity.attributes[SensorIndicators.vocabulary + "totalSpotNumber"]?.first?["value"]?.number ?? 100
                let readings = (firstHour..<hourNow).map { hour in
                    let at = Date(timeIntervalSince1970: Double(hour) * 3600)
                    let local = Double((hour + 7) % 24)
                    // 1970-01-01 was a Thursday: days 2 and 3 after it (mod 7) are Saturday and Sunday.
                    let weekend = [2, 3].contains(((hour + 7) / 24) % 7)
                    func bump(_ centre: Double, _ width: Double) -> Double { exp(-pow(local - centre, 2) / width) }
                    let noise = Self.noise(number &* 7919 &+ hour &* 13 &+ (kind.indicator.code == SensorIndicators.traffic.code ? 1 : 2))
                    let value: Double
                    if kind.indicator.code == SensorIndicators.traffic.code {
                        let shape = 0.15 + 0.5 * bump(12, 30) + 1.1 * bump(7.5, 2) + 1.2 * bump(17.5, 2.5)
                        value = ((120 + 60 * Double(number % 5)) * shape * (weekend ? 0.75 : 1) * (1 + 0.15 * noise)).rounded()
                    } else {
                        let taken = min(0.97, (0.2 + 0.6 * bump(13, 14) + (weekend ? 0.1 : 0)) * (1 + 0.1 * noise))
                        value = (total * (1 - taken)).rounded()
                    }
                    return AttributeReading(
                        entityID: sensor.id, attribute: kind.attribute, observedAt: at, number: value,
                        instance: ["type": "Property", "value": .number(value), "observedAt": .string(Timestamp.utcMilliseconds(at))])
                }
                try await services.history.recordReadings(readings, tenant: "", context: context)
                written += readings.count
            }
        }
        if written > 0 {
            let calendar = try await services.calendar.workingCalendar()
            try await SensorIndicators.compute(
                services, from: calendar.civilDay(of: Date(timeIntervalSince1970: Double(firstHour) * 3600)), to: calendar.civilDay(of: now), now: now)
        }
        return written
    }

    /// The six readings of a station for the hour starting `hour` hours after 1970 (UTC).
    static func readings(station: String, number: Int, hour: Int) -> [AttributeReading] {
        let at = Date(timeIntervalSince1970: Double(hour) * 3600)
        let local = Double((hour + 7) % 24)
        let day = Double((hour + 7) / 24)
        // Highest in mid-January, lowest in mid-July.
        let season = 1 + 0.45 * cos(2 * .pi * (day.truncatingRemainder(dividingBy: 365.2425) - 15) / 365.2425)
        func bump(_ centre: Double, _ width: Double) -> Double { exp(-pow(local - centre, 2) / width) }
        let rush = 1 + 0.3 * bump(8, 4) + 0.35 * bump(20, 6) - 0.2 * bump(14, 8)
        // A few days of stagnant air now and then.
        let episode = 1 + 0.9 * pow(max(0, sin(day * 0.37 + Double(number))), 8)
        func noise(_ salt: Int) -> Double { Self.noise(number &* 1_000_003 &+ hour &* 31 &+ salt) }
        let base = 12 + 4 * Double(number % 5)
        let pm25 = base * season * rush * episode * (1 + 0.2 * noise(1))
        let values: [(AirPollutant, Double)] = [
            (.pm25, pm25),
            (.pm10, pm25 * (1.55 + 0.15 * noise(2))),
            (.o3, (25 + 85 * max(0, sin(.pi * (local - 7) / 12))) * (1.25 - 0.25 * season) * (1 + 0.15 * noise(3))),
            (.no2, (14 + 6 * Double(number % 3)) * rush * (1 + 0.25 * noise(4))),
            (.co, (450 + 650 * (rush - 0.8)) * season * (1 + 0.2 * noise(5))),
            (.so2, 7 + 5 * (1 + noise(6))),
        ]
        let observed = JSON.string(Timestamp.utcMilliseconds(at))
        return values.map { pollutant, value in
            let rounded = (max(0, value) * 10).rounded() / 10
            return AttributeReading(
                entityID: station, attribute: AirQualityIndicators.attribute(pollutant), observedAt: at, number: rounded,
                instance: ["type": "Property", "value": .number(rounded), "unitCode": "GQ", "observedAt": observed])
        }
    }

    /// A number from −1 to 1 that depends only on `seed` (SplitMix64's finaliser).
    static func noise(_ seed: Int) -> Double {
        var z = UInt64(bitPattern: Int64(seed)) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53) * 2 - 1
    }
}
