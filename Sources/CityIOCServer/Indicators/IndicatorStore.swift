import CityIOCDomain
import Foundation

/// Which values to read: any of the filters may be left out.
public struct IndicatorValueQuery: Sendable {
    public var indicators: [Indicator.Code]?
    public var areas: [Area.Code]?
    /// Periods from and to, inclusive, compared as their text (within one frequency that is time).
    public var from: Period?
    public var to: Period?

    public init(indicators: [Indicator.Code]? = nil, areas: [Area.Code]? = nil, from: Period? = nil, to: Period? = nil) {
        self.indicators = indicators
        self.areas = areas
        self.from = from
        self.to = to
    }
}

/// What writing a set of values did.
public struct IndicatorWriteSummary: Sendable, Equatable, Codable {
    /// Values that had none before.
    public var created: Int
    /// Values that replaced another (the old one is kept in the history).
    public var corrected: Int
    /// Values equal to what was stored: nothing written.
    public var unchanged: Int
}

/// The indicator catalogue, values per area and period, their corrections, and targets.
public protocol IndicatorStore: Sendable {
    func indicators(includeInactive: Bool) async throws -> [Indicator]
    func indicator(_ code: Indicator.Code) async throws -> Indicator?
    /// Creates or replaces a catalogue entry; audited as `indicator.create` / `indicator.update`.
    func saveIndicator(_ indicator: Indicator, context: ChangeContext) async throws
    func values(_ query: IndicatorValueQuery) async throws -> [IndicatorValue]
    /// Writes values in one transaction (all or nothing), each set by the context's principal at
    /// its time; a value that replaces another keeps the old one in the history. One audit entry
    /// for the whole set.
    func setValues(_ values: [IndicatorValueDraft], context: ChangeContext) async throws -> IndicatorWriteSummary
    /// The values a correction replaced, newest first.
    func history(_ indicator: Indicator.Code, area: Area.Code, period: Period) async throws -> [IndicatorValue]
    func targets(_ query: IndicatorValueQuery) async throws -> [IndicatorTarget]
    func setTargets(_ targets: [IndicatorTarget], context: ChangeContext) async throws
}

extension CityStore: IndicatorStore {
    static let indicatorColumns = "code, name, name_en, sector, unit, frequency, direction, agency_id, method, source, decimals, active, formula"
    static let valueColumns = "indicator, area_code, period, value, set_by, set_at, note"

    public func indicators(includeInactive: Bool) async throws -> [Indicator] {
        let all = try await cache.value(\.indicators, database: database) {
            try await database.query(SQL("SELECT \(Self.indicatorColumns) FROM indicators ORDER BY sector, code")).map(Self.indicator)
        }
        return includeInactive ? all : all.filter(\.active)
    }

    public func indicator(_ code: Indicator.Code) async throws -> Indicator? {
        try await indicators(includeInactive: true).first { $0.code == code }
    }

