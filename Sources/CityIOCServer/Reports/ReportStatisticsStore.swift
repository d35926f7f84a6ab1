import CityIOCDomain
import Foundation

/// Which statistics to read: the months the reports were received in, and whose reports.
public struct StatisticsQuery: Sendable, Equatable {
    public var from: YearMonth
    public var to: YearMonth
    public var scope: RecordScope
    /// "Overdue now" is measured against this moment.
    public var now: Date

    public init(from: YearMonth, to: YearMonth, scope: RecordScope, now: Date = Date()) {
        self.from = min(from, to)
        self.to = max(from, to)
        self.scope = scope
        self.now = now
    }
}

/// Statistics of citizen reports, read from counters that every report write keeps up to date
/// (`ReportFacts`), so a year of a million reports is read from a few thousand rows.
public protocol ReportStatisticsStore: Sendable {
    func reportStatistics(_ query: StatisticsQuery, calendar: WorkingCalendar) async throws -> ReportStatistics
    /// Folds the counter changes written since the last call into the counters. Safe to run
    /// from several processes at once; readers see the same figures before and after.
    func compactReportStatistics() async throws
    /// Throws the counters away and counts every stored report again; returns how many.
    @discardableResult
    func rebuildReportStatistics(calendar: WorkingCalendar) async throws -> Int
}

extension CityStore: ReportStatisticsStore {
    /// The statements that add a report's change to the counters: appended rows, never an
    /// update of a shared row, so concurrent writers do not wait for each other.
    static func statisticsDelta(_ delta: [ReportFacts.Key: Int]) -> [SQL] {
        let entries = delta.sorted { ($0.key.dimension.rawValue, $0.key.period, $0.key.key) < ($1.key.dimension.rawValue, $1.key.period, $1.key.key) }
        var statements: [SQL] = []
        var start = entries.startIndex
        while start < entries.endIndex {
            let chunk = entries[start..<min(start + 200, entries.endIndex)]
            var sql = SQL("INSERT INTO report_stats_delta (dimension, period, key, measure, bucket, n) VALUES ")
            sql.text += chunk.map { _ in "(?, ?, ?, ?, ?, ?)" }.joined(separator: ", ")
            for (key, count) in chunk {
                sql.binds += [
                    .text(key.dimension.rawValue), .text(key.period), .text(key.key), .text(key.measure.rawValue), .int(Int64(key.bucket)),
                    .int(Int64(count)),
                ]
            }
            statements.append(sql)
            start = chunk.endIndex
        }
        return statements
    }

    /// The folded counters, then the pending changes, each summed by `columns` and restricted by
    /// `filter` (on the columns of both). Read apart so that the first is summed in the order of
    /// its index (no sort); the caller adds the two up.
    private func counters(_ columns: String, where filter: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        var rows: [SQLRow] = []
        for table in ["report_stats", "report_stats_delta"] {
            rows += try await database.query(
                SQL(
                    "SELECT \(columns), CAST(SUM(n) AS BIGINT) AS n FROM \(table) WHERE \(filter) GROUP BY \(columns) HAVING SUM(n) <> 0",
                    binds))
        }
        return rows
    }

    public func reportStatistics(_ query: StatisticsQuery, calendar: WorkingCalendar) async throws -> ReportStatistics {
        var statistics = ReportStatistics(from: query.from, to: query.to)
        let months: [SQLValue] = [.text(query.from.description), .text(query.to.description)]
        // Whose counters: every dimension for the whole city; the agency's own row otherwise.
        let keyed: String
        var keyBinds: [SQLValue] = []
        let countedIn: ReportFacts.Dimension
        switch query.scope {
        case .none: return statistics
        case .all:
            keyed = "dimension IN ('all', 'service', 'ward', 'agency', 'channel')"
            countedIn = .channel
        case .agency(let agency):
            keyed = "dimension = 'agency' AND key = ?"
            keyBinds = [.text(agency.rawValue)]
            countedIn = .agency
        }
        let totals = try await counters("dimension, key, measure, bucket", where: "\(keyed) AND period >= ? AND period <= ?", keyBinds + months)
        for row in totals {
            guard let dimension = ReportFacts.Dimension(rawValue: try row.text("dimension")),
                let measure = ReportFacts.Measure(rawValue: try row.text("measure"))
            else { continue }
            let key = try row.text("key")
            let bucket = Int(try row.int("bucket"))
            let count = Int(try row.int("n"))
            if dimension != .all { statistics.breakdown[dimension, default: [:]][key, default: ReportTally()].add(measure, bucket: bucket, count: count) }
            // Every report is counted once per dimension: the whole is one dimension's sum, and
            // the duration buckets that only the whole city keeps.
            if dimension == .all || dimension == countedIn { statistics.overall.add(measure, bucket: bucket, count: count) }
        }
        let perMonth = try await counters(
            "period, measure", where: "dimension = '\(countedIn.rawValue)'\(keyBinds.isEmpty ? "" : " AND key = ?") AND period >= ? AND period <= ?",
            keyBinds + months)
        for row in perMonth {
            guard let month = YearMonth(try row.text("period")), let measure = ReportFacts.Measure(rawValue: try row.text("measure")),
                case .status = measure
            else { continue }
            statistics.months[month, default: ReportTally()].add(measure, bucket: 0, count: Int(try row.int("n")))
        }
        if case .all = query.scope {
            let perDay = try await counters(
                "period, measure", where: "dimension = 'day' AND period >= ? AND period <= ?",
                [.text(query.from.firstDay.description), .text(query.to.lastDay.description)])
            for row in perDay {
                guard let day = CivilDay(try row.text("period")), let measure = ReportFacts.Measure(rawValue: try row.text("measure")) else {
                    continue
                }
                statistics.days[day, default: ReportTally()].add(measure, bucket: 0, count: Int(try row.int("n")))
            }
        }
        try await countOverdue(into: &statistics, query, calendar: calendar)
        return statistics
    }

