import CityIOCDomain
import Foundation
import Logging

/// The e-mail channel's drop folder, for cities whose mail arrives by a program that writes files
/// (fetchmail or getmail into a Maildir, a mail server's delivery script): each message a file.
///
/// Every few seconds each server process takes the complete files (not starting with `.`; in a
/// Maildir, those in `new/`): it claims one by moving it into `processing/` (a move is atomic, so
/// two processes never take the same file), takes it as `POST /api/v1/intake/email` would, then
/// moves it to `done/`, or to `failed/` beside a `.why.txt` saying why. A file left in
/// `processing/` by a process that died is put back after 15 minutes; its `Message-ID` keeps it
/// from becoming a second report.
public struct MailDrop: Sendable {
    let inbox: URL
    let intake: MailIntake
    let logger: Logger
    /// Larger files are not messages a citizen sent.
    let largest: Int

    public init(folder: String, services: AppServices, logger: Logger) throws(ConfigurationError) {
        inbox = URL(fileURLWithPath: folder, isDirectory: true)
        intake = MailIntake(services: services)
        self.logger = logger
        largest = services.reportPolicy.attachmentLimits.requestBytes / 3 * 4
        do {
            for sub in ["processing", "done", "failed"] {
                try FileManager.default.createDirectory(at: inbox.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
            let probe = inbox.appendingPathComponent("processing/.write-check-\(UUID().uuidString)")
            try Data().write(to: probe)
            try FileManager.default.removeItem(at: probe)
        } catch {
            throw ConfigurationError("mail drop folder \(folder) cannot be written: check its owner and permissions, or choose another with --mail-drop")
        }
    }

    /// Takes every complete message now in the folder: how many became reports, and how many failed.
    @discardableResult
    public func sweep(now: Date = Date()) async throws -> (taken: Int, failed: Int) {
        let files = FileManager.default
        let processing = inbox.appendingPathComponent("processing")
        for stale in (try? files.contentsOfDirectory(at: processing, includingPropertiesForKeys: [.contentModificationDateKey])) ?? [] {
            let modified = (try? stale.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? now
            if now.timeIntervalSince(modified) > 900, !stale.lastPathComponent.hasPrefix(".") {
                try? files.moveItem(at: stale, to: inbox.appendingPathComponent(stale.lastPathComponent))
            }
        }
        var taken = 0
        var failed = 0
        for folder in [inbox, inbox.appendingPathComponent("new")] {
            let found = (try? files.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey])) ?? []
            for file in found.sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) where !file.lastPathComponent.hasPrefix(".") {
                guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                let claimed = processing.appendingPathComponent(file.lastPathComponent)
                // Another process took it first: nothing to do.
                guard (try? files.moveItem(at: file, to: claimed)) != nil else { continue }
                do {
                    let size = (try? claimed.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
                    guard size <= largest else { throw ClientError(.contentTooLarge, Text(vi: "Thư quá lớn.", en: "The message is too large.")) }
                    let (receipt, _) = try await intake.take(try Data(contentsOf: claimed), by: .system("mail-drop"), requestID: nil)
                    move(claimed, to: "done")
                    taken += 1
                    logger.info("mail taken from the drop folder", metadata: ["file": "\(file.lastPathComponent)", "report": "\(receipt.reportId)"])
                } catch let refusal as ClientError {
                    let why = move(claimed, to: "failed").appendingPathExtension("why.txt")
                    try? Data("\(refusal.message.en)\n\(refusal.message.vi)\n".utf8).write(to: why)
                    failed += 1
                    logger.warning("mail in the drop folder refused", metadata: ["file": "\(file.lastPathComponent)", "why": "\(refusal.message.en)"])
                } catch {
                    // The database, not the message: put it back for the next sweep.
                    try? files.moveItem(at: claimed, to: file)
                    throw error
                }
            }
        }
        return (taken, failed)
    }

    /// Moves a claimed file into `done/` or `failed/`, under a new name if one is taken.
    @discardableResult
    func move(_ file: URL, to folder: String) -> URL {
        var target = inbox.appendingPathComponent(folder).appendingPathComponent(file.lastPathComponent)
        if FileManager.default.fileExists(atPath: target.path) {
            target = inbox.appendingPathComponent(folder).appendingPathComponent("\(file.lastPathComponent)-\(UUID().uuidString.prefix(8))")
        }
        try? FileManager.default.moveItem(at: file, to: target)
        return target
    }
}
