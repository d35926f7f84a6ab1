import CityIOCDomain
import Foundation

/// The demo city's subsystems as NGSI-LD entities with FIWARE Smart Data Models types: an air
/// quality station, a flood sensor, a traffic counter, a car park and a camera in each of the
/// first wards of the demo province, with readings that look like a morning in Quảng Ninh
/// (made up, reproducible: the same ward always gets the same numbers).
enum DemoSensors {
    /// How many wards get sensors.
    static let wards = 12

    /// `context`: the core context, so `location` is the core GeoProperty.
    static func entities(units: [(code: String, name: String, latitude: Double, longitude: Double)], context: LDContext, now: Date) throws -> [ContextEntity] {
        let observed = JSON.string(Timestamp.utcMilliseconds(Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600)))
        var result: [ContextEntity] = []
        for (index, unit) in units.prefix(wards).enumerated() {
            // A small deterministic spread of values per ward.
            /// `base` plus part of `spread`, the part set by the ward and `salt`, to `decimals` places.
            func value(_ base: Double, _ spread: Double, _ salt: Int, decimals: Double = 1) -> JSON {
                let mix = Double((index * 37 + salt * 11) % 100) / 100
                let scale = pow(10, decimals)
                return .number(((base + spread * mix) * scale).rounded() / scale)
            }
            func point(_ dLat: Double, _ dLon: Double) -> JSON {
                ["type": "GeoProperty", "value": ["type": "Point", "coordinates": [.number(unit.longitude + dLon), .number(unit.latitude + dLat)]]]
            }
            func reading(_ number: JSON, _ unitCode: String) -> JSON {
                ["type": "Property", "value": number, "unitCode": .string(unitCode), "observedAt": observed]
            }
            /// A count or a fraction: no unit, observed now.
            func count(_ number: JSON) -> JSON { ["type": "Property", "value": number, "observedAt": observed] }
            let ward: JSON = ["type": "Property", "value": .string(unit.code)]
            let name = { (vi: String, en: String) -> JSON in ["type": "LanguageProperty", "languageMap": ["vi": .string(vi), "en": .string(en)]] }
            let payloads: [JSON] = [
                [
                    "id": .string("urn:ngsi-ld:AirQualityObserved:QN-\(unit.code)"), "type": "AirQualityObserved",
                    "name": name("Trạm quan trắc không khí \(unit.name)", "Air quality station, \(unit.name)"),
                    "pm25": reading(value(18, 45, 1), "GQ"), "pm10": reading(value(30, 70, 2), "GQ"), "no2": reading(value(12, 40, 3), "GQ"),
                    "o3": reading(value(40, 60, 4), "GQ"), "co": reading(value(400, 900, 5), "GQ"), "so2": reading(value(5, 25, 6), "GQ"),
                    "location": point(0.002, 0.001), "wardCode": ward,
                ],
                [
                    "id": .string("urn:ngsi-ld:FloodMonitoring:QN-\(unit.code)"), "type": "FloodMonitoring",
                    "name": name("Cảm biến ngập \(unit.name)", "Flood sensor, \(unit.name)"),
                    "currentLevel": reading(value(0, 0.4, 7), "MTR"), "alertLevel": ["type": "Property", "value": 0.3, "unitCode": "MTR"],
                    "location": point(-0.003, 0.002), "wardCode": ward,
                ],
                [
                    "id": .string("urn:ngsi-ld:TrafficFlowObserved:QN-\(unit.code)"), "type": "TrafficFlowObserved",
                    "intensity": count(value(120, 900, 8)), "averageVehicleSpeed": reading(value(18, 35, 9), "KMH"),
                    "occupancy": count(value(0.1, 0.7, 10, decimals: 2)), "location": point(0.001, -0.003), "wardCode": ward,
                ],
                [
                    "id": .string("urn:ngsi-ld:OffStreetParking:QN-\(unit.code)"), "type": "OffStreetParking",
                    "name": name("Bãi đỗ xe \(unit.name)", "Car park, \(unit.name)"),
                    "totalSpotNumber": ["type": "Property", "value": value(80, 200, 11)], "availableSpotNumber": count(value(5, 70, 12)),
                    "location": point(-0.001, -0.002), "wardCode": ward,
                ],
                [
                    "id": .string("urn:ngsi-ld:Device:QN-CAM-\(unit.code)"), "type": "Device", "category": ["type": "Property", "value": ["camera"]],
                    "name": name("Camera giao thông \(unit.name)", "Traffic camera, \(unit.name)"),
                    "deviceState": ["type": "Property", "value": index % 7 == 3 ? "offline" : "online"], "location": point(0.0015, 0.0025), "wardCode": ward,
                ],
            ]
            for payload in payloads { result.append(try ContextEntity.parse(payload, context: context, now: now)) }
        }
        return result
    }
}
