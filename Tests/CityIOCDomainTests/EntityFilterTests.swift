import CityIOCDomain
import Foundation
import Testing

@Suite struct EntityFilterTests {
    static let context = LDContext()
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func station(_ id: Int, pm25: Double, status: String, lon: Double, lat: Double, observed: String = "2026-12-01T07:00:00Z") throws -> ContextEntity {
        try ContextEntity.parse(
            [
                "id": .string("urn:ngsi-ld:AirQualityObserved:\(id)"), "type": "AirQualityObserved",
                "pm25": ["type": "Property", "value": .number(pm25), "observedAt": .string(observed)], "status": .string(status),
                "address": ["type": "Property", "value": ["locality": "Hạ Long", "street": "Trần Hưng Đạo"]],
                "refDevice": ["type": "Relationship", "object": .string("urn:ngsi-ld:Device:\(id)")],
                "https://uri.etsi.org/ngsi-ld/location": ["type": "GeoProperty", "value": ["type": "Point", "coordinates": [.number(lon), .number(lat)]]],
            ], context: context, now: now)
    }

    func matching(_ q: String, _ entities: [ContextEntity]) throws -> [String] {
        let filter = try EntityFilter.parse(q, context: Self.context)
        return entities.filter(filter.matches).map { String($0.id.split(separator: ":").last!) }
    }

    @Test func theQueryLanguageComparesListsRangesPatternsAndPaths() throws {
        let all = [
            try Self.station(1, pm25: 12, status: "ok", lon: 107.08, lat: 20.95),
            try Self.station(2, pm25: 55.5, status: "alert", lon: 107.10, lat: 20.96, observed: "2026-12-01T09:00:00Z"),
            try Self.station(3, pm25: 35, status: "ok", lon: 106.70, lat: 21.10),
        ]
        #expect(try matching("pm25>30", all) == ["2", "3"])
        #expect(try matching("pm25>=35;status==\"ok\"", all) == ["3"])
        #expect(try matching("pm25<20|status==alert", all) == ["1", "2"])
        #expect(try matching("(pm25<20|pm25>50);status!=ok", all) == ["2"])
        #expect(try matching("pm25==10..40", all) == ["1", "3"])
        #expect(try matching("pm25!=10..40", all) == ["2"])
        #expect(try matching("status==ok,alert", all) == ["1", "2", "3"])
        #expect(try matching("status~=^al", all) == ["2"])
        #expect(try matching("status!~=^al", all) == ["1", "3"])
        #expect(try matching("address[locality]==\"Hạ Long\"", all) == ["1", "2", "3"])
        #expect(try matching("refDevice==urn:ngsi-ld:Device:3", all) == ["3"])
        #expect(try matching("pm25.observedAt>2026-12-01T08:00:00Z", all) == ["2"])
        #expect(try matching("pm25.observedAt<2026-12-02", all) == ["1", "2", "3"])
        #expect(try matching("pm25", all) == ["1", "2", "3"])
        #expect(try matching("no2", all) == [])
        #expect(try matching("no2!=5", all) == [])
        // `!name` asks that the attribute is absent; a pattern keeps its own parentheses.
        #expect(try matching("!no2", all) == ["1", "2", "3"])
        #expect(try matching("!pm25", all) == [])
        #expect(try matching("!no2;status==alert", all) == ["2"])
        #expect(try matching("status~=(?i)ALERT", all) == ["2"])
        #expect(try matching("status~=^(ok|none)$", all) == ["1", "3"])
        #expect(try matching("(status~=(?i)^AL);pm25>50", all) == ["2"])
        #expect(try matching(#"status~=\)|pm25<20"#, all) == ["1"])
        for bad in ["", "pm25>", "(pm25>1", "pm25>>1", "pm 25>1", "pm25~=(", "pm25==\"open", "a;;b", "!pm25>3", "!"] {
            #expect(throws: NGSIError.self, "\(bad)") { try EntityFilter.parse(bad, context: Self.context) }
        }
    }

