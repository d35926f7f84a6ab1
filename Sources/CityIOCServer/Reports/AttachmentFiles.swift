import CityIOCDomain
import Foundation
import NIOPosix

/// The bytes of reports' photos and videos: one file per attachment under one folder (the data
/// folder's `attachments/`, or `--attachments`), spread over 256 subfolders by the id's first two
/// characters, with the small copy beside it (`<id>.thumb.jpg`).
///
/// Files are written (and flushed to disk) before the database row that names them is
/// committed, so an acknowledged attachment is never a row without bytes. Several servers on one
/// PostgreSQL need this folder shared between them (NFS or similar; see docs/operations.md).
struct AttachmentFiles: Sendable {
    let root: URL
    let thumbnailer: Thumbnailer

    /// Creates the folder when missing and checks that it can be written.
    init(root: String, thumbnailer: Thumbnailer = Thumbnailer()) throws(ConfigurationError) {
        self.root = URL(fileURLWithPath: root, isDirectory: true)
        self.thumbnailer = thumbnailer
        let probe = self.root.appendingPathComponent(".write-check-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: self.root, withIntermediateDirectories: true)
            try Data().write(to: probe)
            try FileManager.default.removeItem(at: probe)
        } catch {
            throw ConfigurationError("attachments folder \(root) cannot be written: check its owner and permissions, or choose another with --attachments")
        }
    }

    private init(unchecked root: URL) {
        self.root = root
        self.thumbnailer = Thumbnailer()
    }

    /// A folder under the system's temporary folder, made only when a file is written: for
    /// tests, and for tools that keep no files (`cityioc user add`).
    static func temporary() -> AttachmentFiles {
        AttachmentFiles(unchecked: URL(fileURLWithPath: NSTemporaryDirectory() + "cityioc-attachments-\(UUID().uuidString.lowercased())", isDirectory: true))
    }

    func url(_ id: Attachment.ID, thumbnail: Bool = false) -> URL {
        let raw = id.rawValue
        return root.appendingPathComponent(String(raw.prefix(2)), isDirectory: true)
            .appendingPathComponent(thumbnail ? raw + ".thumb.jpg" : raw)
    }

    /// Writes checked uploads with their small copies; nothing is left behind when one fails.
    func store(_ checked: [(Attachment.Upload, MediaType)], report: Report.ID, stage: Attachment.Stage, now: Date) async throws -> [Attachment] {
        guard !checked.isEmpty else { return [] }
        let thumbnailer = self.thumbnailer
        return try await NIOThreadPool.singleton.runIfActive {
            var written: [Attachment] = []
            do {
                for (upload, type) in checked {
                    let id = Attachment.ID(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))
                    let header = type.isImage ? ImageHeader.read(upload.data, as: type) : nil
                    let small = thumbnailer.thumbnail(of: upload.data, type: type, header: header)
                    try Self.write(upload.data, to: url(id))
                    let attachment = Attachment(
                        id: id, reportID: report, stage: stage, mediaType: type, byteCount: upload.data.count,
                        sha256: Secret.sha256(upload.data),
                        width: header?.displayed.width, height: header?.displayed.height,
                        fileName: upload.fileName.map { String($0.prefix(200)) }, hasThumbnail: small != nil, createdAt: now)
                    written.append(attachment)
                    if let small { try Self.write(small, to: url(id, thumbnail: true)) }
                }
                return written
            } catch {
                remove(written)
                throw error
            }
        }
    }

    /// Removes the files of attachments whose row was not stored after all.
    func remove(_ attachments: [Attachment]) {
        for attachment in attachments {
            try? FileManager.default.removeItem(at: url(attachment.id))
            try? FileManager.default.removeItem(at: url(attachment.id, thumbnail: true))
        }
    }

    /// Write to a temporary name, flush to disk, then rename: a reader never sees half a file.
    static func write(_ data: Data, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).part")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else { throw CocoaError(.fileWriteNoPermission) }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try FileManager.default.moveItem(at: temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
