import CityIOCDomain
import Foundation

/// NGSI-LD entities, per tenant (`""` is the default tenant). Every change is one transaction
/// with its audit entry: a request that fails half-way writes nothing.
public protocol EntityStore: Sendable {
    /// Stores a new entity; `StoreError.duplicate` when the tenant has one with that id.
    func createEntity(_ entity: ContextEntity, tenant: String, context: ChangeContext) async throws
    func entity(_ id: String, tenant: String) async throws -> ContextEntity?
    /// Entities matching the query, in id order, and how many match in all when asked.
    func entities(_ query: EntityQuery, tenant: String) async throws -> (entities: [ContextEntity], count: Int?)
    /// Reads the entity under lock, lets `change` alter it (or throw, changing nothing) and
    /// stores the result; `StoreError.notFound` when there is none. Returns what `change` returned.
    func modifyEntity<Result: Sendable>(
        _ id: String, tenant: String, action: String, context: ChangeContext,
        _ change: @escaping @Sendable (inout ContextEntity) throws -> Result
    ) async throws -> Result
    /// Removes the entity; false when there was none.
    func deleteEntity(_ id: String, tenant: String, context: ChangeContext) async throws -> Bool
    func tenantExists(_ tenant: String) async throws -> Bool
    /// The batch operations; see `CityStore.writeEntities`.
    func writeEntities(
        _ ids: [String], tenant: String, action: String, context: ChangeContext,
        _ decide: @escaping @Sendable (Int, ContextEntity?) -> EntityDecision
    ) async throws -> [(decision: EntityDecision, existed: Bool)]
    func entityTypes(tenant: String) async throws -> [EntityTypeSummary]
    func attributeSummaries(tenant: String) async throws -> [AttributeSummary]
    /// A temporal representation's instances into the history and its newest ones into the
    /// entity; see `CityStore.writeTemporal`. True when the entity was created.
    func writeTemporal(_ current: ContextEntity, readings: [AttributeReading], tenant: String, create: Bool, context: ChangeContext) async throws -> Bool
    /// The entity and its history; false when there was neither.
    func deleteTemporal(_ id: String, tenant: String, context: ChangeContext) async throws -> Bool
    /// An attribute's history and its instance in the entity: of one datasetId (`""` the
    /// default instance), or all (`nil`). False when there was none.
    func deleteTemporalAttribute(_ id: String, attribute: String, datasetID: String?, tenant: String, context: ChangeContext) async throws -> Bool
    /// The history's instance with `instanceID` replaced (or removed: `replacement` nil). False when there is none.
    func changeTemporalInstance(
        _ id: String, attribute: String, instanceID: String, replacement: AttributeReading?, tenant: String, context: ChangeContext
    ) async throws -> Bool
}

/// What to find: the spec's `id`, `type` and `attrs` filters, and a page.
public struct EntityQuery: Sendable, Equatable {
    public var ids: [String]
    /// Expanded type IRIs; an entity of any of them matches.
    public var types: [String]
    /// Expanded attribute IRIs; an entity with any of them matches.
    public var attributes: [String]
    public var limit: Int
    public var offset: Int
    public var count: Bool
    /// `q`, a geo-query and `idPattern`: tested on the candidates the indexes give (the geo-query's
    /// bounding box is one of them).
    public var filter: EntityFilter?
    public var geo: GeoQuery?
    public var idPattern: String?
    /// A type expression with `;` (and): tested on the candidates of all its types.
    public var typeExpression: TypeExpression?
    /// `scopeQ`.
    public var scopes: ScopeQuery?
    /// `orderBy` (the OrderingParams of later NGSI-LD versions): keys in order of precedence.
    public var order: [EntityOrder] = []

    public init(ids: [String] = [], types: [String] = [], attributes: [String] = [], limit: Int = 20, offset: Int = 0, count: Bool = false) {
        self.ids = ids
        self.types = types
        self.attributes = attributes
        self.limit = limit
        self.offset = offset
        self.count = count
    }
}

