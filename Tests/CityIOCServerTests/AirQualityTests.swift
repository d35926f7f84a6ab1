import CityIOCDomain
import Foundation
import Testing

@testable import CityIOCServer

/// The attribute history that every entity write feeds, and VN_AQI computed from it for the
/// wards and the province, on both engines.
@Suite struct AirQualityTests {
    static func station(_ id: String, ward: String, pm25: Double, observed: String, services: AppServices) throws -> ContextEntity {
        let payload: JSON = [
            "id": .string(id), "type": "AirQualityObserved",
            "pm25": ["type": "Property", "value": .number(pm25), "unitCode": "GQ", "observedAt": .string(observed)],
            "wardCode": ["type": "Property", "value": .string(ward)],
        ]
        return try ContextEntity.parse(payload, context: services.contexts.core, now: Date())
    }

    @Test(arguments: TestEngine.all)
    func everyChangedAttributeInstanceIsKeptAtItsObservedTime(engine: TestEngine) async throws {
        try await withApp(engine) { services, _ in
            let id = "urn:ngsi-ld:AirQualityObserved:T1"
            let pm25 = AirQualityIndicators.attribute(.pm25)
            try await services.entities.createEntity(
                try Self.station(id, ward: "06685", pm25: 20, observed: "2026-11-30T01:00:00Z", services: services), tenant: "", context: system)
            // an update of the reading, then the same entity written again unchanged
            let next = try Self.station(id, ward: "06685", pm25: 31.5, observed: "2026-11-30T02:00:00.000Z", services: services)
            try await services.entities.modifyEntity(id, tenant: "", action: "entity.update", context: system) { $0.attributes = next.attributes }
            try await services.entities.modifyEntity(id, tenant: "", action: "entity.update", context: system) { $0.attributes = next.attributes }
            // and through a batch: the same time again replaces that reading
            let corrected = try Self.station(id, ward: "06685", pm25: 32, observed: "2026-11-30T02:00:00Z", services: services)
            _ = try await services.entities.writeEntities([id], tenant: "", action: "entity.batch.upsert", context: system) { _, _ in .store(corrected) }

            let from = try #require(CityStore.instant("2026-11-30T00:00:00Z"))
            let readings = try await services.history.readings(tenant: "", entities: [id], attributes: [pm25], from: from, to: from.addingTimeInterval(86400))
            #expect(readings.map(\.number) == [20, 32])
            #expect(readings.map(\.observedAt) == [from.addingTimeInterval(3600), from.addingTimeInterval(7200)])
            #expect(readings.last?.instance["unitCode"]?.string == "GQ")
            // the ward code has no observedAt: kept once, at the time it was written
            let ward = try await services.history.readings(
                tenant: "", entities: [id], attributes: [AirQualityIndicators.wardCode], from: .distantPast, to: .distantFuture)
            #expect(ward.count == 1)
            #expect(ward.first?.number == nil)
            #expect(try await services.history.entitiesWithReadings(tenant: "", recordedAfter: .distantPast).map(\.entityID) == [id])
            #expect(try await services.history.readings(tenant: "other", entities: [id], attributes: [pm25], from: .distantPast, to: .distantFuture).isEmpty)
        }
    }

    /// Worked by hand from the decision's formula, with the breakpoints of its tables:
    /// PM2.5 24-h mean 37.5 µg/m³ lies in 25–50 (index 50–100): 50 + (37.5 − 25) × 50 / 25 = 75.
    /// PM10 24-h mean 120 µg/m³ lies in 50–150 (index 50–100): 50 + (120 − 50) × 50 / 100 = 85.
    @Test(arguments: TestEngine.all)
    func theDailyIndexOfEachWardIsItsWorstStationsAndTheProvincesTheWorstOfAll(engine: TestEngine) async throws {
        try await withApp(engine) { services, _ in
            let today = CivilDay(2026, 11, 30)
            let calendar = try await services.calendar.workingCalendar()
            let midnight = try #require(calendar.start(of: today))  // 2026-11-29T17:00Z in Hà Nội time
            #expect(midnight == CityStore.instant("2026-11-29T17:00:00Z"))
            try await services.entities.createEntity(
                try Self.station("urn:ngsi-ld:AirQualityObserved:A", ward: "06685", pm25: 1, observed: "2026-11-01T00:00:00Z", services: services), tenant: "",
                context: system)
            try await services.entities.createEntity(
                try Self.station("urn:ngsi-ld:AirQualityObserved:B", ward: "06994", pm25: 1, observed: "2026-11-01T00:00:00Z", services: services), tenant: "",
                context: system)
            func readings(_ station: String, _ pollutant: AirPollutant, _ value: Double, hours: Range<Int>, perHour: Int = 1) -> [AttributeReading] {
                hours.flatMap { hour in
                    (0..<perHour).map { part in
                        let at = midnight.addingTimeInterval(Double(hour) * 3600 + Double(part) * 600)
                        // several readings in an hour are averaged: value ± 1 cancel out
                        let reading = perHour > 1 ? value + (part % 2 == 0 ? 1 : -1) : value
                        return AttributeReading(
                            entityID: station, attribute: AirQualityIndicators.attribute(pollutant), observedAt: at, number: reading,
                            instance: ["type": "Property", "value": .number(reading), "unitCode": "GQ"])
                    }
                }
            }
            // A: PM2.5 for 20 of the 24 hours (enough: 18 are needed), PM10 for 17 (not enough)
            // B: PM10 every hour, in six readings an hour
            let sent =
                readings("urn:ngsi-ld:AirQualityObserved:A", .pm25, 37.5, hours: 0..<20)
                + readings("urn:ngsi-ld:AirQualityObserved:A", .pm10, 500, hours: 0..<17)
                + readings("urn:ngsi-ld:AirQualityObserved:B", .pm10, 120, hours: 0..<24, perHour: 6)
            try await services.history.recordReadings(sent, tenant: "", context: system)

            let written = try await AirQualityIndicators.catchUp(services, since: .distantPast, now: midnight.addingTimeInterval(30 * 3600))
            #expect(written == 3)
            let values = try await services.indicators.values(IndicatorValueQuery(indicators: [AirQualityIndicators.daily.code]))
            let byArea = Dictionary(uniqueKeysWithValues: values.filter { $0.period == Period(.day, containing: today) }.map { ($0.area.rawValue, $0.value) })
            #expect(byArea == ["06685": 75, "06994": 85, "22": 85])
            #expect(try await services.indicators.indicator(AirQualityIndicators.daily.code)?.method == .computed)

            // nothing new: nothing written; the station's hourly index at the day's noon
            #expect(try await AirQualityIndicators.compute(services, from: today, to: today, now: midnight.addingTimeInterval(30 * 3600)) == 0)
            let day = try await AirQualityIndicators.hourly(
                services, station: "urn:ngsi-ld:AirQualityObserved:B", hourEnd: midnight.addingTimeInterval(12 * 3600), count: 13)
            #expect(day.count == 13)
            #expect(day.first! == nil)  // the hour before midnight: no readings
            let noon = try #require(day.last!)
            // NowCast of a steady 120 is 120; the hourly PM10 table has 50–150 → 50–100 as well
            #expect(noon.value == 85)
            #expect(noon.dominant == .pm10)
        }
    }

