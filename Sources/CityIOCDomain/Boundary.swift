import Foundation

/// A ward's (or any area's) outline: one or more polygons, each an outer ring and its holes, as
/// GeoJSON has them (`[longitude, latitude]`). With outlines loaded a report's ward is the one
/// its point lies in, rather than the one whose centre is nearest.
public struct Boundary: Sendable, Equatable, Codable {
    /// Polygons → rings → points as `[longitude, latitude]`; the first ring of a polygon is its outside.
    public var polygons: [[[[Double]]]]

    public init(polygons: [[[[Double]]]]) {
        self.polygons = polygons
    }

    /// South, west, north, east: where to look before testing the outline.
    public var box: (south: Double, west: Double, north: Double, east: Double) {
        var box = (south: 90.0, west: 180.0, north: -90.0, east: -180.0)
        for point in polygons.lazy.flatMap({ $0.first ?? [] }) where point.count >= 2 {
            box = (min(box.south, point[1]), min(box.west, point[0]), max(box.north, point[1]), max(box.east, point[0]))
        }
        return box
    }

    public var pointCount: Int { polygons.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } }

    /// Whether the point is inside: in some polygon's outside ring and in none of its holes (a
    /// ray cast per ring; a point exactly on an edge may fall either side, as with any such test).
    public func contains(latitude: Double, longitude: Double) -> Bool {
        polygons.contains { polygon in
            guard let outside = polygon.first, Self.inside(outside, latitude: latitude, longitude: longitude) else { return false }
            return !polygon.dropFirst().contains { Self.inside($0, latitude: latitude, longitude: longitude) }
        }
    }

    static func inside(_ ring: [[Double]], latitude y: Double, longitude x: Double) -> Bool {
        var inside = false
        var j = ring.count - 1
        for i in 0..<ring.count {
            let (xi, yi, xj, yj) = (ring[i][0], ring[i][1], ring[j][0], ring[j][1])
            if (yi > y) != (yj > y), x < (xj - xi) * (y - yi) / (yj - yi) + xi { inside.toggle() }
            j = i
        }
        return inside
    }

    /// Why a GeoJSON file (or one of its features) cannot be loaded.
    public enum Problem: Error, Sendable, Equatable {
        case notGeoJSON
        case noCode(feature: Int)
        case notAPolygon(feature: Int)
        case badRing(feature: Int)
    }

    /// The outlines of a GeoJSON `FeatureCollection` (or a single `Feature`) of `Polygon` and
    /// `MultiPolygon` features, keyed by the feature property named `codeProperty` (a number or
    /// text: `"06685"`, or `6685` padded to five digits as ward codes are written). Features
    /// that cannot be used are reported, not skipped silently.
    public static func features(in data: Data, codeProperty: String) throws(Problem) -> (found: [(code: String, boundary: Boundary)], problems: [Problem]) {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let type = root["type"] as? String else { throw .notGeoJSON }
        let features: [[String: Any]]
        switch type {
        case "FeatureCollection": features = root["features"] as? [[String: Any]] ?? []
        case "Feature": features = [root]
        default: throw .notGeoJSON
        }
        var found: [(String, Boundary)] = []
        var problems: [Problem] = []
        for (index, feature) in features.enumerated() {
            let properties = feature["properties"] as? [String: Any] ?? [:]
            let code: String? =
                switch properties[codeProperty] {
                case let text as String: text.trimmingCharacters(in: .whitespaces)
                case let number as NSNumber: number.intValue.zeroPadded(5)
                default: nil
                }
            guard let code, !code.isEmpty else {
                problems.append(.noCode(feature: index + 1))
                continue
            }
            let geometry = feature["geometry"] as? [String: Any] ?? [:]
            let polygons: [[[[Double]]]]
            switch geometry["type"] as? String {
            case "Polygon":
                guard let rings = geometry["coordinates"] as? [[[Double]]] else { problems.append(.badRing(feature: index + 1)); continue }
                polygons = [rings]
            case "MultiPolygon":
                guard let parts = geometry["coordinates"] as? [[[[Double]]]] else { problems.append(.badRing(feature: index + 1)); continue }
                polygons = parts
            default:
                problems.append(.notAPolygon(feature: index + 1))
                continue
            }
            let valid =
                !polygons.isEmpty
                && polygons.allSatisfy { polygon in
                    !polygon.isEmpty
                        && polygon.allSatisfy { ring in
                            ring.count >= 4 && ring.allSatisfy { $0.count >= 2 && (-180...180).contains($0[0]) && (-90...90).contains($0[1]) }
                        }
                }
            guard valid else {
                problems.append(.badRing(feature: index + 1))
                continue
            }
            found.append((code, Boundary(polygons: polygons)))
        }
        return (found, problems)
    }
}
