import Foundation
import Testing

@testable import CityIOCDomain

@Suite struct BoundaryTests {
    /// A square of 1° with a square hole of 0.2° in its middle, and a second island to the east.
    static let ward = Boundary(polygons: [
        [
            [[107.0, 21.0], [108.0, 21.0], [108.0, 22.0], [107.0, 22.0], [107.0, 21.0]],
            [[107.4, 21.4], [107.6, 21.4], [107.6, 21.6], [107.4, 21.6], [107.4, 21.4]],
        ],
        [[[109.0, 21.0], [109.5, 21.0], [109.25, 21.5], [109.0, 21.0]]],
    ])

    @Test func aPointIsInsideTheOutsideRingAndOutsideItsHoles() {
        #expect(Self.ward.contains(latitude: 21.2, longitude: 107.2))
        #expect(!Self.ward.contains(latitude: 21.5, longitude: 107.5))  // in the hole
        #expect(Self.ward.contains(latitude: 21.1, longitude: 109.25))  // on the island
        #expect(!Self.ward.contains(latitude: 21.45, longitude: 109.05))  // beside the island's slope
        #expect(!Self.ward.contains(latitude: 20.9, longitude: 107.5))
        let box = Self.ward.box
        #expect(box.south == 21 && box.west == 107 && box.north == 22 && box.east == 109.5)
    }

    @Test func geoJSONFeaturesAreReadWithTheirCodesAndEveryProblemNamed() throws {
        let file = """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "properties": {"ma_xa": 6685}, "geometry": {"type": "Polygon", "coordinates": [[[107,21],[108,21],[108,22],[107,21]]]}},
              {"type": "Feature", "properties": {"ma_xa": "06994"}, "geometry": {"type": "MultiPolygon", "coordinates": [[[[107,21],[108,21],[108,22],[107,21]]]]}},
              {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[107,21],[108,21],[108,22],[107,21]]]}},
              {"type": "Feature", "properties": {"ma_xa": "1"}, "geometry": {"type": "Point", "coordinates": [107,21]}},
              {"type": "Feature", "properties": {"ma_xa": "2"}, "geometry": {"type": "Polygon", "coordinates": [[[107,21],[108,21],[107,21]]]}},
              {"type": "Feature", "properties": {"ma_xa": "3"}, "geometry": {"type": "Polygon", "coordinates": [[[107,91],[108,21],[108,22],[107,91]]]}}
            ]}
            """
        let (found, problems) = try Boundary.features(in: Data(file.utf8), codeProperty: "ma_xa")
        #expect(found.map(\.code) == ["06685", "06994"])
        #expect(problems == [.noCode(feature: 3), .notAPolygon(feature: 4), .badRing(feature: 5), .badRing(feature: 6)])
        #expect(throws: Boundary.Problem.notGeoJSON) { try Boundary.features(in: Data("[1, 2]".utf8), codeProperty: "code") }
    }
}