/// One key of `orderBy`: an attribute's value (an instance without a datasetId first) or the id,
/// ascending or descending. Numbers sort before text, text before the rest; an entity without the
/// attribute comes last either way; ties go by id.
public struct EntityOrder: Sendable, Equatable {
    /// An expanded attribute name, or `@id`.
    public var path: String
    public var descending: Bool
    /// `dist-asc`/`dist-desc`: the distance of the GeoProperty `path` to this geo-query's geometry.
    public var distanceTo: GeoQuery?

    public init(path: String, descending: Bool, distanceTo: GeoQuery? = nil) {
        self.path = path
        self.descending = descending
        self.distanceTo = distanceTo
    }

    /// The most entities `orderBy` sorts: they are all read and kept to be put in order.
    public static let limit = 10_000

    func key(_ entity: ContextEntity) -> JSON? {
        if path == "@id" { return .string(entity.id) }
        if let distanceTo { return distanceTo.distance(entity, property: path).map(JSON.number) }
        guard let instances = entity.attributes[path], !instances.isEmpty else { return nil }
        let instance = instances.first { $0["datasetId"] == nil } ?? instances[0]
        let kind = instance["type"]?.string.flatMap(ContextEntity.Kind.init(rawValue:))
        let value = instance[kind?.valueMember ?? "value"]
        return value?["@value"] ?? value
    }

    /// Whether `a` goes before `b` by this key; nil when they are equal by it.
    func before(_ a: ContextEntity, _ b: ContextEntity) -> Bool? {
        switch (key(a), key(b)) {
        case (nil, nil): return nil
        case (nil, _): return false
        case (_, nil): return true
        case (let x?, let y?):
            guard let ascending = Self.ascending(x, y) else { return nil }
            return ascending != descending
        }
    }

    /// `x` before `y` in ascending order; nil when equal (or not comparable).
    private static func ascending(_ x: JSON, _ y: JSON) -> Bool? {
        func rank(_ value: JSON) -> Int {
            switch value {
            case .number: 0
            case .string: 1
            case .bool: 2
            default: 3
            }
        }
        switch (x, y) {
        case (.number(let a), .number(let b)): return a == b ? nil : a < b
        case (.string(let a), .string(let b)): return a == b ? nil : a < b
        case (.bool(let a), .bool(let b)): return a == b ? nil : !a
        default: return rank(x) == rank(y) ? nil : rank(x) < rank(y)
        }
    }
}

extension CityStore: EntityStore {
    static let entityColumns = "id, types, body, created_at, modified_at"

