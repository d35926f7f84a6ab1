import CityIOCDomain
import Foundation

/// What the database knows of reports' photos and videos. They are written with the report or
/// the step that brings them (`createReport`, `transition` with `attachments:`), never alone.
public protocol AttachmentStore: Sendable {
    func attachment(_ id: Attachment.ID) async throws -> Attachment?
    /// The attachments of several reports at once (a page of a list), oldest first.
    func attachments(of reports: [Report.ID]) async throws -> [Report.ID: [Attachment]]
    /// Takes a photo out of public view with the reason (or shows it again with nil); audited.
    func withdrawAttachment(_ id: Attachment.ID, reason: String?, context: ChangeContext) async throws -> Attachment
}

extension AttachmentStore {
    public func attachments(of report: Report.ID) async throws -> [Attachment] {
        try await attachments(of: [report])[report] ?? []
    }
}

extension CityStore: AttachmentStore {
    static let attachmentColumns = "id, report_id, stage, media_type, byte_count, sha256, width, height, file_name, has_thumbnail, created_at, withdrawn"

    public func attachment(_ id: Attachment.ID) async throws -> Attachment? {
        try await database.query(SQL("SELECT \(Self.attachmentColumns) FROM attachments WHERE id = ?", [.text(id.rawValue)]))
            .first.map(Self.attachment)
    }

    public func attachments(of reports: [Report.ID]) async throws -> [Report.ID: [Attachment]] {
        guard !reports.isEmpty else { return [:] }
        var found: [Report.ID: [Attachment]] = [:]
        // In slices, so that a page of a thousand reports stays within any engine's bind limit.
        for start in stride(from: 0, to: reports.count, by: 500) {
            let slice = reports[start..<min(start + 500, reports.count)]
            let marks = Array(repeating: "?", count: slice.count).joined(separator: ", ")
            let rows = try await database.query(
                SQL(
                    "SELECT \(Self.attachmentColumns) FROM attachments WHERE report_id IN (\(marks)) ORDER BY created_at, id",
                    slice.map { .text($0.rawValue) }))
            for row in rows {
                let attachment = try Self.attachment(row)
                found[attachment.reportID, default: []].append(attachment)
            }
        }
        return found
    }

    /// The rows of new attachments, written in the transaction of the report or step they belong to.
    static func insertAttachments(_ attachments: [Attachment]) -> [SQL] {
        attachments.map { attachment in
            SQL(
                "INSERT INTO attachments (\(attachmentColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(attachment.id.rawValue), .text(attachment.reportID.rawValue), .text(attachment.stage.rawValue),
                    .text(attachment.mediaType.rawValue), .int(Int64(attachment.byteCount)), .text(attachment.sha256),
                    attachment.width.map { .int(Int64($0)) } ?? .null, attachment.height.map { .int(Int64($0)) } ?? .null,
                    SQLValue(attachment.fileName), .bool(attachment.hasThumbnail), .date(attachment.createdAt), SQLValue(attachment.withdrawn),
                ])
        }
    }

    static func attachment(_ row: SQLRow) throws -> Attachment {
        guard let stage = Attachment.Stage(rawValue: try row.text("stage")) else { throw StoreError.corruptRow("stage") }
        guard let type = MediaType(rawValue: try row.text("media_type")) else { throw StoreError.corruptRow("media_type") }
        return Attachment(
            id: Attachment.ID(try row.text("id")), reportID: Report.ID(try row.text("report_id")), stage: stage, mediaType: type,
            byteCount: Int(try row.int("byte_count")), sha256: try row.text("sha256"), width: row.optionalInt("width").map(Int.init),
            height: row.optionalInt("height").map(Int.init), fileName: row.optionalText("file_name"), hasThumbnail: try row.bool("has_thumbnail"),
            createdAt: try row.date("created_at"), withdrawn: row.optionalText("withdrawn"))
    }

    public func withdrawAttachment(_ id: Attachment.ID, reason: String?, context: ChangeContext) async throws -> Attachment {
        try await database.perform(
            Mutation(read: SQL("SELECT \(Self.attachmentColumns) FROM attachments WHERE id = ?", [.text(id.rawValue)])) { rows in
                guard var attachment = try rows.first.map(Self.attachment) else { throw StoreError.notFound }
                let before = attachment.withdrawn
                attachment.withdrawn = reason
                return Plan(
                    statements: [SQL("UPDATE attachments SET withdrawn = ? WHERE id = ?", [SQLValue(reason), .text(id.rawValue)])],
                    audit: AuditDraft(
                        action: reason == nil ? "attachment.show" : "attachment.withdraw", entityType: "attachment", entityID: id.rawValue,
                        before: Self.snapshot(["report": attachment.reportID.rawValue, "withdrawn": before ?? ""]),
                        after: Self.snapshot(["report": attachment.reportID.rawValue, "withdrawn": reason ?? ""])),
                    result: attachment)
            }, context: context)
    }
}