    public func saveIndicator(_ indicator: Indicator, context: ChangeContext) async throws {
        let values: [SQLValue] = [
            .text(indicator.name), .text(indicator.nameEn), .text(indicator.sector.rawValue), .text(indicator.unit),
            .text(indicator.frequency.rawValue), .text(indicator.direction.rawValue), SQLValue(indicator.agency?.rawValue),
            .text(indicator.method.rawValue), .text(indicator.source), .int(Int64(indicator.decimals)), .bool(indicator.active),
            .text(TextFolding.searchKey([indicator.code.rawValue, indicator.name, indicator.nameEn, indicator.source].joined(separator: " "))),
            SQLValue(indicator.formula?.description), .text(indicator.code.rawValue),
        ]
        try await save(
            indicator, read: SQL("SELECT \(Self.indicatorColumns) FROM indicators WHERE code = ?", [.text(indicator.code.rawValue)]),
            decode: Self.indicator,
            insert: SQL(
                """
                INSERT INTO indicators (name, name_en, sector, unit, frequency, direction, agency_id, method, source, decimals, active,
                    search_key, formula, code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, values),
            update: SQL(
                """
                UPDATE indicators SET name = ?, name_en = ?, sector = ?, unit = ?, frequency = ?, direction = ?, agency_id = ?,
                    method = ?, source = ?, decimals = ?, active = ?, search_key = ?, formula = ? WHERE code = ?
                """, values),
            action: "indicator", entityType: "indicator", entityID: indicator.code.rawValue, context: context)
    }

    public func values(_ query: IndicatorValueQuery) async throws -> [IndicatorValue] {
        var sql = Self.filtered("SELECT \(Self.valueColumns) FROM indicator_values WHERE 1 = 1", query)
        sql.append(" ORDER BY indicator, area_code, period")
        return try await database.query(sql).map(Self.value)
    }

    public func setValues(_ drafts: [IndicatorValueDraft], context: ChangeContext) async throws -> IndicatorWriteSummary {
        guard !drafts.isEmpty else { return IndicatorWriteSummary(created: 0, corrected: 0, unchanged: 0) }
        // The last of a key named twice wins, as a spreadsheet's last row would.
        var latest: [String: IndicatorValueDraft] = [:]
        var order: [String] = []
        for draft in drafts {
            let key = Self.key(draft.indicator, draft.area, draft.period)
            if latest.updateValue(draft, forKey: key) == nil { order.append(key) }
        }
        let wanted = order.map { latest[$0]! }
        // A superset of the stored values these keys may replace: their indicators × periods.
        let codes = Array(Set(wanted.map(\.indicator.rawValue))).sorted()
        let periods = Array(Set(wanted.map(\.period.description))).sorted()
        let read = SQL(
            "SELECT \(Self.valueColumns) FROM indicator_values WHERE indicator IN (\(Self.marks(codes.count))) AND period IN (\(Self.marks(periods.count)))",
            codes.map(SQLValue.text) + periods.map(SQLValue.text))
        let who = context.principal.name
        return try await database.perform(
            Mutation(read: read) { rows in
                var stored: [String: IndicatorValue] = [:]
                for row in rows {
                    let value = try Self.value(row)
                    stored[Self.key(value.indicator, value.area, value.period)] = value
                }
                var writes: [[SQLValue]] = []
                var replaced: [[SQLValue]] = []
                var summary = IndicatorWriteSummary(created: 0, corrected: 0, unchanged: 0)
                var changed: [String] = []
                for draft in wanted {
                    let key = Self.key(draft.indicator, draft.area, draft.period)
                    if let old = stored[key] {
                        if old.value == draft.value && old.note == draft.note {
                            summary.unchanged += 1
                            continue
                        }
                        summary.corrected += 1
                        replaced.append([
                            .text(old.indicator.rawValue), .text(old.area.rawValue), .text(old.period.description), .double(old.value),
                            .text(old.setBy), .date(old.setAt), SQLValue(old.note), .text(who), .date(context.now),
                        ])
                    } else {
                        summary.created += 1
                    }
                    changed.append("\(key)=\(draft.value)")
                    writes.append([
                        .text(draft.indicator.rawValue), .text(draft.area.rawValue), .text(draft.period.description), .double(draft.value),
                        .text(who), .date(context.now), SQLValue(draft.note),
                    ])
                }
                guard !writes.isEmpty else { return Plan(statements: [], audit: nil, result: summary) }
                let statements =
                    Self.multiRow(
                        "INSERT INTO indicator_value_history (indicator, area_code, period, value, set_by, set_at, note, replaced_by, replaced_at) VALUES ",
                        replaced)
                    + Self.multiRow(
                        "INSERT INTO indicator_values (\(Self.valueColumns)) VALUES ", writes,
                        then: """
                             ON CONFLICT (indicator, area_code, period) DO UPDATE SET value = excluded.value, set_by = excluded.set_by,
                            set_at = excluded.set_at, note = excluded.note
                            """)
                // The audit names every value written (indicator|area|period=value), up to 200.
                let listed = changed.prefix(200).joined(separator: "\n") + (changed.count > 200 ? "\n… \(changed.count - 200)" : "")
                return Plan(
                    statements: statements,
                    audit: AuditDraft(
                        action: "indicator_value.set", entityType: "indicator_value", entityID: codes.joined(separator: ","),
                        before: nil,
                        after: Self.snapshot(["created": "\(summary.created)", "corrected": "\(summary.corrected)", "values": listed])),
                    result: summary)
            }, context: context)
    }

    public func history(_ indicator: Indicator.Code, area: Area.Code, period: Period) async throws -> [IndicatorValue] {
        try await database.query(
            SQL(
                "SELECT \(Self.valueColumns) FROM indicator_value_history WHERE indicator = ? AND area_code = ? AND period = ? ORDER BY id DESC",
                [.text(indicator.rawValue), .text(area.rawValue), .text(period.description)])
        ).map(Self.value)
    }

    public func targets(_ query: IndicatorValueQuery) async throws -> [IndicatorTarget] {
        var sql = Self.filtered("SELECT indicator, area_code, period, target FROM indicator_targets WHERE 1 = 1", query)
        sql.append(" ORDER BY indicator, area_code, period")
        return try await database.query(sql).map { row in
            guard let period = Period(try row.text("period")) else { throw StoreError.corruptRow("period") }
            return IndicatorTarget(
                indicator: Indicator.Code(try row.text("indicator")), area: Area.Code(try row.text("area_code")), period: period,
                target: try row.double("target"))
        }
    }

    public func setTargets(_ targets: [IndicatorTarget], context: ChangeContext) async throws {
        guard !targets.isEmpty else { return }
        let rows: [[SQLValue]] = targets.map {
            [.text($0.indicator.rawValue), .text($0.area.rawValue), .text($0.period.description), .double($0.target), .text(context.principal.name), .date(context.now)]
        }
        let codes = Array(Set(targets.map(\.indicator.rawValue))).sorted()
        let listed = targets.prefix(200).map { "\(Self.key($0.indicator, $0.area, $0.period))=\($0.target)" }.joined(separator: "\n")
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: Self.multiRow(
                        "INSERT INTO indicator_targets (indicator, area_code, period, target, set_by, set_at) VALUES ", rows,
                        then: " ON CONFLICT (indicator, area_code, period) DO UPDATE SET target = excluded.target, set_by = excluded.set_by, set_at = excluded.set_at"),
                    audit: AuditDraft(
                        action: "indicator_target.set", entityType: "indicator_target", entityID: codes.joined(separator: ","), before: nil,
                        after: Self.snapshot(["count": "\(targets.count)", "targets": listed])),
                    result: ())
            }, context: context)
    }

    static func filtered(_ select: String, _ query: IndicatorValueQuery) -> SQL {
        var sql = SQL(select)
        if let codes = query.indicators {
            sql.append(" AND indicator IN (\(marks(max(1, codes.count))))")
            sql.binds += codes.isEmpty ? [.text("")] : codes.map { .text($0.rawValue) }
        }
        if let areas = query.areas {
            sql.append(" AND area_code IN (\(marks(max(1, areas.count))))")
            sql.binds += areas.isEmpty ? [.text("")] : areas.map { .text($0.rawValue) }
        }
        if let from = query.from { sql.append(" AND period >= ?", .text(from.description)) }
        if let to = query.to { sql.append(" AND period <= ?", .text(to.description)) }
        return sql
    }

    static func marks(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ", ") }

    static func key(_ indicator: Indicator.Code, _ area: Area.Code, _ period: Period) -> String {
        "\(indicator.rawValue)|\(area.rawValue)|\(period.description)"
    }

    static func value(_ row: SQLRow) throws -> IndicatorValue {
        guard let period = Period(try row.text("period")) else { throw StoreError.corruptRow("period") }
        return IndicatorValue(
            indicator: Indicator.Code(try row.text("indicator")), area: Area.Code(try row.text("area_code")), period: period,
            value: try row.double("value"), setBy: try row.text("set_by"), setAt: try row.date("set_at"), note: row.optionalText("note"))
    }

    static func indicator(_ row: SQLRow) throws -> Indicator {
        func parsed<T: RawRepresentable>(_ column: String, as type: T.Type) throws -> T where T.RawValue == String {
            guard let value = T(rawValue: try row.text(column)) else { throw StoreError.corruptRow(column) }
            return value
        }
        return Indicator(
            code: Indicator.Code(try row.text("code")), name: try row.text("name"), nameEn: try row.text("name_en"),
            sector: try parsed("sector", as: Indicator.Sector.self), unit: try row.text("unit"),
            frequency: try parsed("frequency", as: Period.Frequency.self), direction: try parsed("direction", as: Indicator.Direction.self),
            agency: row.optionalText("agency_id").map { Agency.ID($0) }, method: try parsed("method", as: Indicator.Method.self),
            source: try row.text("source"), decimals: Int(try row.int("decimals")), active: try row.bool("active"),
            formula: try row.optionalText("formula").map { text in
                guard let formula = IndicatorFormula(text) else { throw StoreError.corruptRow("formula") }
                return formula
            })
    }
}