    /// Traffic counters' and car parks' readings averaged into a day, then over an area's sensors.
    @Test(arguments: TestEngine.all)
    func trafficAndParkingAreTheirDaysMeansPerWardAndProvince(engine: TestEngine) async throws {
        try await withApp(engine) { services, _ in
            let calendar = try await services.calendar.workingCalendar()
            let day = CivilDay(2026, 11, 30)
            let midnight = try #require(calendar.start(of: day))
            func sensor(_ payload: JSON) async throws {
                try await services.entities.createEntity(try ContextEntity.parse(payload, context: services.contexts.core, now: Date()), tenant: "", context: system)
            }
            try await sensor(["id": "urn:ngsi-ld:TrafficFlowObserved:A", "type": "TrafficFlowObserved", "wardCode": ["type": "Property", "value": "06685"]])
            try await sensor(["id": "urn:ngsi-ld:TrafficFlowObserved:B", "type": "TrafficFlowObserved", "wardCode": ["type": "Property", "value": "06994"]])
            try await sensor([
                "id": "urn:ngsi-ld:OffStreetParking:P", "type": "OffStreetParking", "wardCode": ["type": "Property", "value": "06685"],
                "totalSpotNumber": ["type": "Property", "value": 200],
            ])
            func reading(_ id: String, _ attribute: String, hour: Int, _ value: Double) -> AttributeReading {
                AttributeReading(
                    entityID: id, attribute: LDContext.defaultVocabulary + attribute, observedAt: midnight.addingTimeInterval(Double(hour) * 3600),
                    number: value, instance: ["type": "Property", "value": .number(value)])
            }
            // A: 100 and 300 (mean 200); B: 600 (mean 600); the car park 150 and 50 free of 200 (25 % and 75 % taken)
            try await services.history.recordReadings(
                [
                    reading("urn:ngsi-ld:TrafficFlowObserved:A", "intensity", hour: 3, 100), reading("urn:ngsi-ld:TrafficFlowObserved:A", "intensity", hour: 8, 300),
                    reading("urn:ngsi-ld:TrafficFlowObserved:B", "intensity", hour: 8, 600),
                    reading("urn:ngsi-ld:OffStreetParking:P", "availableSpotNumber", hour: 2, 150), reading("urn:ngsi-ld:OffStreetParking:P", "availableSpotNumber", hour: 14, 50),
                    // a reading of the next day is not this day's
                    reading("urn:ngsi-ld:TrafficFlowObserved:A", "intensity", hour: 25, 5000),
                ], tenant: "", context: system)
            // a day not over yet has no value; once it is, its readings' means
            _ = try await AirQualityIndicators.catchUp(services, since: .distantPast, now: midnight.addingTimeInterval(20 * 3600))
            #expect(try await services.indicators.values(IndicatorValueQuery(indicators: [SensorIndicators.traffic.code])).isEmpty)
            _ = try await AirQualityIndicators.catchUp(services, since: .distantPast, now: midnight.addingTimeInterval(26 * 3600))
            let values = try await services.indicators.values(IndicatorValueQuery(indicators: [SensorIndicators.traffic.code, SensorIndicators.parking.code]))
            let shown = Dictionary(
                uniqueKeysWithValues: values.filter { $0.period == Period(.day, containing: day) }.map { ("\($0.indicator.rawValue) \($0.area.rawValue)", $0.value) })
            #expect(
                shown == [
                    "luu-luong-giao-thong 06685": 200, "luu-luong-giao-thong 06994": 600, "luu-luong-giao-thong 22": 400,
                    "lap-day-bai-do-xe 06685": 50, "lap-day-bai-do-xe 22": 50,
                ])
        }
    }
}
