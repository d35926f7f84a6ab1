import Foundation
import Testing

@testable import CityIOCDomain

@Suite struct AttachmentRulesTests {
    static let jpegStart: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]

    @Test func typesAreKnownFromTheBytesNotTheName() {
        let mp4: [UInt8] = [0, 0, 0, 0x18] + Array("ftypmp42".utf8) + [0, 0, 0, 0]
        let cases: [([UInt8], MediaType?)] = [
            (Self.jpegStart, .jpeg),
            ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], .png),
            (Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8 ".utf8), .webp),
            ([0, 0, 0, 0x18] + Array("ftypheic".utf8), .heic),
            (mp4, .mp4),
            ([0, 0, 0, 0x14] + Array("ftypqt  ".utf8), .quicktime),
            ([0x1A, 0x45, 0xDF, 0xA3, 0x9F], .webm),
            (Array("#!/bin/sh\necho".utf8), nil),
            (Array("<html><body>".utf8), nil),
            (Array("%PDF-1.7".utf8), nil),
            (Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVE".utf8), nil),
            ([0xFF, 0xD8], nil),
        ]
        for (bytes, expected) in cases { #expect(MediaType.sniff(Data(bytes)) == expected, "\(bytes.prefix(12))") }
    }

    @Test func sizesAndTheExifOrientationComeFromTheHeader() {
        // A JPEG header: SOI, APP1 with EXIF (big-endian TIFF, orientation 6), SOF0 of 4032 × 3024.
        let tiff: [UInt8] =
            Array("MM".utf8) + [0, 42, 0, 0, 0, 8, 0, 2] + [0x01, 0x0F, 0, 2, 0, 0, 0, 4, 0, 0, 0, 0] + [0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]
            + [0, 0, 0, 0]
        let exif: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff
        let frame: [UInt8] = [0xFF, 0xC0, 0, 17, 8, 0x0B, 0xD0, 0x0F, 0xC0, 3] + [UInt8](repeating: 0, count: 9)
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE1, UInt8((exif.count + 2) >> 8), UInt8((exif.count + 2) & 0xFF)] + exif + frame
        let header = ImageHeader.read(Data(jpeg), as: .jpeg)
        #expect(header == ImageHeader(width: 4032, height: 3024, orientation: 6))
        #expect(header?.displayed.width == 3024 && header?.displayed.height == 4032)
        // PNG: IHDR; WebP: the extended header's canvas.
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + [0, 0, 2, 0x80, 0, 0, 1, 0xE0, 8, 2, 0, 0, 0]
        #expect(ImageHeader.read(Data(png), as: .png) == ImageHeader(width: 640, height: 480))
        let webp: [UInt8] = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8X".utf8) + [10, 0, 0, 0, 0, 0, 0, 0] + [0x7F, 0x07, 0, 0x37, 0x04, 0]
        #expect(ImageHeader.read(Data(webp), as: .webp) == ImageHeader(width: 1920, height: 1080))
        // Cut short or not an image: nothing to say.
        #expect(ImageHeader.read(Data(jpeg.prefix(30)), as: .jpeg) == nil)
        #expect(ImageHeader.read(Data("not an image at all, really not".utf8), as: .png) == nil)
    }

    @Test func limitsRefuseTheWholeSetNamingTheFile() {
        let limits = Attachment.Limits(imageBytes: 100, videoBytes: 200, files: 3)
        let photo = Attachment.Upload(fileName: "a.jpg", data: Data(Self.jpegStart))
        let video = Attachment.Upload(fileName: "v.mp4", data: Data([0, 0, 0, 0x18] + Array("ftypisom".utf8) + [UInt8](repeating: 0, count: 150)))
        #expect(throws: Never.self) { try limits.check([photo, video, photo]) }
        #expect(throws: Attachment.Limits.Problem.tooMany(limit: 3)) { try limits.check([photo, photo, photo, photo]) }
        #expect(throws: Attachment.Limits.Problem.tooManyVideos) { try limits.check([video, video]) }
        #expect(throws: Attachment.Limits.Problem.notAllowed("x.jpg")) { try limits.check([photo, .init(fileName: "x.jpg", data: Data("hello".utf8))]) }
        #expect(throws: Attachment.Limits.Problem.empty("#1")) { try limits.check([.init(fileName: nil, data: Data())]) }
        let large = Attachment.Upload(fileName: "big.jpg", data: Data(Self.jpegStart + [UInt8](repeating: 0, count: 100)))
        #expect(throws: Attachment.Limits.Problem.tooLarge("big.jpg", limit: 100)) { try limits.check([large]) }
        #expect(limits.requestBytes == 200 + 2 * 100 + (1 << 20))
    }

    @Test func formPartsKeepTheirBytesExactly() throws {
        // A file whose bytes hold CR LF, dashes and even the boundary's text without its line start.
        let file: [UInt8] = [0xFF, 0xD8, 0xFF, 13, 10, 45, 45, 13, 10] + Array("x--XyZ".utf8) + [0, 13, 10]
        var body = Data("preamble to ignore\r\n--XyZ\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nỔ gà; sâu\r\n".utf8)
        body += Data("--XyZ\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"C:\\\\Ảnh\\\\ổ \\\"gà\\\".jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
        body += Data(file) + Data("\r\n--XyZ\r\nContent-Disposition: form-data; name=\"photos\"; filename*=UTF-8''%E1%BA%A3nh.png\r\n\r\n".utf8)
        body += Data("png\r\n--XyZ--\r\nepilogue".utf8)
        let parts = try MIMEParts.parts(of: body, boundary: "XyZ")
        #expect(parts.count == 3)
        #expect(parts[0].fieldName == "description" && String(decoding: parts[0].body, as: UTF8.self) == "Ổ gà; sâu")
        #expect(parts[1].fieldName == "photos" && parts[1].body == Data(file))
        #expect(parts[1].fileName == "ổ \"gà\".jpg")
        #expect(parts[1].contentType == "image/jpeg")
        #expect(parts[2].fileName == "ảnh.png")
        #expect(throws: MIMEParts.Problem.noParts) { try MIMEParts.parts(of: Data("no delimiter".utf8), boundary: "XyZ") }
        #expect(MIMEParts.parameter("boundary", in: "multipart/form-data; charset=utf-8; boundary=\"a;b\"") == "a;b")
    }

    @Test func aMailKeepsItsAttachments() throws {
        let photo = Data(Self.jpegStart + [1, 2, 3])
        let raw = """
            From: a@example.vn\r
            Subject: =?UTF-8?Q?=E1=BB=94_g=C3=A0?=\r
            Content-Type: multipart/mixed; boundary="outer"\r
            \r
            --outer\r
            Content-Type: multipart/alternative; boundary=inner\r
            \r
            --inner\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            Ổ gà trước nhà\r
            --inner\r
            Content-Type: text/html\r
            \r
            <p>Ổ gà</p>\r
            --inner--\r
            --outer\r
            Content-Type: image/jpeg; name="o-ga.jpg"\r
            Content-Disposition: attachment; filename="o-ga.jpg"\r
            Content-Transfer-Encoding: base64\r
            \r
            \(photo.base64EncodedString(options: .lineLength64Characters))\r
            --outer\r
            Content-Type: application/pdf\r
            Content-Disposition: attachment; filename="don.pdf"\r
            Content-Transfer-Encoding: base64\r
            \r
            \(Data("%PDF-1.4".utf8).base64EncodedString())\r
            --outer--\r

            """
        let mail = try MailMessage(raw: Data(raw.utf8))
        #expect(mail.text == "Ổ gà trước nhà")
        #expect(mail.subject == "Ổ gà")
        #expect(mail.attachments.count == 2)
        #expect(mail.attachments.first?.fileName == "o-ga.jpg" && mail.attachments.first?.data == photo)
        #expect(mail.attachments.last?.contentType == "application/pdf")
    }
}
