import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CityIOCServer

@Suite struct AttachmentTests {
    /// CI installs libgd and sets this, so that small copies are tested for real there.
    static var thumbnailsRequired: Bool { ProcessInfo.processInfo.environment["CITYIOC_REQUIRE_THUMBNAILS"] == "1" }

    static let pothole = ["service_code": "o-ga", "description": "Ổ gà sâu trước số 5 Bến Đoan", "address_string": "5 Bến Đoan", "attribute[size]": "large"]

    /// The files under the attachments folder (not its subfolders).
    static func files(in services: AppServices) -> [String] {
        let walker = FileManager.default.enumerator(at: services.files.root, includingPropertiesForKeys: [.isRegularFileKey])
        return (walker?.allObjects as? [URL] ?? []).filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .map(\.lastPathComponent)
    }

    @Test(arguments: TestEngine.all)
    func photosTravelWithAReportAndOnlyThoseAllowedSeeThem(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            if Self.thumbnailsRequired { #expect(services.thumbnailLibrary != nil) }
            try await services.catalogue.saveService(Open311CatalogueTests.pothole, context: system)
            let photo = TestImage.png(width: 640, height: 320)

            // given a citizen's report with a photo, sent from the public form
            var citizen = Browser(client)
            let form = try await citizen.get("/report?service_code=o-ga")
            #expect(form.text.contains("enctype=\"multipart/form-data\"") && form.text.contains("type=\"file\" name=\"photos\""))
            let sent = try await citizen.post("/report", form: Self.pothole, files: [("photos", "ổ gà.png", photo)])
            #expect(sent.status == .seeOther)
            let follow = try #require(sent.headers[.location]).split(separator: "?")[0]
            let token = String(follow.dropFirst("/follow/".count))
            let id = try #require(try await services.reports.reportID(tokenHash: Secret.sha256(token)))
            let stored = try await services.attachments.attachments(of: id)
            let first = try #require(stored.first)
            #expect(stored.count == 1)
            #expect(first.mediaType == .png && first.stage == .report && first.byteCount == photo.count)
            #expect(first.width == 640 && first.height == 320 && first.fileName == "ổ gà.png")
            #expect(first.hasThumbnail == services.files.thumbnailer.available)

            // then the reporter sees it by the token, the whole photo byte for byte
            let own = try await citizen.get("/follow/\(token)")
            #expect(own.text.contains("/follow/\(token)/attachments/\(first.id)"))
            let whole = try await citizen.get("/follow/\(token)/attachments/\(first.id)")
            #expect(whole.status == .ok && Data(buffer: whole.body) == photo)
            #expect(whole.headers[.contentType] == "image/png")
            if first.hasThumbnail {
                let small = try await citizen.get("/follow/\(token)/attachments/\(first.id)/small")
                #expect(small.headers[.contentType] == "image/jpeg")
                let header = try #require(ImageHeader.read(Data(buffer: small.body), as: .jpeg))
                #expect(header.width == Thumbnailer.size && header.height == Thumbnailer.size / 2)
            }
            // and nobody else without the right to see the report
            #expect(try await client.execute(uri: "/attachments/\(first.id)", method: .get).status == .notFound)
            #expect(try await citizen.get("/follow/\(String(repeating: "x", count: 24))/attachments/\(first.id)").status == .notFound)
            var otherAgency = Browser(client)
            _ = try await otherAgency.signIn("canbo.xaydung")
            #expect(try await otherAgency.get("/attachments/\(first.id)").status == .notFound)
            var desk = Browser(client)
            _ = try await desk.signIn("dieuhanh")
            #expect(try await desk.get("/attachments/\(first.id)").status == .ok)
            #expect(try await desk.get("/reports/\(id)").text.contains("/attachments/\(first.id)"))

            // when the ward answers with a photo of the result
            for (event, fields) in [("classify", ["priority": "normal"]), ("assign", ["agency": "ubnd-06685"])] {
                try await desk.get("/reports/\(id)")
                #expect(try await desk.post("/reports/\(id)/step", form: fields.merging(["event": event]) { $1 }).status == .seeOther)
            }
            var ward = Browser(client)
            _ = try await ward.signIn("canbo.honggai")
            #expect(try await ward.get("/attachments/\(first.id)").status == .ok)  // its case now
            try await ward.get("/reports/\(id)")
            #expect(try await ward.post("/reports/\(id)/step", form: ["event": "accept"]).status == .seeOther)
            let page = try await ward.get("/reports/\(id)")
            #expect(page.text.contains("enctype=\"multipart/form-data\""))
            let result = TestImage.png(width: 300, height: 200)
            let answered = try await ward.post("/reports/\(id)/step", form: ["event": "resolve", "note": "Đã vá xong."], files: [("photos", "xong.png", result)])
            #expect(answered.status == .seeOther)
            let resultPhoto = try #require(try await services.attachments.attachments(of: id).first { $0.stage == .answer })
            let audit = try await services.audit.auditEntries(AuditFilter(action: "report.resolve", entityID: id.rawValue))
            #expect(audit.first?.after?.contains(resultPhoto.id.rawValue) == true)

            // then it is public once published, and the reporter's photo never is
            #expect(try await client.execute(uri: "/attachments/\(resultPhoto.id)", method: .get).status == .notFound)
            try await desk.get("/reports/\(id)")
            #expect(try await desk.post("/reports/\(id)/step", form: ["event": "publish"]).status == .seeOther)
            let open = try await client.execute(uri: "/attachments/\(resultPhoto.id)", method: .get)
            #expect(open.status == .ok && Data(buffer: open.body) == result)
            #expect(open.headers[.cacheControl]?.hasPrefix("public") == true)
            #expect(try await client.execute(uri: "/attachments/\(first.id)", method: .get).status == .notFound)
            let shown = try await client.execute(uri: "/published/\(id)", method: .get)
            #expect(shown.text.contains("/attachments/\(resultPhoto.id)") && !shown.text.contains(first.id.rawValue))
            let open311 = try await client.execute(uri: "/open311/v2/requests/\(id).json?extensions=true", method: .get)
            #expect(open311.text.contains("\"media_url\":\"http://localhost/attachments/\(resultPhoto.id)\""))
            #expect(!open311.text.contains(first.id.rawValue))
            #expect(try await citizen.get("/follow/\(token)").text.contains("/follow/\(token)/attachments/\(resultPhoto.id)"))

            // when the desk withdraws the result photo (a passer-by's face in it)
            try await ward.get("/reports/\(id)")
            #expect(try await ward.post("/attachments/\(resultPhoto.id)/withdraw", form: ["reason": "x"]).status == .forbidden)
            let deskPage = try await desk.get("/reports/\(id)")
            #expect(deskPage.text.contains("/attachments/\(resultPhoto.id)/withdraw"))
            #expect(try await desk.post("/attachments/\(resultPhoto.id)/withdraw", form: ["reason": " "]).status == .unprocessableContent)
            try await desk.get("/reports/\(id)")
            #expect(try await desk.post("/attachments/\(resultPhoto.id)/withdraw", form: ["reason": "Có mặt người qua đường"]).status == .seeOther)

            // then it is gone for the public and the reporter, kept and marked for staff
            #expect(try await client.execute(uri: "/attachments/\(resultPhoto.id)", method: .get).status == .notFound)
            #expect(try await citizen.get("/follow/\(token)/attachments/\(resultPhoto.id)").status == .notFound)
            #expect(!(try await client.execute(uri: "/published/\(id)", method: .get).text.contains(resultPhoto.id.rawValue)))
            #expect(try await desk.get("/attachments/\(resultPhoto.id)").status == .ok)
            #expect(try await desk.get("/reports/\(id)").text.contains("Có mặt người qua đường"))
            #expect(try await services.audit.auditEntries(AuditFilter(action: "attachment.withdraw")).count == 1)
            try await desk.get("/reports/\(id)")
            #expect(try await desk.post("/attachments/\(resultPhoto.id)/withdraw", form: ["show": "1"]).status == .seeOther)
            #expect(try await client.execute(uri: "/attachments/\(resultPhoto.id)", method: .get).status == .ok)
        }
    }

