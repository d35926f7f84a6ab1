import CityIOCDomain
import Foundation

/// Citizen reports.
public protocol ReportStore: Sendable {
    /// Stores a new report with the hash of its follow-up token; audited without the reporter's
    /// personal details, and counted in the statistics (days in `calendar`'s time zone).
    /// Its attachments' files are written already; their rows go in with the report.
    func createReport(_ report: Report, tokenHash: String, calendar: WorkingCalendar, attachments: [Attachment], context: ChangeContext) async throws
    /// Stores many reports at once (a migration from another system, a benchmark history) in one
    /// transaction, counted in the statistics and audited as one `report.import` entry.
    func importReports(_ reports: [(Report, tokenHash: String)], calendar: WorkingCalendar, context: ChangeContext) async throws
    func report(_ id: Report.ID) async throws -> Report?
    func reportID(tokenHash: String) async throws -> Report.ID?
    func reports(_ query: ReportQuery) async throws -> [Report]
    /// Reports of the same category received within `days` of this one, in a box of about
    /// `radius` metres around it (or in its ward without coordinates), not refused or merged:
    /// the candidates `Duplicates.rank` looks at.
    func neighbours(of report: Report, radius: Double, days: Int) async throws -> [Report]
    /// The category and text of the latest reports the desk has classified (not refused, not
    /// merged, not waiting to be classified), to learn categories from.
    func classifiedExamples(limit: Int) async throws -> [(Service.Code, String)]
    /// Applies one workflow step to the stored report, under lock: the step's rules decide,
    /// the new state, holder and deadline are written with an audit entry, or nothing is.
    /// `attachments` (an answer's photos) are stored with the step, or not at all.
    func transition(
        _ id: Report.ID, _ event: ReportWorkflow.Event, workflow: ReportWorkflow.Context, attachments: [Attachment], context: ChangeContext
    ) async throws -> (Report, [ReportWorkflow.Action])
}

extension ReportStore {
    public func createReport(_ report: Report, tokenHash: String, calendar: WorkingCalendar, context: ChangeContext) async throws {
        try await createReport(report, tokenHash: tokenHash, calendar: calendar, attachments: [], context: context)
    }

    public func transition(
        _ id: Report.ID, _ event: ReportWorkflow.Event, workflow: ReportWorkflow.Context, context: ChangeContext
    ) async throws -> (Report, [ReportWorkflow.Action]) {
        try await transition(id, event, workflow: workflow, attachments: [], context: context)
    }
}

/// What to list: Open311's filters plus the scope of the person asking.
public struct ReportQuery: Sendable, Equatable {
    public var scope: RecordScope
    public var ids: [Report.ID]
    public var service: Service.Code?
    public var ward: Area.Code?
    /// The agency holding the report now (within the scope).
    public var agency: Agency.ID?
    public var statuses: Set<ReportWorkflow.Status>?
    public var since: Date?
    public var until: Date?
    /// Only reports changed at or after this time.
    public var updatedSince: Date?
    /// True: only reports with a deadline running (at an agency); false: only those without.
    public var deadlineRunning: Bool?
    /// Only reports whose running deadline falls at or after this time (not yet overdue).
    public var dueFrom: Date?
    public var order: Order
    public var limit: Int
    public var offset: Int
    /// False leaves the reporter's name, phone and e-mail unread (an empty `Reporter`): public
    /// lists never load what they may not show, nor spend time decoding it.
    public var withReporter: Bool = true

    public enum Order: Sendable, Equatable {
        /// Newest first; reports received in the same millisecond by id, last first.
        case newest
        /// The running deadline first due first (use with `deadlineRunning: true` or `dueFrom`).
        case due
        /// The oldest change first (to follow changes since a time).
        case updated
    }