    /// Reports of the period whose running deadline has passed: read through the deadline
    /// index (only overdue reports are touched, however long the period), then kept to the
    /// period here.
    private func countOverdue(into statistics: inout ReportStatistics, _ query: StatisticsQuery, calendar: WorkingCalendar) async throws {
        let start = calendar.start(of: query.from.firstDay) ?? .distantPast
        let end = calendar.start(of: query.to.adding(months: 1).firstDay) ?? .distantFuture
        var sql = SQL(
            "SELECT service_code, ward_code, agency_id, channel, requested_at FROM reports WHERE expected_at < ?", [.date(query.now)])
        if case .agency(let agency) = query.scope { sql.append(" AND agency_id = ?", .text(agency.rawValue)) }
        for row in try await database.query(sql) {
            guard let requested = row.optionalDate("requested_at"), requested >= start, requested < end else { continue }
            statistics.overall.overdueNow += 1
            let keys: [(ReportFacts.Dimension, String)] = [
                (.service, row.optionalText("service_code") ?? ""), (.ward, row.optionalText("ward_code") ?? ""),
                (.agency, row.optionalText("agency_id") ?? ""), (.channel, row.optionalText("channel") ?? ""),
            ]
            for (dimension, key) in keys where statistics.breakdown[dimension]?[key] != nil {
                statistics.breakdown[dimension]?[key]?.overdueNow += 1
            }
        }
    }

    public func compactReportStatistics() async throws {
        let columns = "dimension, period, key, measure, bucket"
        let upsert = "ON CONFLICT (\(columns)) DO UPDATE SET n = report_stats.n + excluded.n"
        switch database.engine {
        case .sqlite:
            // One writer at a time: the rows read are the rows folded and deleted.
            try await database.perform(
                Mutation(read: SQL("SELECT MAX(id) AS top FROM report_stats_delta")) { rows in
                    guard let top = rows.first?.optionalInt("top") else { return Plan(statements: [], audit: nil, result: ()) }
                    return Plan(
                        statements: [
                            SQL(
                                """
                                INSERT INTO report_stats (\(columns), n)
                                SELECT \(columns), SUM(n) FROM report_stats_delta WHERE id <= ? GROUP BY \(columns) \(upsert)
                                """, [.int(top)]),
                            SQL("DELETE FROM report_stats_delta WHERE id <= ?", [.int(top)]),
                        ], audit: nil, result: ())
                }, context: ChangeContext(principal: .system("statistics")))
        case .postgres:
            // Deleting and adding in one statement sees one snapshot; the lock keeps two
            // processes from folding at the same time.
            try await database.perform(
                Mutation { _ in
                    Plan(
                        statements: [
                            SQL("SELECT pg_advisory_xact_lock(\(Self.statisticsLock))"),
                            SQL(
                                """
                                WITH moved AS (DELETE FROM report_stats_delta RETURNING \(columns), n)
                                INSERT INTO report_stats (\(columns), n)
                                SELECT \(columns), SUM(n) FROM moved GROUP BY \(columns) \(upsert)
                                """),
                        ], audit: nil, result: ())
                }, context: ChangeContext(principal: .system("statistics")))
        }
    }

    static let statisticsLock: Int64 = 0x0C17_57A7

    public func rebuildReportStatistics(calendar: WorkingCalendar) async throws -> Int {
        var counts: [ReportFacts.Key: Int] = [:]
        var seen = 0
        var after: String?
        while true {
            var sql = SQL("SELECT \(Self.reportColumns) FROM reports")
            if let after { sql.append(" WHERE id > ?", .text(after)) }
            sql.append(" ORDER BY id LIMIT 5000")
            let rows = try await database.query(sql)
            guard !rows.isEmpty else { break }
            for row in rows {
                let report = try Self.report(row)
                for (key, count) in ReportFacts(report, calendar: calendar).contributions { counts[key, default: 0] += count }
            }
            seen += rows.count
            after = rows.last?.optionalText("id")
        }
        let statements = Self.statisticsDelta(counts)
        let counted = seen
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: [SQL("DELETE FROM report_stats"), SQL("DELETE FROM report_stats_delta")] + statements,
                    audit: AuditDraft(action: "report.statistics.rebuild", entityType: "report_stats", entityID: "all", before: nil, after: "{\"reports\":\(counted)}"),
                    result: ())
            }, context: ChangeContext(principal: .system("statistics")))
        try await compactReportStatistics()
        return seen
    }
}