    @Test(arguments: TestEngine.all)
    func filesThatAreNotPhotosOrTooManyOrTooLargeAreRefusedAndNothingIsKept(engine: TestEngine) async throws {
        let limits = Attachment.Limits(imageBytes: 4000, videoBytes: 8000, files: 3)
        try await withApp(engine, policy: ReportPolicy(attachmentLimits: limits)) { services, client in
            let key = try await Open311RequestTests.prepare(services)
            let fields = [("api_key", key), ("service_code", "o-ga"), ("lat", "20.949"), ("long", "107.047"), ("description", "Ổ gà"), ("attribute[size]", "large")]
            func post(_ files: [(field: String, name: String, data: Data)]) async throws -> TestResponse {
                try await client.execute(
                    uri: "/open311/v2/requests.json", method: .post, headers: [.contentType: MultipartBody.contentType],
                    body: ByteBuffer(data: MultipartBody(fields: fields, files: files).bytes))
            }
            let script = Data("#!/bin/sh\nrm -rf /\n".utf8)
            let small = TestImage.png(width: 8, height: 8)
            let video = Data([0, 0, 0, 0x18] + Array("ftypmp42".utf8) + [UInt8](repeating: 0, count: 100))
            let html = Data("<html><script>alert(1)</script></html>".utf8)

            let renamed = try await post([("media", "photo.jpg", script)])
            #expect(renamed.status == .badRequest)
            #expect(renamed.text.contains("\"code\":400") && renamed.text.contains("photo.jpg"))
            #expect(try await post([("media", "a.png", small), ("media", "page.png", html)]).status == .badRequest)
            #expect(try await post(Array(repeating: ("media", "a.png", small), count: 4)).status == .badRequest)
            #expect(try await post([("media", "a.mp4", video), ("media", "b.mp4", video)]).status == .badRequest)
            #expect(try await post([("media", "big.png", TestImage.png(width: 100, height: 100))]).status == .badRequest)
            #expect(try await post([("media", "empty.png", Data())]).status == .ok)  // an empty file field is no file
            // a body that says multipart but is not
            let broken = try await client.execute(
                uri: "/open311/v2/requests.json", method: .post, headers: [.contentType: "multipart/form-data"], body: ByteBuffer(string: "api_key=\(key)"))
            #expect(broken.status == .badRequest)
            #expect(try await services.reports.reports(ReportQuery()).count == 1)
            #expect(Self.files(in: services).isEmpty)

            // the web form says it in the citizen's language, keeping what was typed
            var citizen = Browser(client)
            try await citizen.get("/report?service_code=o-ga")
            let refused = try await citizen.post("/report", form: Self.pothole, files: [("photos", "virus.jpg", script)])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("Tệp virus.jpg không phải ảnh") && refused.text.contains("Ổ gà sâu"))
            #expect(Self.files(in: services).isEmpty)

            // a photo and a video within the limits are kept
            let kept = try await post([("media", "a.png", small), ("media", "clip.mp4", video)])
            #expect(kept.status == .ok)
            #expect(Self.files(in: services).filter { !$0.hasSuffix(".thumb.jpg") }.count == 2)
        }
    }

    @Test func videosAreServedInRangesAndPhonePhotosUpright() async throws {
        try await withApp(.sqlite) { services, client in
            let key = try await Open311RequestTests.prepare(services)
            let fields = [("api_key", key), ("service_code", "o-ga"), ("lat", "20.949"), ("long", "107.047"), ("description", "Ổ gà"), ("attribute[size]", "large")]
            let video = Data([0, 0, 0, 0x18] + Array("ftypisom".utf8) + (0..<1000).map { UInt8($0 % 251) })
            let posted = try await client.execute(
                uri: "/open311/v2/requests.json", method: .post, headers: [.contentType: MultipartBody.contentType],
                body: ByteBuffer(data: MultipartBody(fields: fields, files: [("media", "clip.mp4", video)]).bytes))
            let token = try #require((try JSONSerialization.jsonObject(with: Data(buffer: posted.body)) as? [[String: Any]])?.first?["token"] as? String)
            let id = try #require(try await services.reports.reportID(tokenHash: Secret.sha256(token)))
            let clip = try #require(try await services.attachments.attachments(of: id).first)
            #expect(clip.mediaType == .mp4 && !clip.hasThumbnail)
            let path = "/follow/\(token)/attachments/\(clip.id)"
            let part = try await client.execute(uri: path, method: .get, headers: [.range: "bytes=100-199"])
            #expect(part.status == .partialContent)
            #expect(part.headers[.contentRange] == "bytes 100-199/\(video.count)")
            #expect(Data(buffer: part.body) == video[100..<200])
            let tail = try await client.execute(uri: path, method: .get, headers: [.range: "bytes=-12"])
            #expect(Data(buffer: tail.body) == video.suffix(12))
            let beyond = try await client.execute(uri: path, method: .get, headers: [.range: "bytes=5000-"])
            #expect(beyond.status == .rangeNotSatisfiable && beyond.headers[.contentRange] == "bytes */\(video.count)")

            // A phone's JPEG stored sideways with "turn 90° clockwise" gets an upright small copy.
            guard services.files.thumbnailer.available else { return #expect(!Self.thumbnailsRequired) }
            let jpeg = try #require(services.files.thumbnailer.thumbnail(of: TestImage.png(width: 400, height: 200), type: .png, header: ImageHeader(width: 400, height: 200)))
            let sideways = TestImage.jpeg(jpeg, orientation: 6)
            #expect(ImageHeader.read(sideways, as: .jpeg) == ImageHeader(width: 400, height: 200, orientation: 6))
            let upright = try #require(services.files.thumbnailer.thumbnail(of: sideways, type: .jpeg, header: ImageHeader.read(sideways, as: .jpeg)))
            let turned = try #require(ImageHeader.read(upright, as: .jpeg))
            #expect(turned.width == 200 && turned.height == 400)
            // A tiny file claiming 60,000 × 60,000 pixels is kept, never decoded.
            #expect(services.files.thumbnailer.thumbnail(of: jpeg, type: .jpeg, header: ImageHeader(width: 60_000, height: 60_000)) == nil)
        }
    }
}
