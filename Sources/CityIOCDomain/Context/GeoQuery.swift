import Foundation

/// An NGSI-LD geo-query (clause 4.10): a relation (`georel`) between an entity's GeoProperty
/// (`geoproperty`, `location` by default) and a reference geometry (`geometry`, `coordinates`).
/// The database narrows candidates by bounding box; `matches` is the exact test, on a plane
/// tangent to the Earth at the reference geometry (metres; fine at a city's scale).
public struct GeoQuery: Sendable, Equatable {
    public enum Relation: Sendable, Equatable {
        case near(maxDistance: Double?, minDistance: Double?)
        case within, contains, intersects, overlaps, disjoint, equals
    }

    public var relation: Relation
    /// The reference geometry as GeoJSON.
    public var geometry: JSON
    /// The expanded name of the GeoProperty to test.
    public var property: String

    /// From the query parameters' text; every problem is a `BadRequestData`.
    public static func parse(georel: String, geometry type: String, coordinates: String, property: String) throws(NGSIError) -> GeoQuery {
        let parts = georel.split(separator: ";").map(String.init)
        let relation: Relation
        switch parts.first {
        case "near":
            var max: Double?
            var min: Double?
            // Exactly one distance, a positive finite number of metres (4.10: PositiveNumber).
            guard parts.count == 2 else { throw .badData("georel near takes one distance: near;maxDistance==N or near;minDistance==N.", georel) }
            for modifier in parts.dropFirst() {
                let pair = modifier.split(separator: "==", maxSplits: 1).map(String.init)
                guard pair.count == 2, let value = Double(pair[1]), value > 0, value.isFinite else {
                    throw .badData("georel near needs maxDistance==N or minDistance==N, N a positive number of metres.", georel)
                }
                switch pair[0] {
                case "maxDistance": max = value
                case "minDistance": min = value
                default: throw .badData("georel near knows maxDistance and minDistance only.", georel)
                }
            }
            guard max != nil || min != nil else { throw .badData("georel near needs maxDistance==N or minDistance==N.", georel) }
            relation = .near(maxDistance: max, minDistance: min)
        case "within": relation = .within
        case "contains": relation = .contains
        case "intersects": relation = .intersects
        case "overlaps": relation = .overlaps
        case "disjoint": relation = .disjoint
        case "equals": relation = .equals
        default: throw .badData("georel must be near, within, contains, intersects, overlaps, disjoint or equals.", georel)
        }
        guard parts.count == 1 || parts.first == "near" else { throw .badData("Only near takes modifiers.", georel) }
        guard GeoJSON.types.contains(type) else { throw .badData("geometry must be Point, MultiPoint, LineString, MultiLineString, Polygon or MultiPolygon.", type) }
        guard let parsed = JSON.parse(Array(coordinates.utf8)) else { throw .badData("coordinates must be a JSON array.", coordinates) }
        let reference: JSON = ["type": .string(type), "coordinates": parsed]
        guard GeoJSON.isGeometry(reference) else { throw .badData("coordinates do not make a valid \(type).", coordinates) }
        if relation == .within, !type.hasSuffix("Polygon") { throw .badData("within needs a Polygon or MultiPolygon.", type) }
        return GeoQuery(relation: relation, geometry: reference, property: property)
    }

    /// The box candidates must touch (west, south, east, north), or nil when any may match
    /// (disjoint, a minimum distance).
    public var candidateBox: (Double, Double, Double, Double)? {
        guard let box = GeoJSON.boundingBox(geometry) else { return nil }
        switch relation {
        case .disjoint, .near(maxDistance: nil, _): return nil
        case .near(let max?, _):
            // The exact test's own scale (`Plane`), widened a little: the box must never be the tighter.
            let dLat = max / Plane.metresPerDegreeLat * 1.01
            let dLon = max / (Plane.metresPerDegreeLon(atLatitude: Swift.max(abs(box.south), abs(box.north))) * 0.99)
            return (box.west - dLon, box.south - dLat, box.east + dLon, box.north + dLat)
        default: return (box.west, box.south, box.east, box.north)
        }
    }

    public func matches(_ entity: ContextEntity) -> Bool {
        let (plane, reference) = frame
        return geometries(of: entity, property).contains { test(plane.shape($0), reference, value: $0) }
    }

    /// The shortest distance in metres from the entity's geometries under `property` to the
    /// query's geometry (0 where they meet); nil when it has none.
    public func distance(_ entity: ContextEntity, property: String) -> Double? {
        let (plane, reference) = frame
        return geometries(of: entity, property).map { plane.shape($0).distance(to: reference) }.min()
    }

    /// The geometries an entity holds under a GeoProperty.
    private func geometries(of entity: ContextEntity, _ property: String) -> [JSON] {
        (entity.attributes[property] ?? []).compactMap { $0["value"] }.filter(GeoJSON.isGeometry)
    }

    /// A plane tangent at the query geometry's first position, and that geometry on it.
    private var frame: (plane: Plane, reference: Shape) {
        let plane = Plane(origin: GeoJSON.allPositions(geometry).first ?? (0, 0))
        return (plane, plane.shape(geometry))
    }

    private func test(_ shape: Shape, _ reference: Shape, value: JSON) -> Bool {
        switch relation {
        case .near(let max, let min):
            let distance = shape.distance(to: reference)
            return (max.map { distance <= $0 } ?? true) && (min.map { distance >= $0 } ?? true)
        case .within: return reference.contains(shape)
        case .contains: return shape.contains(reference)
        case .intersects: return shape.intersects(reference)
        case .disjoint: return !shape.intersects(reference)
        case .overlaps: return shape.intersects(reference) && !shape.contains(reference) && !reference.contains(shape)
        case .equals: return value["coordinates"] == geometry["coordinates"] && value["type"] == geometry["type"]
        }
    }
}

