import Foundation

/// A photo or short video kept with a report: sent by the reporter, or by the agency with its
/// answer. The bytes live in a file named by the id; this is what the database knows of it.
public struct Attachment: Sendable, Equatable, Codable {
    public typealias ID = Identifier<Attachment>

    /// Who added it, which decides who may see it: the reporter's files are seen by those who
    /// may see the report (and the reporter); the answer's files become public with the answer.
    public enum Stage: String, Sendable, Codable, CaseIterable {
        case report, answer
    }

    public var id: ID
    public var reportID: Report.ID
    public var stage: Stage
    public var mediaType: MediaType
    public var byteCount: Int
    /// Hex SHA-256 of the bytes: the same photo sent twice is seen as such.
    public var sha256: String
    public var width: Int?
    public var height: Int?
    /// The name the sender's device gave, for display only.
    public var fileName: String?
    public var hasThumbnail: Bool
    public var createdAt: Date
    /// Why the desk took it out of public view (a face, a number plate, something offensive);
    /// nil while shown. It stays for the city's staff.
    public var withdrawn: String?

    public init(
        id: ID, reportID: Report.ID, stage: Stage, mediaType: MediaType, byteCount: Int, sha256: String, width: Int?, height: Int?,
        fileName: String?, hasThumbnail: Bool, createdAt: Date, withdrawn: String? = nil
    ) {
        self.withdrawn = withdrawn
        self.id = id
        self.reportID = reportID
        self.stage = stage
        self.mediaType = mediaType
        self.byteCount = byteCount
        self.sha256 = sha256
        self.width = width
        self.height = height
        self.fileName = fileName
        self.hasThumbnail = hasThumbnail
        self.createdAt = createdAt
    }

    /// A file as a channel hands it over, before any check.
    public struct Upload: Sendable, Equatable {
        public var fileName: String?
        public var data: Data

        public init(fileName: String?, data: Data) {
            self.fileName = fileName
            self.data = data
        }
    }

    /// How many files and how large: a phone photo is 2–6 MB, a short clip some tens of MB.
    public struct Limits: Sendable, Equatable {
        public var imageBytes: Int
        public var videoBytes: Int
        public var files: Int

        public init(imageBytes: Int = 10 << 20, videoBytes: Int = 50 << 20, files: Int = 5) {
            self.imageBytes = imageBytes
            self.videoBytes = videoBytes
            self.files = files
        }

        /// The largest request body that can carry a full set of files (one video, the rest
        /// photos), with room for the form.
        public var requestBytes: Int { max(imageBytes, videoBytes) + max(0, files - 1) * imageBytes + (1 << 20) }

        /// Why a set of files is refused, naming the file.
        public enum Problem: Error, Sendable, Equatable {
            case tooMany(limit: Int)
            case tooManyVideos
            case empty(String)
            case notAllowed(String)
            case tooLarge(String, limit: Int)
        }

        /// Each file's real type from its bytes, or the first reason to refuse the whole set.
        /// One video at most: a clip shows what moves (flooding water, noise); more is a film.
        public func check(_ uploads: [Upload]) throws(Problem) -> [(Upload, MediaType)] {
            guard uploads.count <= files else { throw .tooMany(limit: files) }
            let checked = try uploads.enumerated().map { (index, upload) throws(Problem) in
                let name = upload.fileName ?? "#\(index + 1)"
                guard !upload.data.isEmpty else { throw .empty(name) }
                guard let type = MediaType.sniff(upload.data) else { throw .notAllowed(name) }
                let limit = type.isImage ? imageBytes : videoBytes
                guard upload.data.count <= limit else { throw .tooLarge(name, limit: limit) }
                return (upload, type)
            }
            guard checked.filter({ !$0.1.isImage }).count <= 1 else { throw .tooManyVideos }
            return checked
        }
    }
}

/// The kinds of file a report may carry, known from their first bytes, never from a name or a
/// declared type: a script renamed `photo.jpg` is refused.
public enum MediaType: String, Sendable, Codable, CaseIterable {
    case jpeg = "image/jpeg"
    case png = "image/png"
    case webp = "image/webp"
    case heic = "image/heic"
    case mp4 = "video/mp4"
    case quicktime = "video/quicktime"
    case webm = "video/webm"

    public var isImage: Bool { rawValue.hasPrefix("image/") }

    /// Browsers show these directly; HEIC (iPhone photos) and QuickTime may need a download.
    public var displayable: Bool { ![.heic, .quicktime].contains(self) }

    public var fileExtension: String {
        switch self {
        case .jpeg: return "jpg"
        case .png: return "png"
        case .webp: return "webp"
        case .heic: return "heic"
        case .mp4: return "mp4"
        case .quicktime: return "mov"
        case .webm: return "webm"
        }
    }

    /// The type the bytes are, or nil for anything else.
    public static func sniff(_ data: Data) -> MediaType? {
        let head = [UInt8](data.prefix(32))
        func at(_ offset: Int, _ ascii: String) -> Bool {
            let expected = Array(ascii.utf8)
            return head.count >= offset + expected.count && Array(head[offset..<offset + expected.count]) == expected
        }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if at(0, "RIFF"), at(8, "WEBP") { return .webp }
        if head.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return .webm }
        // ISO base media files: a box size, then "ftyp" and the major brand.
        if at(4, "ftyp") {
            let brand = head.count >= 12 ? String(decoding: head[8..<12], as: UTF8.self) : ""
            if ["heic", "heix", "heim", "heis", "mif1", "msf1"].contains(brand) { return .heic }
            if brand == "qt  " { return .quicktime }
            if ["isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "3gp4", "3gp5", "3gp6", "3g2a", "dash", "MSNV"].contains(brand) {
                return .mp4
            }
        }
        return nil
    }
}