    public func createEntity(_ entity: ContextEntity, tenant: String, context: ChangeContext) async throws {
        let body = Self.entityBody(entity)
        let rows = Self.entityInserts([(entity, body)], tenant: tenant)
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: [Self.tenantInsert(tenant, context.now)] + rows,
                    audit: AuditDraft(
                        action: "entity.create", entityType: "context-entity", entityID: Self.auditID(entity.id, tenant), before: nil,
                        after: body),
                    result: ())
            }, context: context)
    }

    public func entity(_ id: String, tenant: String) async throws -> ContextEntity? {
        try await database.query(SQL("SELECT \(Self.entityColumns) FROM context_entities WHERE tenant = ? AND id = ?", [.text(tenant), .text(id)]))
            .first.map(Self.entity)
    }

    public func entities(_ query: EntityQuery, tenant: String) async throws -> (entities: [ContextEntity], count: Int?) {
        var filter = SQL(" FROM context_entities e WHERE e.tenant = ?", [.text(tenant)])
        if !query.ids.isEmpty {
            filter.append(" AND e.id IN (" + query.ids.map { _ in "?" }.joined(separator: ", ") + ")")
            filter.binds += query.ids.map { .text($0) }
        }
        if !query.types.isEmpty {
            filter.append(
                " AND EXISTS (SELECT 1 FROM context_entity_types t WHERE t.tenant = e.tenant AND t.entity_id = e.id AND t.type IN ("
                    + query.types.map { _ in "?" }.joined(separator: ", ") + "))")
            filter.binds += query.types.map { .text($0) }
        }
        if !query.attributes.isEmpty {
            filter.append(
                " AND EXISTS (SELECT 1 FROM context_entity_attributes a WHERE a.tenant = e.tenant AND a.entity_id = e.id AND a.name IN ("
                    + query.attributes.map { _ in "?" }.joined(separator: ", ") + "))")
            filter.binds += query.attributes.map { .text($0) }
        }
        if let geo = query.geo, geo.property == LDContext.coreLocation, let box = geo.candidateBox {
            // The spatial index gives the entities whose box meets the query's; the columns then
            // hold them to it exactly (the R*Tree keeps its boxes rounded outwards).
            let (west, south, east, north) = (SQLValue.double(box.0), SQLValue.double(box.1), SQLValue.double(box.2), SQLValue.double(box.3))
            switch database.engine {
            case .sqlite:
                filter.append(" AND e.rid IN (SELECT rid FROM context_entity_boxes WHERE west <= ? AND east >= ? AND south <= ? AND north >= ?)", east, west, north, south)
            case .postgres:
                filter.append(" AND e.west IS NOT NULL AND box(point(e.west, e.south), point(e.east, e.north)) && box(point(?, ?), point(?, ?))", west, south, east, north)
            }
            filter.append(" AND e.west <= ? AND e.east >= ? AND e.south <= ? AND e.north >= ?", east, west, north, south)
        }
        var prefiltered = false
        if let test = query.filter, let pushed = Self.prefilter(test, engine: database.engine) {
            filter.append(" AND " + pushed.text)
            filter.binds += pushed.binds
            prefiltered = true
        }
        if query.filter != nil || query.geo != nil || query.idPattern != nil || query.typeExpression != nil || query.scopes != nil || !query.order.isEmpty {
            return try await filtered(query, filter, prefiltered: prefiltered)
        }
        var select = SQL("SELECT e.id, e.types, e.body, e.created_at, e.modified_at" + filter.text, filter.binds)
        select.append(" ORDER BY e.id LIMIT \(max(0, query.limit)) OFFSET \(max(0, query.offset))")
        let entities = query.limit == 0 ? [] : try await database.query(select).map(Self.entity)
        var count: Int?
        if query.count {
            count = Int(try await database.query(SQL("SELECT COUNT(*) AS n" + filter.text, filter.binds)).first?.int("n") ?? 0)
        }
        return (entities, count)
    }

    /// Candidates read in pages in id order and tested one by one: the page asked for, and the
    /// count of all matches when asked. Pages start at a little more than what is asked and
    /// grow, so a query for 20 decodes a few dozen entities, not hundreds (and barely more than
    /// 20 when the database already tested `q`, which leaves few candidates that do not match).
    private func filtered(_ query: EntityQuery, _ filter: SQL, prefiltered: Bool) async throws -> (entities: [ContextEntity], count: Int?) {
        let pattern = try query.idPattern.map { try Regex($0) }
        var matched = 0
        var page: [ContextEntity] = []
        var after: String?
        let wanted = query.offset + query.limit
        let ordered = !query.order.isEmpty
        // Put in order, every match is needed before the page can be cut.
        var matches: [ContextEntity] = []
        var size = query.count || ordered ? 500 : prefiltered ? max(10, wanted + wanted / 4 + 2) : max(50, wanted * 2)
        while true {
            var select = SQL("SELECT e.id, e.types, e.body, e.created_at, e.modified_at" + filter.text, filter.binds)
            if let after { select.append(" AND e.id > ?", .text(after)) }
            select.append(" ORDER BY e.id LIMIT \(size)")
            let rows = try await database.query(select)
            for row in rows {
                let entity = try Self.entity(row)
                if let pattern, (try? pattern.firstMatch(in: entity.id)) == nil { continue }
                if let types = query.typeExpression, !types.matches(entity.types) { continue }
                if let scopes = query.scopes, !scopes.matches(scopes: entity.scopes) { continue }
                if let geo = query.geo, !geo.matches(entity) { continue }
                if let test = query.filter, !test.matches(entity) { continue }
                if ordered {
                    guard matches.count < EntityOrder.limit else {
                        throw NGSIError(
                            .tooManyResults, "orderBy sorts at most \(EntityOrder.limit) entities; narrow the query.", detail: "more than \(EntityOrder.limit) match")
                    }
                    matches.append(entity)
                } else if matched >= query.offset && page.count < query.limit {
                    page.append(entity)
                }
                matched += 1
            }
            guard rows.count == size, let last = rows.last else { break }
            if !query.count && !ordered && page.count >= query.limit { break }
            after = try last.text("id")
            size = min(size * 4, 2000)
        }
        if ordered {
            // Candidates come in id order and the sort is stable: ties stay by id.
            let sorted = matches.enumerated().sorted { a, b in
                for key in query.order { if let before = key.before(a.element, b.element) { return before } }
                return a.offset < b.offset
            }
            page = sorted.dropFirst(query.offset).prefix(query.limit).map(\.element)
        }
        return (page, query.count ? matched : nil)
    }

    public func modifyEntity<Result: Sendable>(
        _ id: String, tenant: String, action: String, context: ChangeContext,
        _ change: @escaping @Sendable (inout ContextEntity) throws -> Result
    ) async throws -> Result {
        let read = SQL("SELECT \(Self.entityColumns) FROM context_entities WHERE tenant = ? AND id = ?", [.text(tenant), .text(id)])
        return try await database.perform(
            Mutation(read: read) { rows in
                guard let row = rows.first else { throw StoreError.notFound }
                let stored = try Self.entity(row)
                var entity = stored
                let result = try change(&entity)
                entity.modifiedAt = context.now
                let (before, after) = Self.auditedChange(stored, entity)
                if before == after { return Plan(statements: [], audit: nil, result: result) }
                return Plan(
                    statements: Self.entityWrite(entity, replacing: stored, tenant: tenant),
                    audit: AuditDraft(action: action, entityType: "context-entity", entityID: Self.auditID(id, tenant), before: before, after: after),
                    result: result)
            }, context: context)
    }

    public func deleteEntity(_ id: String, tenant: String, context: ChangeContext) async throws -> Bool {
        let read = SQL("SELECT \(Self.entityColumns) FROM context_entities WHERE tenant = ? AND id = ?", [.text(tenant), .text(id)])
        return try await database.perform(
            Mutation(read: read) { rows in
                guard let row = rows.first else { return Plan(statements: [], audit: nil, result: false) }
                let entity = try Self.entity(row)
                return Plan(
                    statements: Self.entityRemoval(id, tenant: tenant),
                    audit: AuditDraft(
                        action: "entity.delete", entityType: "context-entity", entityID: Self.auditID(id, tenant), before: Self.entityBody(entity),
                        after: nil),
                    result: true)
            }, context: context)
    }

    public func tenantExists(_ tenant: String) async throws -> Bool {
        if tenant.isEmpty { return true }
        return !(try await database.query(SQL("SELECT name FROM context_tenants WHERE name = ?", [.text(tenant)])).isEmpty)
    }

    // MARK: - Rows

    /// `urn:ngsi-ld:Vehicle:A1` in the default tenant, `tenant/urn:…` in another.
    static func auditID(_ id: String, _ tenant: String) -> String { tenant.isEmpty ? id : tenant + "/" + id }

    static func tenantInsert(_ tenant: String, _ now: Date) -> SQL {
        SQL("INSERT INTO context_tenants (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", [.text(tenant), .date(now)])
    }

    /// The stored JSON: the expanded entity but its id, types and times, which have columns.
    static func entityBody(_ entity: ContextEntity) -> String {
        var body: [String: JSON] = ["attributes": .object(entity.attributes.mapValues { .array($0) })]
        if !entity.scopes.isEmpty { body["scope"] = .array(entity.scopes.map { .string($0) }) }
        return JSON.object(body).text
    }

    /// New entities' rows (each with its `entityBody`, encoded once by the caller), then their
    /// type and attribute index rows, many rows to a statement: a batch of a thousand was three
    /// thousand statements, each a round trip on PostgreSQL.
    static func entityInserts(_ entities: [(entity: ContextEntity, body: String)], tenant: String) -> [SQL] {
        let rows: [[SQLValue]] = entities.map { entity, body in
            let box = boundingBox(entity)
            return [
                .text(tenant), .text(entity.id), .text(JSON.array(entity.types.map { .string($0) }).text), .text(body),
                .date(entity.createdAt), .date(entity.modifiedAt), SQLValue(box?.west), SQLValue(box?.south), SQLValue(box?.east), SQLValue(box?.north),
            ]
        }
        return multiRow("INSERT INTO context_entities (tenant, id, types, body, created_at, modified_at, west, south, east, north) VALUES ", rows)
            + typeRows(entities.map(\.entity), tenant: tenant) + attributeRows(entities.map(\.entity), tenant: tenant)
            + historyRows(entities.map { ($0.entity, nil) }, tenant: tenant)
    }

    static func typeRows(_ entities: [ContextEntity], tenant: String) -> [SQL] {
        multiRow(
            "INSERT INTO context_entity_types (tenant, type, entity_id) VALUES ",
            entities.flatMap { entity in entity.types.map { [.text(tenant), .text($0), .text(entity.id)] } })
    }

    static func attributeRows(_ entities: [ContextEntity], tenant: String) -> [SQL] {
        multiRow(
            "INSERT INTO context_entity_attributes (tenant, name, entity_id, kinds) VALUES ",
            entities.flatMap { entity in
                attributeKinds(entity).sorted { $0.key < $1.key }.map { [.text(tenant), .text($0.key), .text(entity.id), .text($0.value)] }
            })
    }

    /// `insert` with rows of values, in statements of 256, 128, … 1 rows: few enough binds for
    /// either engine, and few distinct texts for the engines' statement caches. `suffix` follows
    /// the rows (an `ON CONFLICT` clause).
    static func multiRow(_ insert: String, _ rows: [[SQLValue]], then suffix: String = "") -> [SQL] {
        var statements: [SQL] = []
        var rest = rows[...]
        var size = 256
        while !rest.isEmpty {
            while size > rest.count { size /= 2 }
            let part = rest.prefix(size)
            rest = rest.dropFirst(size)
            let placeholders = "(" + Array(repeating: "?", count: part[part.startIndex].count).joined(separator: ", ") + ")"
            var statement = SQL(insert + Array(repeating: placeholders, count: size).joined(separator: ", ") + suffix)
            statement.binds = part.flatMap { $0 }
            statements.append(statement)
        }
        return statements
    }

    /// What an entity's change writes. A stored entity is updated in place (its row keeps its
    /// place in the table and the id index), and its type and attribute index rows are written
    /// again only when its types or attribute names and kinds changed: an update of values, the
    /// common case, writes one row.
    static func entityWrite(_ entity: ContextEntity, replacing stored: ContextEntity?, tenant: String) -> [SQL] {
        let body = entityBody(entity)
        guard let stored else { return entityInserts([(entity, body)], tenant: tenant) }
        var update = SQL("UPDATE context_entities SET body = ?, modified_at = ?, created_at = ?", [.text(body), .date(entity.modifiedAt), .date(entity.createdAt)])
        if entity.types != stored.types { update.append(", types = ?", .text(JSON.array(entity.types.map { .string($0) }).text)) }
        let box = boundingBox(entity)
        let oldBox = boundingBox(stored)
        if box.map({ [$0.west, $0.south, $0.east, $0.north] }) != oldBox.map({ [$0.west, $0.south, $0.east, $0.north] }) {
            update.append(
                ", west = ?, south = ?, east = ?, north = ?", SQLValue(box?.west), SQLValue(box?.south), SQLValue(box?.east), SQLValue(box?.north))
        }
        update.append(" WHERE tenant = ? AND id = ?", .text(tenant), .text(entity.id))
        var statements = [update] + historyRows([(entity, stored)], tenant: tenant)
        if entity.types != stored.types {
            statements.append(SQL("DELETE FROM context_entity_types WHERE tenant = ? AND entity_id = ?", [.text(tenant), .text(entity.id)]))
            statements += typeRows([entity], tenant: tenant)
        }
        if attributeKinds(entity) != attributeKinds(stored) {
            statements.append(SQL("DELETE FROM context_entity_attributes WHERE tenant = ? AND entity_id = ?", [.text(tenant), .text(entity.id)]))
            statements += attributeRows([entity], tenant: tenant)
        }
        return statements
    }

    /// The audit images of a change: the members that differ, before and after (an attribute
    /// absent on one side is null there), not the whole entity each time. Equal when unchanged.
    static func auditedChange(_ before: ContextEntity, _ after: ContextEntity) -> (before: String, after: String) {
        var old: [String: JSON] = [:]
        var new: [String: JSON] = [:]
        if before.types != after.types {
            old["types"] = .array(before.types.map { .string($0) })
            new["types"] = .array(after.types.map { .string($0) })
        }
        if before.scopes != after.scopes {
            old["scope"] = .array(before.scopes.map { .string($0) })
            new["scope"] = .array(after.scopes.map { .string($0) })
        }
        var oldAttributes: [String: JSON] = [:]
        var newAttributes: [String: JSON] = [:]
        for name in Set(before.attributes.keys).union(after.attributes.keys) where before.attributes[name] != after.attributes[name] {
            oldAttributes[name] = before.attributes[name].map { .array($0) } ?? .null
            newAttributes[name] = after.attributes[name].map { .array($0) } ?? .null
        }
        if !newAttributes.isEmpty {
            old["attributes"] = .object(oldAttributes)
            new["attributes"] = .object(newAttributes)
        }
        return (JSON.object(old).text, JSON.object(new).text)
    }

    static func boundingBox(_ entity: ContextEntity) -> (west: Double, south: Double, east: Double, north: Double)? {
        entity.attributes[LDContext.coreLocation]?.compactMap { $0["value"].flatMap(GeoJSON.boundingBox) }.first
    }

    /// Attribute name → its kinds, as the attribute index rows hold them.
    static func attributeKinds(_ entity: ContextEntity) -> [String: String] {
        entity.attributes.mapValues { Set($0.compactMap { $0["type"]?.string }).sorted().joined(separator: " ") }
    }

    static func entityRemoval(_ id: String, tenant: String) -> [SQL] {
        ["context_entity_types", "context_entity_attributes"].map {
            SQL("DELETE FROM \($0) WHERE tenant = ? AND entity_id = ?", [.text(tenant), .text(id)])
        } + [SQL("DELETE FROM context_entities WHERE tenant = ? AND id = ?", [.text(tenant), .text(id)])]
    }

    /// Entities' stored bodies as read, by id, while the stored text is the same (dashboards and
    /// walls ask for the same stations over and over, and reading the JSON was most of a query).
    static let bodyCache = DecodedCache<StoredBody>(capacity: 20_000)

    struct StoredBody: Sendable {
        var scopes: [String]
        var attributes: [String: [JSON]]
    }

    static func entity(_ row: SQLRow) throws -> ContextEntity {
        let id = try row.text("id")
        let body = try bodyCache.value(id: id, text: row.text("body")) { text in
            guard let body = JSON.parse(Array(text.utf8)), let attributes = body["attributes"]?.object else { throw StoreError.corruptRow("body") }
            return StoredBody(scopes: body["scope"]?.array?.compactMap(\.string) ?? [], attributes: attributes.mapValues { $0.array ?? [$0] })
        }
        guard let types = JSON.parse(Array(try row.text("types").utf8))?.array?.compactMap(\.string) else { throw StoreError.corruptRow("types") }
        return ContextEntity(
            id: id, types: types, scopes: body.scopes, attributes: body.attributes, createdAt: try row.date("created_at"),
            modifiedAt: try row.date("modified_at"))
    }
}