    @Test func geoQueriesTestTheExactGeometry() throws {
        let halong = try Self.station(1, pm25: 1, status: "ok", lon: 107.08, lat: 20.95)
        let nearby = try Self.station(2, pm25: 1, status: "ok", lon: 107.085, lat: 20.95)  // ~520 m east
        let far = try Self.station(3, pm25: 1, status: "ok", lon: 106.70, lat: 21.10)  // ~42 km away
        let all = [halong, nearby, far]
        func ids(_ georel: String, _ geometry: String, _ coordinates: String) throws -> [String] {
            let query = try GeoQuery.parse(georel: georel, geometry: geometry, coordinates: coordinates, property: LDContext.coreLocation)
            return all.filter(query.matches).map { String($0.id.split(separator: ":").last!) }
        }
        #expect(try ids("near;maxDistance==600", "Point", "[107.08,20.95]") == ["1", "2"])
        #expect(try ids("near;maxDistance==100", "Point", "[107.08,20.95]") == ["1"])
        #expect(try ids("near;minDistance==1000", "Point", "[107.08,20.95]") == ["3"])
        let box = "[[[107.0,20.9],[107.2,20.9],[107.2,21.0],[107.0,21.0],[107.0,20.9]]]"
        #expect(try ids("within", "Polygon", box) == ["1", "2"])
        #expect(try ids("intersects", "Polygon", box) == ["1", "2"])
        #expect(try ids("disjoint", "Polygon", box) == ["3"])
        #expect(try ids("equals", "Point", "[106.7,21.1]") == ["3"])
        // near measures from the closest point of a line, in metres (019_30_09/10).
        #expect(try ids("near;maxDistance==600", "LineString", "[[107.0,20.95],[107.0801,20.95]]") == ["1", "2"])
        #expect(try ids("near;maxDistance==600", "LineString", "[[107.0,20.96],[107.2,20.96]]") == [])
        // A Point contains the same Point (and intersects it), not a nearby one.
        #expect(try ids("contains", "Point", "[106.7,21.1]") == ["3"])
        #expect(try ids("intersects", "Point", "[106.7,21.1]") == ["3"])
        #expect(try ids("contains", "Point", "[106.7001,21.1]") == [])
        let query = try GeoQuery.parse(georel: "near;maxDistance==600", geometry: "Point", coordinates: "[107.08,20.95]", property: LDContext.coreLocation)
        let candidates = try #require(query.candidateBox)
        #expect(candidates.0 < 107.08 && candidates.2 > 107.085 && candidates.1 < 20.95 && candidates.3 > 20.95)
        // The box holds every point the exact test accepts, to the north as well (600 m there is 0.00543°).
        #expect(candidates.3 >= 20.95 + 600 / 110_574 && candidates.1 <= 20.95 - 600 / 110_574)
        for (georel, geometry, coordinates) in [
            ("near", "Point", "[107,20]"), ("near;maxDistance==x", "Point", "[107,20]"), ("around", "Point", "[107,20]"),
            ("within", "Point", "[107,20]"), ("within", "Polygon", "[[[0,0],[1,1],[0,0]]]"), ("equals", "Point", "[300,20]"),
            ("equals", "Circle", "[1,2]"), ("equals", "Point", "not json"),
            // 019_30: one distance, positive and finite.
            ("near;maxDistance==0", "Point", "[107,20]"), ("near;maxDistance==-100", "Point", "[107,20]"),
            ("near;maxDistance==5;minDistance==1", "Point", "[107,20]"), ("near;maxDistance==inf", "Point", "[107,20]"),
            ("near;maxDistance==1e400", "Point", "[107,20]"), ("touches", "Point", "[107,20]"),
        ] {
            #expect(throws: NGSIError.self, "\(georel) \(geometry) \(coordinates)") {
                try GeoQuery.parse(georel: georel, geometry: geometry, coordinates: coordinates, property: LDContext.coreLocation)
            }
        }
    }

    @Test func scopeQueriesMatchPathsWithWildcards() throws {
        func matches(_ query: String, _ scopes: [String]) throws -> Bool { try ScopeQuery.parse(scopes: query).matches(scopes: scopes) }
        let halong = ["/QuangNinh/HaLong/HongGai"]
        #expect(try matches("/QuangNinh/HaLong/HongGai", halong))
        #expect(try !matches("/QuangNinh/HaLong", halong))
        #expect(try matches("/QuangNinh/#", halong) && matches("/QuangNinh/HaLong/HongGai/#", halong))
        #expect(try matches("/QuangNinh/+/HongGai", halong) && !matches("/QuangNinh/+", halong))
        #expect(try matches("/HaiPhong/#,/QuangNinh/#", halong) && !matches("/HaiPhong/#;/QuangNinh/#", halong))
        #expect(try matches("/QuangNinh/#;(/QuangNinh/+/HongGai|/X)", halong))
        #expect(try !matches("/QuangNinh/#", []))
        for bad in ["QuangNinh", "/a/#/b", "/a b", "", "(/a", "/a;"] {
            #expect(throws: NGSIError.self, "\(bad)") { try ScopeQuery.parse(scopes: bad) }
        }
    }
}
