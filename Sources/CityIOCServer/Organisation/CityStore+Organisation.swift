import CityIOCDomain
import Foundation

extension CityStore: OrganisationStore {
    static let areaColumns = "code, name, level, parent_code, latitude, longitude, area_km2, active"
    static let agencyColumns = "id, name, name_en, kind, area_code, email, phone, active"

    public func areas(_ query: AreaQuery) async throws -> [Area] {
        // The whole list (the ward lookup, selects on many pages) comes from the cache.
        if query.parent == nil, query.level == nil, query.text.nonBlank == nil {
            let all = try await allAreas()
            return query.includeInactive ? all : all.filter(\.active)
        }
        var sql = SQL("SELECT \(Self.areaColumns) FROM areas WHERE 1 = 1")
        if let parent = query.parent { sql.append(" AND parent_code = ?", .text(parent.rawValue)) }
        if let level = query.level { sql.append(" AND level = ?", .text(level.rawValue)) }
        if !query.includeInactive { sql.append(" AND active = ?", .bool(true)) }
        if let text = query.text.nonBlank {
            sql.append(" AND (search_key LIKE ? OR code = ?)", .text("%\(TextFolding.searchKey(text))%"), .text(text))
        }
        sql.append(" ORDER BY code")
        return try await database.query(sql).map(Self.area)
    }

    public func area(_ code: Area.Code) async throws -> Area? {
        try await allAreas().first { $0.code == code }
    }

    func allAreas() async throws -> [Area] {
        try await cache.value(\.areas, database: database) {
            try await database.query(SQL("SELECT \(Self.areaColumns) FROM areas ORDER BY code")).map(Self.area)
        }
    }

    public func saveArea(_ area: Area, context: ChangeContext) async throws {
        let values: [SQLValue] = [
            .text(area.name), .text(area.level.rawValue), SQLValue(area.parentCode?.rawValue), SQLValue(area.latitude),
            SQLValue(area.longitude), SQLValue(area.areaKm2), .bool(area.active), .text(TextFolding.searchKey(area.name)),
            .text(area.code.rawValue),
        ]
        try await save(
            area, read: SQL("SELECT \(Self.areaColumns) FROM areas WHERE code = ?", [.text(area.code.rawValue)]), decode: Self.area,
            insert: SQL(
                "INSERT INTO areas (name, level, parent_code, latitude, longitude, area_km2, active, search_key, code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values),
            update: SQL(
                "UPDATE areas SET name = ?, level = ?, parent_code = ?, latitude = ?, longitude = ?, area_km2 = ?, active = ?, search_key = ? WHERE code = ?",
                values),
            action: "area", entityType: "area", entityID: area.code.rawValue, context: context)
    }

    public func agencies(_ query: AgencyQuery) async throws -> [Agency] {
        var sql = SQL("SELECT \(Self.agencyColumns) FROM agencies WHERE 1 = 1")
        if let kind = query.kind { sql.append(" AND kind = ?", .text(kind.rawValue)) }
        if let area = query.area { sql.append(" AND area_code = ?", .text(area.rawValue)) }
        if !query.includeInactive { sql.append(" AND active = ?", .bool(true)) }
        if let text = query.text.nonBlank {
            sql.append(" AND (search_key LIKE ? OR id = ?)", .text("%\(TextFolding.searchKey(text))%"), .text(text))
        }
        sql.append(" ORDER BY kind, name")
        return try await database.query(sql).map(Self.agency)
    }

    public func agency(_ id: Agency.ID) async throws -> Agency? {
        try await database.query(SQL("SELECT \(Self.agencyColumns) FROM agencies WHERE id = ?", [.text(id.rawValue)]))
            .first.map(Self.agency)
    }

    public func createAgency(_ agency: Agency, context: ChangeContext) async throws {
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: [
                        SQL(
                            "INSERT INTO agencies (name, name_en, kind, area_code, email, phone, active, search_key, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            Self.agencyValues(agency))
                    ],
                    audit: AuditDraft(
                        action: "agency.create", entityType: "agency", entityID: agency.id.rawValue, before: nil,
                        after: Self.snapshot(agency)),
                    result: ())
            }, context: context)
    }

    public func updateAgency(_ agency: Agency, context: ChangeContext) async throws {
        let read = SQL("SELECT \(Self.agencyColumns) FROM agencies WHERE id = ?", [.text(agency.id.rawValue)])
        try await database.perform(
            Mutation(read: read) { rows in
                guard let before = try rows.first.map(Self.agency) else { throw StoreError.notFound }
                if before == agency { return Plan(statements: [], audit: nil, result: ()) }
                return Plan(
                    statements: [
                        SQL(
                            "UPDATE agencies SET name = ?, name_en = ?, kind = ?, area_code = ?, email = ?, phone = ?, active = ?, search_key = ? WHERE id = ?",
                            Self.agencyValues(agency))
                    ],
                    audit: AuditDraft(
                        action: "agency.update", entityType: "agency", entityID: agency.id.rawValue,
                        before: Self.snapshot(before), after: Self.snapshot(agency)),
                    result: ())
            }, context: context)
    }

    public func organisationCounts() async throws -> OrganisationCounts {
        let rows = try await database.query(
            SQL(
                """
                SELECT (SELECT COUNT(*) FROM areas WHERE active = ?) AS areas,
                       (SELECT COUNT(*) FROM agencies WHERE active = ?) AS agencies,
                       (SELECT COUNT(*) FROM users WHERE active = ?) AS users,
                       (SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL) AS keys
                """, [.bool(true), .bool(true), .bool(true)]))
        guard let row = rows.first else { throw StoreError.corruptRow("counts") }
        return OrganisationCounts(
            areas: Int(try row.int("areas")), agencies: Int(try row.int("agencies")),
            users: Int(try row.int("users")), activeKeys: Int(try row.int("keys")))
    }

    static func agencyValues(_ agency: Agency) -> [SQLValue] {
        [
            .text(agency.name), .text(agency.nameEn), .text(agency.kind.rawValue), .text(agency.areaCode.rawValue),
            SQLValue(agency.email.nonBlank), SQLValue(agency.phone.nonBlank), .bool(agency.active),
            .text(TextFolding.searchKey(agency.name + " " + agency.nameEn)), .text(agency.id.rawValue),
        ]
    }

    static func area(_ row: SQLRow) throws -> Area {
        guard let level = Area.Level(rawValue: try row.text("level")) else { throw StoreError.corruptRow("level") }
        return Area(
            code: Area.Code(try row.text("code")), name: try row.text("name"), level: level,
            parentCode: row.optionalText("parent_code").map { Area.Code($0) }, latitude: row.optionalDouble("latitude"),
            longitude: row.optionalDouble("longitude"), areaKm2: row.optionalDouble("area_km2"),
            active: try row.bool("active"))
    }

    static func agency(_ row: SQLRow) throws -> Agency {
        guard let kind = Agency.Kind(rawValue: try row.text("kind")) else { throw StoreError.corruptRow("kind") }
        return Agency(
            id: Agency.ID(try row.text("id")), name: try row.text("name"), nameEn: try row.text("name_en"), kind: kind,
            areaCode: Area.Code(try row.text("area_code")), email: row.optionalText("email"),
            phone: row.optionalText("phone"), active: try row.bool("active"))
    }
}
