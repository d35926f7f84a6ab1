import CityIOCDomain
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CityIOCServer

@Suite struct MailIntakeTests {
    @Test(arguments: TestEngine.all)
    func aMailGatewayPostsACitizensMessage(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await services.catalogue.saveService(
                Service(code: "khac", name: "Vấn đề khác", nameEn: "Something else", group: "Khác"), context: system)
            try await services.catalogue.saveService(
                Service(code: "ngap-ung", name: "Ngập úng", nameEn: "Flooding", group: "Thoát nước", defaultAgency: "so-xay-dung"), context: system)
            let gateway = try await services.administration.createApiKey(name: "mail", role: .integrator, agencyID: nil, context: system).1
            let operatorKey = try await services.administration.createApiKey(name: "ops", role: .operator, agencyID: nil, context: system).1
            // Floods the desk has classified before, so the words can be recognised.
            let desk = Principal(kind: .user, id: "o", name: "dieuhanh", role: .operator, agencyID: nil)
            let calendar = try await services.calendar.workingCalendar()
            for text in ["Ngập nước sau mưa, cống tắc", "Cống thoát nước bị tắc, ngập sâu", "Nước ngập ngang gối"] {
                let (report, _) = try await ReportIntake(services: services).submit(
                    .init(
                        serviceCode: "ngap-ung", description: text, latitude: nil, longitude: nil, address: "Hồng Gai", addressID: nil, answers: [:],
                        reporter: .init(), mediaURL: nil, channel: .web), by: desk, requestID: nil)
                _ = try await services.reports.transition(
                    report.id, .classify(service: "ngap-ung", priority: .normal), workflow: .init(actor: desk, now: Date(), calendar: calendar),
                    context: system)
            }
            let message = """
                From: =?UTF-8?B?Tmd1eeG7hW4gVsSDbiBB?= <a@example.vn>\r
                Subject: Ngập nước\r
                Content-Type: text/plain; charset=utf-8\r
                \r
                Cống tắc, nước ngập cả ngõ.\r
                Địa chỉ: ngõ 5 Lê Lợi, Hồng Gai\r

                """
            func post(_ body: String, key: String?, type: String = "message/rfc822") async throws -> TestResponse {
                var headers = HTTPFields()
                headers[.contentType] = type
                if let key { headers[.authorization] = "Bearer \(key)" }
                return try await client.execute(uri: "/api/v1/intake/email", method: .post, headers: headers, body: ByteBuffer(string: body))
            }
            #expect(try await post(message, key: nil).status == .unauthorized)
            #expect(try await post(message, key: operatorKey).status == .forbidden)
            #expect(try await post(message, key: gateway, type: "application/json").status == .unsupportedMediaType)
            #expect(try await post("\n\nno headers at all", key: gateway).status == .badRequest)
            let before = try await services.reports.reports(ReportQuery()).count

            let taken = try await post(message, key: gateway)
            #expect(taken.status == .created)
            let receipt = try taken.json()
            let id = try #require(receipt["reportId"] as? String)
            #expect(receipt["serviceCode"] as? String == "ngap-ung")
            let report = try #require(try await services.reports.report(Report.ID(id)))
            #expect(report.channel == .email)
            #expect(report.reporter.email == "a@example.vn" && report.reporter.name == "Nguyễn Văn A")
            #expect(report.address == "ngõ 5 Lê Lợi, Hồng Gai")
            #expect(report.description.hasPrefix("Ngập nước\nCống tắc"))
            // Words never seen before: "something else", for the centre to classify.
            let other = try await post("From: b@example.vn\nSubject: Karaoke\n\nHát karaoke đến 2 giờ sáng\n", key: gateway)
            #expect(try other.json()["serviceCode"] as? String == "khac")
            #expect(try await services.reports.reports(ReportQuery()).count == before + 2)
            let listed = try await client.execute(uri: "/open311/v2/requests/\(id).json", method: .get)
            #expect(!listed.text.contains("a@example.vn") && !listed.text.contains("Nguyễn Văn A"))
        }
    }

    @Test(arguments: TestEngine.all)
    func photosAttachedToAMailAreKeptAndOtherFilesNamed(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            try await services.catalogue.saveService(Service(code: "khac", name: "Vấn đề khác", nameEn: "Something else", group: "Khác"), context: system)
            let gateway = try await services.administration.createApiKey(name: "mail", role: .integrator, agencyID: nil, context: system).1
            let photo = TestImage.png(width: 64, height: 48)
            let message = """
                From: c@example.vn\r
                Subject: Rác\r
                Content-Type: multipart/mixed; boundary=b1\r
                \r
                --b1\r
                Content-Type: text/plain; charset=utf-8\r
                \r
                Rác đổ ở đầu ngõ, ảnh kèm theo.\r
                --b1\r
                Content-Type: image/png\r
                Content-Disposition: attachment; filename="rac.png"\r
                Content-Transfer-Encoding: base64\r
                \r
                \(photo.base64EncodedString(options: .lineLength76Characters))\r
                --b1\r
                Content-Type: application/msword\r
                Content-Disposition: attachment; filename="don.doc"\r
                \r
                not a photo\r
                --b1--\r

                """
            var headers = HTTPFields()
            headers[.contentType] = "message/rfc822"
            headers[.authorization] = "Bearer \(gateway)"
            let taken = try await client.execute(uri: "/api/v1/intake/email", method: .post, headers: headers, body: ByteBuffer(string: message))
            #expect(taken.status == .created)
            let receipt = try taken.json()
            #expect(receipt["attachments"] as? Int == 1)
            #expect(receipt["skippedAttachments"] as? [String] == ["don.doc: not a photo or video"])
            let id = Report.ID(try #require(receipt["reportId"] as? String))
            let kept = try await services.attachments.attachments(of: id)
            #expect(kept.count == 1 && kept.first?.mediaType == .png && kept.first?.byteCount == photo.count)
            #expect(try Data(contentsOf: services.files.url(kept[0].id)) == photo)
        }
    }

    @Test(arguments: TestEngine.all)
    func aDropFolderIsReadOnceAndEachMessageFiled(engine: TestEngine) async throws {
        try await withApp(engine) { services, _ in
            try await services.catalogue.saveService(Service(code: "khac", name: "Vấn đề khác", nameEn: "Something else", group: "Khác"), context: system)
            let folder = URL(fileURLWithPath: NSTemporaryDirectory() + "cityioc-drop-\(UUID().uuidString)", isDirectory: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let drop = try MailDrop(folder: folder.path, services: services, logger: testLogger)
            let message = "From: d@example.vn\nMessage-ID: <abc-1@example.vn>\nSubject: Ồn ào\n\nHát karaoke đến 2 giờ sáng\n"
            // given a good message, one that is no message, a file still being written, and a Maildir one
            try Data(message.utf8).write(to: folder.appendingPathComponent("1.eml"))
            try Data("\n\n".utf8).write(to: folder.appendingPathComponent("2.eml"))
            try Data("From: half".utf8).write(to: folder.appendingPathComponent(".3.eml.part"))
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("new"), withIntermediateDirectories: true)
            try Data("From: e@example.vn\nSubject: Rác\n\nRác đầu ngõ\n".utf8).write(to: folder.appendingPathComponent("new/1763.M1.host"))

            // when the folder is swept
            let first = try await drop.sweep()

            // then two reports, one refusal filed with its reason, the unfinished file untouched
            #expect(first.taken == 2 && first.failed == 1)
            let reports = try await services.reports.reports(ReportQuery())
            #expect(reports.count == 2 && reports.allSatisfy { $0.channel == .email })
            #expect(reports.contains { $0.reporter.email == "d@example.vn" })
            let done = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("done").path)
            #expect(Set(done) == ["1.eml", "1763.M1.host"])
            let why = try String(contentsOf: folder.appendingPathComponent("failed/2.eml.why.txt"), encoding: .utf8)
            #expect(why.contains("no headers"))
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(".3.eml.part").path))
            #expect(try await drop.sweep() == (0, 0))

            // the same message dropped again (a mail program that fetched twice) is not a second report
            try Data(message.utf8).write(to: folder.appendingPathComponent("1-again.eml"))
            #expect(try await drop.sweep().taken == 1)
            #expect(try await services.reports.reports(ReportQuery()).count == 2)
            let audit = try await services.audit.auditEntries(AuditFilter(action: "report.create"))
            #expect(audit.count == 2 && audit.allSatisfy { $0.actorName == "system:mail-drop" })
        }
    }
}

