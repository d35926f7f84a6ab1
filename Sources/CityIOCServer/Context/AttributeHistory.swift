import CityIOCDomain
import Foundation

/// One value an attribute instance had: what the temporal API serves and what VN_AQI is
/// computed from.
public struct AttributeReading: Sendable, Equatable {
    public var entityID: String
    /// The attribute's expanded name.
    public var attribute: String
    /// Empty for the default instance.
    public var datasetID: String
    public var observedAt: Date
    /// A numeric Property's value.
    public var number: Double?
    /// The whole normalized instance (value, unitCode, sub-properties).
    public var instance: JSON

    public init(entityID: String, attribute: String, datasetID: String = "", observedAt: Date, number: Double?, instance: JSON) {
        self.entityID = entityID
        self.attribute = attribute
        self.datasetID = datasetID
        self.observedAt = observedAt
        self.number = number
        self.instance = instance
    }
}

/// A numeric reading: a station's PM2.5 at an instant, in its unit (a UN/CEFACT code).
public struct NumericReading: Sendable, Equatable {
    public var entityID: String
    public var attribute: String
    public var observedAt: Date
    public var number: Double
    public var unitCode: String?
}

/// The attribute-history store: every entity write through the NGSI-LD API (create, update,
/// batch) records here, in the same transaction, each attribute instance whose content changed,
/// keyed by entity, attribute, datasetId and observedAt (the write's time when the instance has
/// no observedAt). A reading sent twice for the same time replaces the first.
public protocol AttributeHistoryStore: Sendable {
    /// The readings of these attributes of these entities with `from <= observedAt < to`, in time order.
    func readings(tenant: String, entities: [String], attributes: [String], from: Date, to: Date) async throws -> [AttributeReading]
    /// The numeric values only, with their units: what is computed from readings, without
    /// reading each instance whole.
    func numbers(tenant: String, entities: [String], attributes: [String], from: Date, to: Date) async throws -> [NumericReading]
    /// What the temporal API serves: the readings of these entities (of these attributes; nil:
    /// all) with `from <= observedAt < to` (either open), with `lastN` the newest N of each
    /// attribute instance's series, at most `limit`, in time order.
    func temporalReadings(
        tenant: String, entities: [String], attributes: [String]?, from: Date?, to: Date?, lastN: Int?, limit: Int
    ) async throws -> [AttributeReading]
    /// The entities with readings recorded after `since`, each with the earliest observedAt among them.
    func entitiesWithReadings(tenant: String, recordedAfter since: Date) async throws -> [(entityID: String, earliest: Date)]
    /// Readings from elsewhere (a gateway's backlog, the demo's past), written in bulk with one audit entry.
    func recordReadings(_ readings: [AttributeReading], tenant: String, context: ChangeContext) async throws
}

extension CityStore: AttributeHistoryStore {
    static let historyInsert =
        "INSERT INTO context_attribute_history (tenant, entity_id, attribute, dataset_id, observed_at, value_number, unit_code, instance, recorded_at) VALUES "
    static let historyUpsert =
        " ON CONFLICT (tenant, entity_id, attribute, observed_at, dataset_id) DO UPDATE SET value_number = excluded.value_number, unit_code = excluded.unit_code, instance = excluded.instance, recorded_at = excluded.recorded_at"

    public func readings(tenant: String, entities: [String], attributes: [String], from: Date, to: Date) async throws -> [AttributeReading] {
        guard !entities.isEmpty, !attributes.isEmpty else { return [] }
        let sql = Self.historySelect(Self.readingColumns, tenant, entities, attributes, from, to)
        return try await database.query(sql).map(Self.reading)
    }

    static let readingColumns = "entity_id, attribute, dataset_id, observed_at, value_number, instance"

    /// A row of `readingColumns` as the reading it holds.
    static func reading(_ row: SQLRow) throws -> AttributeReading {
        guard let instance = JSON.parse(Array(try row.text("instance").utf8)) else { throw StoreError.corruptRow("instance") }
        return AttributeReading(
            entityID: try row.text("entity_id"), attribute: try row.text("attribute"), datasetID: try row.text("dataset_id"),
            observedAt: try row.date("observed_at"), number: row.optionalDouble("value_number"), instance: instance)
    }

    public func temporalReadings(
        tenant: String, entities: [String], attributes: [String]?, from: Date?, to: Date?, lastN: Int?, limit: Int
    ) async throws -> [AttributeReading] {
        guard !entities.isEmpty, attributes?.isEmpty != true else { return [] }
        let columns = Self.readingColumns
        var sql = Self.historyWhere(columns, tenant, entities, attributes, from, to)
        if let lastN {
            // The newest N of each attribute instance's series, then all of them in time order.
            sql.text =
                "SELECT \(columns) FROM (SELECT \(columns), ROW_NUMBER() OVER (PARTITION BY entity_id, attribute, dataset_id ORDER BY observed_at DESC) AS newest FROM ("
                + sql.text + ") AS window_rows) AS ranked WHERE newest <= ?"
            sql.binds.append(.int(Int64(lastN)))
        }
        sql.text += " ORDER BY observed_at, entity_id, attribute, dataset_id LIMIT ?"
        sql.binds.append(.int(Int64(limit)))
        return try await database.query(sql).map(Self.reading)
    }

