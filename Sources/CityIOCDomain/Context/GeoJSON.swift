import Foundation

/// GeoJSON geometries (RFC 7946) as GeoProperty values carry them: the shape is checked on the
/// way in, and a bounding box is kept with each entity so geo-queries can narrow the candidates
/// in the database before the exact test.
public enum GeoJSON {
    public static let types: Set<String> = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"]

    /// True for a geometry with coordinates of the right depth, longitudes and latitudes in range,
    /// line strings of two positions or more and closed rings of four or more.
    public static func isGeometry(_ value: JSON) -> Bool {
        guard let type = value["type"]?.string, types.contains(type), let coordinates = value["coordinates"] else { return false }
        switch type {
        case "Point": return position(coordinates) != nil
        case "MultiPoint": return positions(coordinates) != nil
        case "LineString": return (positions(coordinates)?.count ?? 0) >= 2
        case "MultiLineString": return coordinates.array.map { $0.allSatisfy { (positions($0)?.count ?? 0) >= 2 } } ?? false
        case "Polygon": return polygon(coordinates) != nil
        default: return coordinates.array.map { !$0.isEmpty && $0.allSatisfy { polygon($0) != nil } } ?? false
        }
    }

    /// `[longitude, latitude]` (an altitude may follow).
    static func position(_ value: JSON) -> (Double, Double)? {
        guard let items = value.array, (2...3).contains(items.count), let lon = items[0].number, let lat = items[1].number,
            (-180...180).contains(lon), (-90...90).contains(lat)
        else { return nil }
        return (lon, lat)
    }

    static func positions(_ value: JSON) -> [(Double, Double)]? {
        guard let items = value.array, !items.isEmpty else { return nil }
        var result: [(Double, Double)] = []
        for item in items {
            guard let point = position(item) else { return nil }
            result.append(point)
        }
        return result
    }

    static func polygon(_ value: JSON) -> [[(Double, Double)]]? {
        guard let rings = value.array, !rings.isEmpty else { return nil }
        var result: [[(Double, Double)]] = []
        for ring in rings {
            guard let points = positions(ring), points.count >= 4, points.first! == points.last! else { return nil }
            result.append(points)
        }
        return result
    }

    /// Every position of a geometry, for its bounding box.
    public static func allPositions(_ value: JSON) -> [(Double, Double)] {
        var result: [(Double, Double)] = []
        func walk(_ node: JSON) {
            if let point = position(node) { result.append(point) } else { for item in node.array ?? [] { walk(item) } }
        }
        if let coordinates = value["coordinates"] { walk(coordinates) }
        return result
    }

    /// West, south, east, north.
    public static func boundingBox(_ value: JSON) -> (west: Double, south: Double, east: Double, north: Double)? {
        let points = allPositions(value)
        guard let first = points.first else { return nil }
        var box = (west: first.0, south: first.1, east: first.0, north: first.1)
        for (lon, lat) in points.dropFirst() {
            box.west = min(box.west, lon)
            box.east = max(box.east, lon)
            box.south = min(box.south, lat)
            box.north = max(box.north, lat)
        }
        return box
    }
}