@Suite struct MessagingIntakeTests {
    static func signed(_ body: String, secret: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        headers[HTTPField.Name("X-Hub-Signature-256")!] = "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
        return headers
    }

    @Test(arguments: TestEngine.all)
    func platformsPostSignedMessages(engine: TestEngine) async throws {
        try await withApp(engine, policy: ReportPolicy(messagingSecret: "bí mật chung")) { services, client in
            try await services.catalogue.saveService(Service(code: "khac", name: "Vấn đề khác", nameEn: "Something else", group: "Khác"), context: system)
            let generic = #"{"sender": {"name": "Lê Thị C", "phone": "0900000001"}, "text": "Đèn đường hỏng", "latitude": 20.949, "longitude": 107.047}"#
            func post(_ path: String, _ body: String, headers: HTTPFields) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/intake/messaging/\(path)", method: .post, headers: headers, body: ByteBuffer(string: body))
            }
            #expect(try await post("generic", generic, headers: Self.signed(generic, secret: "đoán sai")).status == .unauthorized)
            #expect(try await post("generic", generic, headers: [.contentType: "application/json"]).status == .unauthorized)
            #expect(try await services.reports.reports(ReportQuery()).isEmpty)
            #expect(try await post("zalo-cu", generic, headers: Self.signed(generic, secret: "bí mật chung")).status == .notFound)
            let broken = #"{"text": 5}"#
            #expect(try await post("generic", broken, headers: Self.signed(broken, secret: "bí mật chung")).status == .badRequest)

            let taken = try await post("generic", generic, headers: Self.signed(generic, secret: "bí mật chung"))
            #expect(taken.status == .created)
            let id = try #require((try taken.json()["reportIds"] as? [String])?.first)
            let report = try #require(try await services.reports.report(Report.ID(id)))
            #expect(report.channel == .messaging && report.service == "khac" && report.wardCode == "06685")
            #expect(report.reporter.phone == "0900000001")

            let facebook = """
                {"object": "page", "entry": [{"messaging": [
                  {"sender": {"id": "1"}, "message": {"mid": "m.1", "text": "Rác để ngoài đường"}},
                  {"sender": {"id": "2"}, "message": {"text": "Cây đổ", "attachments": [{"type": "location", "payload": {"coordinates": {"lat": 20.9485, "long": 107.0462}}}]}},
                  {"sender": {"id": "3"}, "delivery": {}}
                ]}]}
                """
            let fromFacebook = try await post("facebook", facebook, headers: Self.signed(facebook, secret: "bí mật chung"))
            #expect(fromFacebook.status == .created)
            #expect((try fromFacebook.json()["reportIds"] as? [String])?.count == 2)
            #expect(try await services.reports.reports(ReportQuery()).filter { $0.channel == .messaging }.count == 3)
            // Messenger redelivers an event it saw no answer to: the message with an id is not taken twice.
            let redelivered = try await post("facebook", facebook, headers: Self.signed(facebook, secret: "bí mật chung"))
            #expect((try redelivered.json()["reportIds"] as? [String])?.count == 2)
            #expect(try await services.reports.reports(ReportQuery()).filter { $0.channel == .messaging }.count == 4)
        }
    }

    @Test(arguments: TestEngine.all)
    func zaloSignsItsOwnWayAndARedeliveryIsNotASecondReport(engine: TestEngine) async throws {
        try await withApp(engine, policy: ReportPolicy(messagingSecret: "fb", zaloSecret: "khoá OA")) { services, client in
            try await services.catalogue.saveService(Service(code: "khac", name: "Vấn đề khác", nameEn: "Something else", group: "Khác"), context: system)
            func post(_ body: String, secret: String) async throws -> TestResponse {
                let event = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
                let signed = "\(event["app_id"] ?? "")\(body)\(event["timestamp"] ?? "")\(secret)"
                let mac = SHA256.hash(data: Data(signed.utf8)).map { String(format: "%02x", $0) }.joined()
                var headers = HTTPFields()
                headers[.contentType] = "application/json"
                headers[HTTPField.Name("X-ZEvent-Signature")!] = "mac=\(mac)"
                return try await client.execute(uri: "/api/v1/intake/messaging/zalo", method: .post, headers: headers, body: ByteBuffer(string: body))
            }
            let located = """
                {"app_id": "3608465", "event_name": "user_send_location", "timestamp": "1763800000000", "sender": {"id": "246"},
                 "message": {"msg_id": "zmsg-1", "text": "Cột điện nghiêng sắp đổ", "attachments": [
                   {"type": "location", "payload": {"coordinates": {"latitude": "20.9485", "longitude": "107.0462"}}}]}}
                """
            #expect(try await post(located, secret: "đoán sai").status == .unauthorized)
            #expect(try await services.reports.reports(ReportQuery()).isEmpty)
            let taken = try await post(located, secret: "khoá OA")
            #expect(taken.status == .created)
            let id = try #require((try taken.json()["reportIds"] as? [String])?.first)
            let report = try #require(try await services.reports.report(Report.ID(id)))
            #expect(report.channel == .messaging && report.latitude == 20.9485 && report.wardCode != nil)
            // Zalo delivers again when the answer is slow: the same report, not a second one.
            let again = try await post(located, secret: "khoá OA")
            #expect(try again.json()["reportIds"] as? [String] == [id])
            #expect(try await services.reports.reports(ReportQuery()).count == 1)

            let photo = """
                {"app_id": "3608465", "event_name": "user_send_image", "timestamp": "1763800001000",
                 "message": {"msg_id": "zmsg-2", "attachments": [{"type": "image", "payload": {"url": "https://photo.zdn.vn/a.jpg", "thumbnail": "https://photo.zdn.vn/t.jpg"}}]}}
                """
            let photoID = try #require((try await post(photo, secret: "khoá OA").json()["reportIds"] as? [String])?.first)
            #expect(try await services.reports.report(Report.ID(photoID))?.mediaURL == "https://photo.zdn.vn/a.jpg")
            let follow = #"{"app_id": "3608465", "event_name": "follow", "timestamp": "1763800002000", "follower": {"id": "246"}}"#
            let followed = try await post(follow, secret: "khoá OA")
            let ignored = try followed.json()["reportIds"] as? [String]
            #expect(followed.status == .ok && ignored?.isEmpty == true)
            #expect(try await post("not json", secret: "khoá OA").status == .badRequest)
            #expect(try await services.reports.reports(ReportQuery()).count == 2)
        }
    }

    @Test func withoutASecretTheChannelIsOff() async throws {
        try await withApp(.sqlite) { _, client in
            let body = #"{"text": "x"}"#
            let response = try await client.execute(
                uri: "/api/v1/intake/messaging/generic", method: .post, headers: MessagingIntakeTests.signed(body, secret: ""), body: ByteBuffer(string: body))
            #expect(response.status == .serviceUnavailable)
        }
    }
}
