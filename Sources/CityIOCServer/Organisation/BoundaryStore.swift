import CityIOCDomain
import Foundation

/// Wards' outlines, loaded by admins from GeoJSON. Each is kept with its bounding box, so finding
/// the ward of a point reads the two or three outlines whose box holds it, not all of them.
public protocol BoundaryStore: Sendable {
    /// Adds or replaces the outlines of these areas (which must exist); one audit entry naming them.
    func saveBoundaries(_ boundaries: [(Area.Code, Boundary)], context: ChangeContext) async throws
    /// The active ward, commune or special zone whose outline holds the point; nil when none
    /// does or none is loaded.
    func area(containingLatitude latitude: Double, longitude: Double) async throws -> Area.Code?
    /// The codes of the areas with an outline.
    func areasWithBoundaries() async throws -> Set<Area.Code>
    /// Every outline, for the maps (kept in memory like the areas, and dropped on any change to them).
    func boundaries() async throws -> [Area.Code: Boundary]
}

extension CityStore: BoundaryStore {
    public func saveBoundaries(_ boundaries: [(Area.Code, Boundary)], context: ChangeContext) async throws {
        guard !boundaries.isEmpty else { return }
        let encoder = JSONEncoder()
        var statements: [SQL] = []
        for (code, boundary) in boundaries {
            let box = boundary.box
            let geometry = String(decoding: try encoder.encode(boundary), as: UTF8.self)
            statements.append(SQL("DELETE FROM area_boundaries WHERE area_code = ?", [.text(code.rawValue)]))
            statements.append(
                SQL(
                    "INSERT INTO area_boundaries (area_code, south, west, north, east, points, geometry, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        .text(code.rawValue), .double(box.south), .double(box.west), .double(box.north), .double(box.east),
                        .int(Int64(boundary.pointCount)), .text(geometry), .date(context.now),
                    ]))
        }
        let writes = statements
        let summary = Self.snapshot(["areas": boundaries.map(\.0.rawValue).joined(separator: ","), "points": "\(boundaries.reduce(0) { $0 + $1.1.pointCount })"])
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: writes,
                    audit: AuditDraft(action: "area.boundaries", entityType: "area", entityID: boundaries.count == 1 ? boundaries[0].0.rawValue : "*", before: nil, after: summary),
                    result: ())
            }, context: context)
    }

    public func area(containingLatitude latitude: Double, longitude: Double) async throws -> Area.Code? {
        // Most cities start without outlines: then no query at all.
        let outlined = try await cache.value(\.outlined, database: database) {
            try await !database.query(SQL("SELECT area_code FROM area_boundaries LIMIT 1")).isEmpty
        }
        guard outlined else { return nil }
        let rows = try await database.query(
            SQL(
                """
                SELECT b.area_code, b.geometry FROM area_boundaries b JOIN areas a ON a.code = b.area_code
                WHERE b.south <= ? AND b.north >= ? AND b.west <= ? AND b.east >= ? AND a.active = ? AND a.level IN ('ward', 'commune', 'special_zone')
                ORDER BY b.points
                """, [.double(latitude), .double(latitude), .double(longitude), .double(longitude), .bool(true)]))
        let decoder = JSONDecoder()
        for row in rows {
            guard let boundary = try? decoder.decode(Boundary.self, from: Data(try row.text("geometry").utf8)) else { throw StoreError.corruptRow("geometry") }
            if boundary.contains(latitude: latitude, longitude: longitude) { return Area.Code(try row.text("area_code")) }
        }
        return nil
    }

    public func boundaries() async throws -> [Area.Code: Boundary] {
        try await cache.value(\.boundaries, database: database) {
            let decoder = JSONDecoder()
            var outlines: [Area.Code: Boundary] = [:]
            for row in try await database.query(SQL("SELECT area_code, geometry FROM area_boundaries")) {
                guard let boundary = try? decoder.decode(Boundary.self, from: Data(try row.text("geometry").utf8)) else { throw StoreError.corruptRow("geometry") }
                outlines[Area.Code(try row.text("area_code"))] = boundary
            }
            return outlines
        }
    }

    public func areasWithBoundaries() async throws -> Set<Area.Code> {
        Set(try await database.query(SQL("SELECT area_code FROM area_boundaries")).map { Area.Code(try $0.text("area_code")) })
    }
}
