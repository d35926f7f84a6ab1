import Foundation

/// What an image's header says before any pixel is decoded: its size, so that a "photo" of
/// 60,000 × 60,000 pixels (a few KB that would take gigabytes to decode) is never decoded, and
/// the EXIF orientation, so that a phone photo taken upright is shown upright.
public struct ImageHeader: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// EXIF orientation 1–8 (1: as stored; 6: turn 90° clockwise to view; 3: 180°; 8: 90° anticlockwise).
    public var orientation: Int

    public init(width: Int, height: Int, orientation: Int = 1) {
        self.width = width
        self.height = height
        self.orientation = orientation
    }

    /// Width and height as a person sees the photo, after its orientation.
    public var displayed: (width: Int, height: Int) { orientation >= 5 ? (height, width) : (width, height) }

    public var pixels: Int { width * height }

    public static func read(_ data: Data, as type: MediaType) -> ImageHeader? {
        let bytes = [UInt8](data.prefix(256 * 1024))
        switch type {
        case .jpeg: return jpeg(bytes)
        case .png: return png(bytes)
        case .webp: return webp(bytes)
        default: return nil
        }
    }

    static func bigEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int? {
        guard offset >= 0, offset + count <= bytes.count else { return nil }
        return bytes[offset..<offset + count].reduce(0) { $0 << 8 | Int($1) }
    }

    static func littleEndian(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> Int? {
        guard offset >= 0, offset + count <= bytes.count else { return nil }
        return bytes[offset..<offset + count].reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    static func png(_ bytes: [UInt8]) -> ImageHeader? {
        guard bytes.count >= 24, String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR",
            let width = bigEndian(bytes, 16, 4), let height = bigEndian(bytes, 20, 4), width > 0, height > 0
        else { return nil }
        return ImageHeader(width: width, height: height)
    }

    static func webp(_ bytes: [UInt8]) -> ImageHeader? {
        guard bytes.count >= 30 else { return nil }
        switch String(decoding: bytes[12..<16], as: UTF8.self) {
        case "VP8 ":
            guard let width = littleEndian(bytes, 26, 2), let height = littleEndian(bytes, 28, 2) else { return nil }
            return ImageHeader(width: width & 0x3FFF, height: height & 0x3FFF)
        case "VP8L":
            let b = bytes[21...24].map(Int.init)
            return ImageHeader(width: 1 + (b[0] | (b[1] & 0x3F) << 8), height: 1 + (b[1] >> 6 | b[2] << 2 | (b[3] & 0x0F) << 10))
        case "VP8X":
            guard let width = littleEndian(bytes, 24, 3), let height = littleEndian(bytes, 27, 3) else { return nil }
            return ImageHeader(width: width + 1, height: height + 1)
        default:
            return nil
        }
    }

    /// Walks the JPEG markers up to the first frame header, reading the EXIF orientation on the way.
    static func jpeg(_ bytes: [UInt8]) -> ImageHeader? {
        var index = 2
        var orientation = 1
        while index + 4 <= bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            if marker == 0xFF { index += 1; continue }  // fill byte
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { index += 2; continue }  // no length
            guard let length = bigEndian(bytes, index + 2, 2), length >= 2 else { return nil }
            let segment = index + 4
            if marker == 0xE1, segment + 6 <= bytes.count, bytes[segment..<segment + 6].elementsEqual([0x45, 0x78, 0x69, 0x66, 0, 0]) {
                orientation = exifOrientation(Array(bytes[(segment + 6)..<min(bytes.count, index + 2 + length)])) ?? orientation
            }
            let isFrame = (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker)
            if isFrame {
                guard let height = bigEndian(bytes, segment + 1, 2), let width = bigEndian(bytes, segment + 3, 2), width > 0, height > 0 else { return nil }
                return ImageHeader(width: width, height: height, orientation: orientation)
            }
            if marker == 0xDA { return nil }  // image data before any frame header
            index += 2 + length
        }
        return nil
    }

    /// The orientation tag (0x0112) of the first image directory of a TIFF block.
    static func exifOrientation(_ tiff: [UInt8]) -> Int? {
        guard tiff.count >= 8 else { return nil }
        let little = tiff[0] == 0x49 && tiff[1] == 0x49
        guard little || (tiff[0] == 0x4D && tiff[1] == 0x4D) else { return nil }
        let read = { (offset: Int, count: Int) in little ? littleEndian(tiff, offset, count) : bigEndian(tiff, offset, count) }
        guard let directory = read(4, 4), let entries = read(directory, 2) else { return nil }
        for entry in 0..<min(entries, 200) {
            let at = directory + 2 + entry * 12
            guard let tag = read(at, 2) else { return nil }
            if tag == 0x0112, let value = read(at + 8, 2), (1...8).contains(value) { return value }
        }
        return nil
    }
}