/// Positions in metres east and north of an origin.
struct Plane {
    let origin: (Double, Double)
    let metresPerDegreeLon: Double

    static let metresPerDegreeLat = 110_574.0
    static func metresPerDegreeLon(atLatitude latitude: Double) -> Double { Swift.max(1, 111_320 * cos(latitude * .pi / 180)) }

    init(origin: (Double, Double)) {
        self.origin = origin
        metresPerDegreeLon = Self.metresPerDegreeLon(atLatitude: origin.1)
    }

    func point(_ p: (Double, Double)) -> (Double, Double) { ((p.0 - origin.0) * metresPerDegreeLon, (p.1 - origin.1) * Self.metresPerDegreeLat) }

    /// Points, line strings and polygons (rings) of a geometry.
    func shape(_ value: JSON) -> Shape {
        var shape = Shape()
        let coordinates = value["coordinates"] ?? .null
        func line(_ json: JSON) -> [(Double, Double)] { (json.array ?? []).compactMap(GeoJSON.position).map(point) }
        switch value["type"]?.string {
        case "Point": if let p = GeoJSON.position(coordinates) { shape.points.append(point(p)) }
        case "MultiPoint": shape.points += line(coordinates)
        case "LineString": shape.lines.append(line(coordinates))
        case "MultiLineString": shape.lines += (coordinates.array ?? []).map(line)
        case "Polygon": shape.polygons.append((coordinates.array ?? []).map(line))
        case "MultiPolygon": shape.polygons += (coordinates.array ?? []).map { ($0.array ?? []).map(line) }
        default: break
        }
        return shape
    }
}

struct Shape {
    var points: [(Double, Double)] = []
    var lines: [[(Double, Double)]] = []
    /// Each polygon: its outer ring, then holes.
    var polygons: [[[(Double, Double)]]] = []

    var vertices: [(Double, Double)] { points + lines.flatMap { $0 } + polygons.flatMap { $0.flatMap { $0 } } }
    var segments: [((Double, Double), (Double, Double))] {
        (lines + polygons.flatMap { $0 }).flatMap { path in zip(path, path.dropFirst()).map { ($0, $1) } }
    }

    func covers(_ p: (Double, Double)) -> Bool {
        polygons.contains { rings in
            guard let outer = rings.first, Self.inside(p, outer) else { return false }
            return !rings.dropFirst().contains { Self.inside(p, $0) }
        }
    }

    /// Every vertex of `other` inside this shape's polygons and no edge crossing out.
    /// A point or a line holds what lies on it (within 1 cm): a Point contains the same Point.
    func contains(_ other: Shape) -> Bool {
        guard !other.vertices.isEmpty else { return false }
        if polygons.isEmpty {
            return other.vertices.allSatisfy { v in
                points.contains { hypot(v.0 - $0.0, v.1 - $0.1) < 0.01 } || segments.contains { Self.distance(v, $0) < 0.01 }
            }
        }
        guard other.vertices.allSatisfy(covers) else { return false }
        let mine = polygons.flatMap { $0 }.flatMap { ring in zip(ring, ring.dropFirst()).map { ($0, $1) } }
        return !other.segments.contains { a in mine.contains { Self.cross(a, $0) } }
    }

    /// Touching counts: a shared point, a crossing, or a vertex on the other's edge (within 1 cm).
    func intersects(_ other: Shape) -> Bool {
        segments.contains { a in other.segments.contains { Self.cross(a, $0) } } || distance(to: other) < 0.01
    }

    func distance(to other: Shape) -> Double {
        if intersectsByArea(other) { return 0 }
        var best = Double.infinity
        for p in vertices {
            for q in other.vertices { best = min(best, hypot(p.0 - q.0, p.1 - q.1)) }
            for s in other.segments { best = min(best, Self.distance(p, s)) }
        }
        for q in other.vertices { for s in segments { best = min(best, Self.distance(q, s)) } }
        return best
    }

    private func intersectsByArea(_ other: Shape) -> Bool { other.vertices.contains(where: covers) || vertices.contains(where: other.covers) }

    static func inside(_ p: (Double, Double), _ ring: [(Double, Double)]) -> Bool {
        var inside = false
        var j = ring.count - 1
        for i in ring.indices {
            let (a, b) = (ring[i], ring[j])
            if (a.1 > p.1) != (b.1 > p.1), p.0 < (b.0 - a.0) * (p.1 - a.1) / (b.1 - a.1) + a.0 { inside.toggle() }
            j = i
        }
        return inside
    }

    static func cross(_ s: ((Double, Double), (Double, Double)), _ t: ((Double, Double), (Double, Double))) -> Bool {
        func side(_ a: (Double, Double), _ b: (Double, Double), _ c: (Double, Double)) -> Double { (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0) }
        let d1 = side(t.0, t.1, s.0), d2 = side(t.0, t.1, s.1), d3 = side(s.0, s.1, t.0), d4 = side(s.0, s.1, t.1)
        return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))
    }

    static func distance(_ p: (Double, Double), _ s: ((Double, Double), (Double, Double))) -> Double {
        let (a, b) = s
        let dx = b.0 - a.0, dy = b.1 - a.1
        let length = dx * dx + dy * dy
        let t = length == 0 ? 0 : max(0, min(1, ((p.0 - a.0) * dx + (p.1 - a.1) * dy) / length))
        return hypot(p.0 - (a.0 + t * dx), p.1 - (a.1 + t * dy))
    }
}