    public init(
        scope: RecordScope = .all, ids: [Report.ID] = [], service: Service.Code? = nil, ward: Area.Code? = nil, agency: Agency.ID? = nil,
        statuses: Set<ReportWorkflow.Status>? = nil,
        since: Date? = nil, until: Date? = nil, updatedSince: Date? = nil, deadlineRunning: Bool? = nil, dueFrom: Date? = nil, order: Order = .newest, limit: Int = 1000,
        offset: Int = 0
    ) {
        self.scope = scope
        self.ids = ids
        self.service = service
        self.ward = ward
        self.agency = agency
        self.statuses = statuses
        self.since = since
        self.until = until
        self.deadlineRunning = deadlineRunning
        self.updatedSince = updatedSince
        self.dueFrom = dueFrom
        self.order = order
        self.limit = max(1, min(limit, 1000))
        self.offset = max(0, offset)
    }
}

/// A new report as the audit log keeps it: what was reported, where and how, and what came with
/// it; not the reporter (name, phone, e-mail), and not the workflow, whose first step is the
/// entry's own actor and time.
private struct AuditedReport: Encodable {
    var id: String
    var service: String
    var description: String
    var address: String?
    var addressID: String?
    var ward: String?
    var latitude: Double?
    var longitude: Double?
    var channel: String
    var priority: String
    var attributes: [String: [String]]
    var mediaURL: String?
    var attachments: [String]?

    init(_ report: Report, attachments: [Attachment]) {
        id = report.id.rawValue
        service = report.service.rawValue
        description = report.description
        address = report.address
        addressID = report.addressID
        ward = report.wardCode?.rawValue
        latitude = report.latitude
        longitude = report.longitude
        channel = report.channel.rawValue
        priority = report.workflow.priority.rawValue
        attributes = report.attributes
        mediaURL = report.mediaURL
        self.attachments = attachments.isEmpty ? nil : attachments.map { "\($0.id.rawValue) \($0.mediaType.rawValue)" }
    }
}

extension CityStore: ReportStore {
    static let reportColumns = """
        id, service_code, description, latitude, longitude, address, address_id, ward_code, channel, reporter, attributes, \
        media_url, requested_at, updated_at, workflow
        """
    /// The same without the reporter's details.
    static let publicReportColumns = reportColumns.replacingOccurrences(of: " reporter,", with: "")

    /// The columns a new report is stored with, and its values in that order.
    static let insertColumns = """
        id, token_hash, service_code, status, description, address, address_id, ward_code, agency_id, channel, reporter, attributes, \
        media_url, latitude, longitude, requested_at, updated_at, expected_at, workflow, merged_into
        """

    static func insertValues(_ report: Report, tokenHash: String, encoder: JSONEncoder) throws -> [SQLValue] {
        [
            .text(report.id.rawValue), .text(tokenHash), .text(report.service.rawValue), .text(report.workflow.status.rawValue),
            .text(report.description), SQLValue(report.address), SQLValue(report.addressID), SQLValue(report.wardCode?.rawValue),
            SQLValue(report.workflow.agency?.rawValue), .text(report.channel.rawValue),
            .text(JSONText.object([("name", report.reporter.name), ("phone", report.reporter.phone), ("email", report.reporter.email)])),
            .text(JSONText.lists(report.attributes)), SQLValue(report.mediaURL),
            SQLValue(report.latitude), SQLValue(report.longitude), .date(report.requestedAt), .date(report.updatedAt),
            SQLValue(report.workflow.openDeadline?.due), .text(String(decoding: try encoder.encode(report.workflow), as: UTF8.self)),
            SQLValue(report.workflow.status == .merged ? report.workflow.mergedInto : nil),
        ]
    }

    /// One INSERT of several reports' rows.
    static func insertReports(_ rows: [[SQLValue]]) -> SQL {
        var sql = SQL("INSERT INTO reports (\(insertColumns)) VALUES ")
        sql.text += rows.map { "(" + Array(repeating: "?", count: $0.count).joined(separator: ", ") + ")" }.joined(separator: ", ")
        sql.binds = rows.flatMap { $0 }
        return sql
    }