    public func numbers(tenant: String, entities: [String], attributes: [String], from: Date, to: Date) async throws -> [NumericReading] {
        guard !entities.isEmpty, !attributes.isEmpty else { return [] }
        let sql = Self.historySelect("entity_id, attribute, observed_at, value_number, unit_code", tenant, entities, attributes, from, to, numeric: true)
        return try await database.query(sql).map { row in
            NumericReading(
                entityID: try row.text("entity_id"), attribute: try row.text("attribute"), observedAt: try row.date("observed_at"),
                number: try row.double("value_number"), unitCode: row.optionalText("unit_code"))
        }
    }

    static func historySelect(
        _ columns: String, _ tenant: String, _ entities: [String], _ attributes: [String], _ from: Date, _ to: Date, numeric: Bool = false
    ) -> SQL {
        var sql = historyWhere(columns, tenant, entities, attributes, from, to)
        sql.text += (numeric ? " AND value_number IS NOT NULL" : "") + " ORDER BY observed_at"
        return sql
    }

    /// `SELECT columns` of the history rows of these entities, of these attributes (nil: all),
    /// with `from <= observed_at < to` (either bound open).
    static func historyWhere(_ columns: String, _ tenant: String, _ entities: [String], _ attributes: [String]?, _ from: Date?, _ to: Date?) -> SQL {
        var sql = SQL("SELECT \(columns) FROM context_attribute_history WHERE tenant = ? AND entity_id IN (", [.text(tenant)])
        sql.text += entities.map { _ in "?" }.joined(separator: ", ") + ")"
        sql.binds += entities.map { .text($0) }
        if let attributes {
            sql.text += " AND attribute IN (" + attributes.map { _ in "?" }.joined(separator: ", ") + ")"
            sql.binds += attributes.map { .text($0) }
        }
        if let from {
            sql.text += " AND observed_at >= ?"
            sql.binds.append(.date(from))
        }
        if let to {
            sql.text += " AND observed_at < ?"
            sql.binds.append(.date(to))
        }
        return sql
    }

    public func entitiesWithReadings(tenant: String, recordedAfter since: Date) async throws -> [(entityID: String, earliest: Date)] {
        try await database.query(
            SQL(
                "SELECT entity_id, MIN(observed_at) AS earliest FROM context_attribute_history WHERE tenant = ? AND recorded_at > ? GROUP BY entity_id",
                [.text(tenant), .date(since)])
        ).map { (try $0.text("entity_id"), try $0.date("earliest")) }
    }

    public func recordReadings(_ readings: [AttributeReading], tenant: String, context: ChangeContext) async throws {
        guard !readings.isEmpty else { return }
        let rows = readings.map { Self.historyRow($0, tenant: tenant, recordedAt: context.now) }
        let entities = Set(readings.map(\.entityID))
        let statements = Self.multiRow(Self.historyInsert, rows, then: Self.historyUpsert)
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: statements,
                    audit: AuditDraft(
                        action: "entity.history.record", entityType: "context-entity", entityID: entities.count == 1 ? entities.first! : "*", before: nil,
                        after: Self.snapshot(["readings": "\(readings.count)", "entities": "\(entities.count)"])),
                    result: ())
            }, context: context)
    }

    static func historyRow(_ reading: AttributeReading, tenant: String, recordedAt: Date) -> [SQLValue] {
        [
            .text(tenant), .text(reading.entityID), .text(reading.attribute), .text(reading.datasetID), .date(reading.observedAt),
            SQLValue(reading.number), SQLValue(reading.instance["unitCode"]?.string), .text(reading.instance.text), .date(recordedAt),
        ]
    }

    /// The readings an entity's write adds: each instance new or changed since `stored` (its
    /// system stamps aside: an instance written again with the same content is no new reading).
    static func changedReadings(_ entity: ContextEntity, replacing stored: ContextEntity?) -> [AttributeReading] {
        func content(_ instance: JSON) -> JSON {
            guard case .object(var members) = instance else { return instance }
            members["createdAt"] = nil
            members["modifiedAt"] = nil
            return .object(members)
        }
        var readings: [AttributeReading] = []
        for (attribute, instances) in entity.attributes {
            let before = (stored?.attributes[attribute] ?? []).map(content)
            for instance in instances where !before.contains(content(instance)) {
                let observed = instance["observedAt"]?.string.flatMap(Self.instant) ?? entity.modifiedAt
                let number = instance["type"]?.string == "Property" ? instance["value"]?.number : nil
                readings.append(
                    AttributeReading(
                        entityID: entity.id, attribute: attribute, datasetID: instance["datasetId"]?.string ?? "", observedAt: observed, number: number,
                        instance: instance))
            }
        }
        return readings
    }

    /// What a batch of entity writes adds to the history, as statements of the same transaction.
    static func historyRows(_ changes: [(entity: ContextEntity, stored: ContextEntity?)], tenant: String) -> [SQL] {
        let rows = changes.flatMap { change in
            changedReadings(change.entity, replacing: change.stored).map { historyRow($0, tenant: tenant, recordedAt: change.entity.modifiedAt) }
        }
        return rows.isEmpty ? [] : multiRow(historyInsert, rows, then: historyUpsert)
    }

    /// An ISO 8601 instant, with or without fractional seconds.
    static func instant(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) ?? (try? Date(text, strategy: .iso8601))
    }
}