    public func createReport(
        _ report: Report, tokenHash: String, calendar: WorkingCalendar, attachments: [Attachment], context: ChangeContext
    ) async throws {
        let insert = Self.insertReports([try Self.insertValues(report, tokenHash: tokenHash, encoder: Self.reportEncoder())])
        let after = Self.snapshot(AuditedReport(report, attachments: attachments))
        let counted = Self.statisticsDelta(ReportFacts.delta(from: nil, to: ReportFacts(report, calendar: calendar)))
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: [insert] + counted + Self.insertAttachments(attachments),
                    audit: AuditDraft(action: "report.create", entityType: "report", entityID: report.id.rawValue, before: nil, after: after),
                    result: ())
            }, context: context)
    }

    public func importReports(_ reports: [(Report, tokenHash: String)], calendar: WorkingCalendar, context: ChangeContext) async throws {
        guard !reports.isEmpty else { return }
        let encoder = Self.reportEncoder()
        var counts: [ReportFacts.Key: Int] = [:]
        var statements: [SQL] = []
        var start = 0
        while start < reports.count {
            let chunk = reports[start..<min(start + 200, reports.count)]
            statements.append(Self.insertReports(try chunk.map { try Self.insertValues($0.0, tokenHash: $0.tokenHash, encoder: encoder) }))
            for (report, _) in chunk {
                for (key, count) in ReportFacts(report, calendar: calendar).contributions { counts[key, default: 0] += count }
            }
            start = chunk.endIndex
        }
        let all = statements + Self.statisticsDelta(counts)
        let summary = "{\"count\":\(reports.count),\"first\":\"\(reports[0].0.id.rawValue)\"}"
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: all,
                    audit: AuditDraft(action: "report.import", entityType: "report", entityID: reports[0].0.id.rawValue, before: nil, after: summary),
                    result: ())
            }, context: context)
    }

    public func report(_ id: Report.ID) async throws -> Report? {
        try await database.query(SQL("SELECT \(Self.reportColumns) FROM reports WHERE id = ?", [.text(id.rawValue)])).first.map(Self.report)
    }

    public func reportID(tokenHash: String) async throws -> Report.ID? {
        try await database.query(SQL("SELECT id FROM reports WHERE token_hash = ?", [.text(tokenHash)])).first
            .flatMap { $0.optionalText("id") }.map { Report.ID($0) }
    }

    public func reports(_ query: ReportQuery) async throws -> [Report] {
        let columns = query.withReporter ? Self.reportColumns : Self.publicReportColumns
        let openByStatus = Self.readsOpenByStatus(query)
        var sql = SQL(openByStatus ? "SELECT id FROM reports" : "SELECT \(columns) FROM reports")
        // SQLite's planner takes the category's newest-first index (no sort) even when nine
        // rows in ten it reads are closed; PostgreSQL's planner has statistics to choose by.
        if openByStatus, database.engine == .sqlite { sql.text += " INDEXED BY reports_status_newest" }
        sql.text += " WHERE 1 = 1"
        switch query.scope {
        case .all: break
        case .agency(let agency): sql.append(" AND agency_id = ?", .text(agency.rawValue))
        case .none: return []
        }
        if !query.ids.isEmpty {
            sql.append(" AND id IN (" + query.ids.map { _ in "?" }.joined(separator: ", ") + ")")
            sql.binds += query.ids.map { .text($0.rawValue) }
        }
        if let service = query.service { sql.append(" AND service_code = ?", .text(service.rawValue)) }
        if let ward = query.ward { sql.append(" AND ward_code = ?", .text(ward.rawValue)) }
        if let agency = query.agency { sql.append(" AND agency_id = ?", .text(agency.rawValue)) }
        if let statuses = query.statuses {
            guard !statuses.isEmpty else { return [] }
            let sorted = statuses.map(\.rawValue).sorted()
            sql.append(" AND status IN (" + sorted.map { _ in "?" }.joined(separator: ", ") + ")")
            sql.binds += sorted.map { .text($0) }
        }
        if let since = query.since { sql.append(" AND requested_at >= ?", .date(since)) }
        if let until = query.until { sql.append(" AND requested_at <= ?", .date(until)) }
        if let updated = query.updatedSince { sql.append(" AND updated_at >= ?", .date(updated)) }
        if let due = query.dueFrom { sql.append(" AND expected_at >= ?", .date(due)) }
        if let running = query.deadlineRunning { sql.append(running ? " AND expected_at IS NOT NULL" : " AND expected_at IS NULL") }
        let order =
            switch query.order {
            case .newest: " ORDER BY requested_at DESC, id DESC"
            case .due: " ORDER BY expected_at, id"
            case .updated: " ORDER BY updated_at, id"
            }
        sql.append(order + " LIMIT \(query.limit) OFFSET \(query.offset)")
        if openByStatus {
            // The page is chosen in the index alone, and only its rows are read from the table.
            sql.text = "SELECT \(columns) FROM reports WHERE id IN (\(sql.text))" + order
        }
        return try await database.query(sql).map(Self.report)
    }

    /// Whether a list is of open reports only, newest first, with nothing narrower to go by
    /// than the category. Such a list is chosen from `reports_status_newest` alone, which holds
    /// the open reports apart from the closed ones (most of a city's), and then read: by the
    /// category's newest reports it read every closed one of the period on the way (12,000
    /// rows for a thousand at a million reports), and by status, every open one in full.
    static func readsOpenByStatus(_ query: ReportQuery) -> Bool {
        guard let statuses = query.statuses, !statuses.isEmpty, statuses.allSatisfy(\.isOpen) else { return false }
        guard case .all = query.scope else { return false }
        return query.order == .newest && query.ids.isEmpty && query.ward == nil && query.agency == nil && query.updatedSince == nil
            && query.dueFrom == nil && query.deadlineRunning == nil
    }

    public func classifiedExamples(limit: Int) async throws -> [(Service.Code, String)] {
        try await database.query(
            SQL(
                """
                SELECT service_code, description FROM reports WHERE status NOT IN ('received', 'refused', 'merged', 'reopened')
                ORDER BY requested_at DESC LIMIT \(max(1, min(limit, 20000)))
                """)
        ).map { (Service.Code(try $0.text("service_code")), try $0.text("description")) }
    }

    public func neighbours(of report: Report, radius: Double, days: Int) async throws -> [Report] {
        var sql = SQL(
            """
            SELECT \(Self.reportColumns) FROM reports WHERE service_code = ? AND requested_at >= ? AND requested_at <= ? AND id <> ?
            AND status NOT IN ('merged', 'refused')
            """,
            [
                .text(report.service.rawValue), .date(report.requestedAt.addingTimeInterval(-Double(days) * 86400)),
                .date(report.requestedAt.addingTimeInterval(Double(days) * 86400)), .text(report.id.rawValue),
            ])
        if let latitude = report.latitude, let longitude = report.longitude {
            // A box a little larger than the radius; the exact distance is measured in Swift.
            let dLat = radius / 111_000 * 1.2
            let dLon = radius / (111_000 * max(0.1, cos(latitude * .pi / 180))) * 1.2
            sql.append(
                " AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?", .double(latitude - dLat), .double(latitude + dLat),
                .double(longitude - dLon), .double(longitude + dLon))
        } else if let ward = report.wardCode {
            sql.append(" AND ward_code = ?", .text(ward.rawValue))
        } else {
            return []
        }
        sql.append(" ORDER BY requested_at DESC LIMIT 200")
        return try await database.query(sql).map(Self.report)
    }

    public func transition(
        _ id: Report.ID, _ event: ReportWorkflow.Event, workflow: ReportWorkflow.Context, attachments: [Attachment], context: ChangeContext
    ) async throws -> (Report, [ReportWorkflow.Action]) {
        let read = SQL("SELECT \(Self.reportColumns) FROM reports WHERE id = ?", [.text(id.rawValue)])
        return try await database.perform(
            Mutation(read: read) { rows in
                guard var report = try rows.first.map(Self.report) else { throw StoreError.notFound }
                let before = report.workflow
                let factsBefore = ReportFacts(report, calendar: workflow.calendar)
                let actions = try report.workflow.apply(event, workflow)
                report.updatedAt = workflow.now
                // Classifying may correct the category the reporter chose.
                if let classified = report.workflow.service { report.service = Service.Code(classified) }
                let encoder = Self.reportEncoder()
                let encoded = String(decoding: try encoder.encode(report.workflow), as: UTF8.self)
                let summary = { (flow: ReportWorkflow, files: [Attachment]) in
                    var fields = ["status": flow.status.rawValue, "agency": flow.agency?.rawValue ?? "", "note": flow.steps.last?.note ?? ""]
                    if !files.isEmpty { fields["attachments"] = files.map(\.id.rawValue).joined(separator: ",") }
                    return Self.snapshot(fields)
                }
                return Plan(
                    statements: [
                        SQL(
                            """
                            UPDATE reports SET status = ?, agency_id = ?, expected_at = ?, workflow = ?, updated_at = ?, merged_into = ?,
                            service_code = ? WHERE id = ?
                            """,
                            [
                                .text(report.workflow.status.rawValue), SQLValue(report.workflow.agency?.rawValue),
                                SQLValue(report.workflow.openDeadline?.due), .text(encoded), .date(workflow.now),
                                SQLValue(report.workflow.status == .merged ? report.workflow.mergedInto : nil), .text(report.service.rawValue),
                                .text(id.rawValue),
                            ])
                    ] + Self.statisticsDelta(ReportFacts.delta(from: factsBefore, to: ReportFacts(report, calendar: workflow.calendar)))
                        + Self.notifications(for: actions, report: report, at: workflow.now) + Self.insertAttachments(attachments),
                    audit: AuditDraft(
                        action: "report.\(report.workflow.steps.last?.event ?? "step")", entityType: "report", entityID: id.rawValue,
                        before: summary(before, []), after: summary(report.workflow, attachments)),
                    result: (report, actions))
            }, context: context)
    }

    /// The JSON columns of a report (workflow, reporter, answers) keep instants as plain numbers
    /// (seconds since 2001, exactly as `Date` holds them): reading a thousand reports back is
    /// then not spent parsing dates. Text dates written by earlier versions are still read.
    static func reportEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .deferredToDate
        return encoder
    }

    static let reportDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            if let seconds = try? container.decode(Double.self) { return Date(timeIntervalSinceReferenceDate: seconds) }
            let text = try container.decode(String.self)
            guard let date = try? Date.ISO8601FormatStyle().parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a date")
            }
            return date
        }
        return decoder
    }()

    /// The workflows of the reports read most often (the open ones on every queue): some 40 MB
    /// at most, text and value.
    static let workflowCache = DecodedCache<ReportWorkflow>(capacity: 20_000)
    /// The answers to a category's questions of the same reports (a few dozen bytes each).
    static let attributesCache = DecodedCache<[String: [String]]>(capacity: 20_000)

    static func report(_ row: SQLRow) throws -> Report {
        let decoder = Self.reportDecoder
        func json<T: Decodable>(_ column: String, as type: T.Type) throws -> T {
            do { return try decoder.decode(T.self, from: Data(try row.text(column).utf8)) } catch { throw StoreError.corruptRow(column) }
        }
        guard let channel = Report.Channel(rawValue: try row.text("channel")) else { throw StoreError.corruptRow("channel") }
        var report = Report(
            id: Report.ID(try row.text("id")), service: Service.Code(try row.text("service_code")), description: try row.text("description"),
            latitude: row.optionalDouble("latitude"), longitude: row.optionalDouble("longitude"), address: row.optionalText("address"),
            addressID: row.optionalText("address_id"), wardCode: row.optionalText("ward_code").map { Area.Code($0) }, channel: channel,
            reporter: row.optionalText("reporter") == nil ? Report.Reporter() : try json("reporter", as: Report.Reporter.self),
            attributes: try attributesCache.value(id: try row.text("id"), text: try row.text("attributes")) { text in
                guard text != "{}" else { return [:] }
                do { return try decoder.decode([String: [String]].self, from: Data(text.utf8)) } catch { throw StoreError.corruptRow("attributes") }
            },
            mediaURL: row.optionalText("media_url"), requestedAt: try row.date("requested_at"),
            workflow: try workflowCache.value(id: try row.text("id"), text: try row.text("workflow")) { text in
                do { return try decoder.decode(ReportWorkflow.self, from: Data(text.utf8)) } catch { throw StoreError.corruptRow("workflow") }
            })
        report.updatedAt = try row.date("updated_at")
        return report
    }
}
