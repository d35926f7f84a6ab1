import CityIOCDomain
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The messaging channel: a chat platform (or the city's own bot) posts what citizens write.
/// Unsigned or wrongly signed requests store nothing; a message delivered again (platforms retry
/// slow webhooks) is answered with the report it already became.
///
/// - `POST /api/v1/intake/messaging/generic`: `{"id", "sender": {"name", "phone"}, "text",
///   "latitude", "longitude", "address", "photo_url"}` — one report; signed with
///   `--messaging-secret`: HMAC-SHA256 of the raw body, hex, in `X-Hub-Signature-256: sha256=…`.
/// - `POST /api/v1/intake/messaging/facebook`: a Messenger webhook event, signed the same way
///   (Messenger's own header, so its webhook can point here); one report per message with text
///   or a photo (a shared location fills the coordinates).
/// - `POST /api/v1/intake/messaging/zalo`: a Zalo Official Account event, signed Zalo's way
///   with `--zalo-secret` (the OA secret key): `X-ZEvent-Signature: mac=<hex SHA-256 of app_id,
///   the body, its timestamp and the key>`; text, photo and location messages become reports,
///   other events (follow, sticker…) are acknowledged and ignored.
struct MessagingIntake {
    let services: AppServices
    let secret: String?
    let zaloSecret: String?

    func register(on router: Router<AppRequestContext>) {
        router.on(.post, "/api/v1/intake/messaging/:platform", .anyone, use: receive)
    }

    struct Generic: Decodable {
        struct Sender: Decodable {
            var name: String?
            var phone: String?
        }
        var id: String?
        var sender: Sender?
        var text: String
        var latitude: Double?
        var longitude: Double?
        var address: String?
        var photoUrl: String?

        enum CodingKeys: String, CodingKey {
            case id, sender, text, latitude, longitude, address
            case photoUrl = "photo_url"
        }
    }

    /// What a Zalo OA webhook sends (numbers as text, as Zalo writes them).
    struct Zalo: Decodable {
        struct Message: Decodable {
            struct Attachment: Decodable {
                struct Payload: Decodable {
                    struct Coordinates: Decodable {
                        var latitude: String
                        var longitude: String
                    }
                    var coordinates: Coordinates?
                    var url: String?
                }
                var type: String
                var payload: Payload?
            }
            var msgId: String?
            var text: String?
            var attachments: [Attachment]?
            enum CodingKeys: String, CodingKey {
                case text, attachments
                case msgId = "msg_id"
            }
        }
        var appId: String
        var eventName: String
        var timestamp: String
        var message: Message?
        enum CodingKeys: String, CodingKey {
            case message, timestamp
            case appId = "app_id"
            case eventName = "event_name"
        }
    }

    struct Facebook: Decodable {
        struct Entry: Decodable { var messaging: [Event]? }
        struct Event: Decodable {
            struct Message: Decodable {
                var mid: String?
                var text: String?
                var attachments: [Attachment]?
            }
            struct Attachment: Decodable {
                struct Payload: Decodable {
                    struct Coordinates: Decodable {
                        var lat: Double
                        var long: Double
                    }
                    var coordinates: Coordinates?
                    var url: String?
                }
                var type: String
                var payload: Payload?
            }
            var message: Message?
        }
        var object: String
        var entry: [Entry]
    }

    struct Receipt: Encodable, Sendable {
        var reportIds: [String]
    }

    /// True when `signature` (`sha256=<hex>`) is the HMAC of `body` under the secret; compared in
    /// constant time.
    static func verify(_ signature: String?, body: Data, secret: String) -> Bool {
        guard let signature, signature.hasPrefix("sha256="), let given = Data(hex: String(signature.dropFirst(7))) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: body, using: SymmetricKey(data: Data(secret.utf8)))
    }

    /// True when Zalo's `mac=<hex>` is SHA-256 of app id, body, timestamp and OA secret key, in
    /// that order (Zalo's scheme: a keyed hash, not an HMAC); compared in constant time.
    static func verifyZalo(_ signature: String?, body: Data, appID: String, timestamp: String, secret: String) -> Bool {
        guard let signature, signature.hasPrefix("mac=") else { return false }
        var signed = Data(appID.utf8)
        signed += body
        signed += Data(timestamp.utf8)
        signed += Data(secret.utf8)
        let expected = Secret.sha256(signed)
        return Secret.equal(String(signature.dropFirst(4)).lowercased(), expected)
    }

    /// One message as the platforms have it in common.
    struct Message {
        var id: String?
        var text: String
        var name: String? = nil
        var phone: String? = nil
        var latitude: Double? = nil
        var longitude: Double? = nil
        var address: String? = nil
        var photo: String? = nil
    }

    @Sendable func receive(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Receipt> {
        let platform = try context.parameters.require("platform")
        guard ["generic", "facebook", "zalo"].contains(platform) else { throw StoreError.notFound }
        let key = platform == "zalo" ? zaloSecret : secret
        guard let key, !key.isEmpty else {
            throw ClientError(.serviceUnavailable, Text(vi: "Kênh nhắn tin \(platform) chưa được cấu hình.", en: "The \(platform) messaging channel is not configured."))
        }
        var body = request
        let raw = Data(buffer: try await body.collectBody(upTo: context.maxUploadSize))
        let unsigned = ClientError(.unauthorized, Text(vi: "Chữ ký không hợp lệ.", en: "The signature is missing or wrong."))
        let malformed = ClientError(.badRequest, Text(vi: "Nội dung không đúng định dạng của nền tảng.", en: "The body is not in the platform's format."))
        var messages: [Message] = []
        switch platform {
        case "zalo":
            // The signature covers fields of the body: read them, trust nothing before the check.
            guard let event = try? JSONDecoder().decode(Zalo.self, from: raw) else { throw malformed }
            guard Self.verifyZalo(request.headers[HTTPField.Name("X-ZEvent-Signature")!], body: raw, appID: event.appId, timestamp: event.timestamp, secret: key)
            else { throw unsigned }
            messages = Self.messages(fromZalo: event)
        default:
            guard Self.verify(request.headers[HTTPField.Name("X-Hub-Signature-256")!], body: raw, secret: key) else { throw unsigned }
            do {
                if platform == "generic" {
                    let message = try JSONDecoder().decode(Generic.self, from: raw)
                    messages.append(
                        Message(
                            id: message.id, text: message.text, name: message.sender?.name, phone: message.sender?.phone,
                            latitude: message.latitude, longitude: message.longitude, address: message.address, photo: message.photoUrl))
                } else {
                    let event = try JSONDecoder().decode(Facebook.self, from: raw)
                    for item in event.entry.flatMap({ $0.messaging ?? [] }) {
                        let attachments = item.message?.attachments ?? []
                        let place = attachments.first { $0.type == "location" }?.payload?.coordinates
                        let photo = attachments.first { $0.type == "image" }?.payload?.url
                        let text = item.message?.text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                        guard !text.isEmpty || photo != nil else { continue }
                        messages.append(Message(id: item.message?.mid, text: text, latitude: place?.lat, longitude: place?.long, photo: photo))
                    }
                }
            } catch {
                throw malformed
            }
        }
        var ids: [String] = []
        for message in messages {
            if let id = try await take(message, platform: platform, context: context) { ids.append(id.rawValue) }
        }
        return JSONBody(Receipt(reportIds: ids), status: ids.isEmpty ? .ok : .created)
    }

    /// Text, photo and location messages of a Zalo event; other events carry no report.
    static func messages(fromZalo event: Zalo) -> [Message] {
        guard ["user_send_text", "user_send_image", "user_send_location"].contains(event.eventName), let message = event.message else { return [] }
        let attachments = message.attachments ?? []
        let place = attachments.first { $0.type == "location" }?.payload?.coordinates
        let photo = attachments.first { $0.type == "image" }?.payload?.url
        let text = message.text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !text.isEmpty || photo != nil || place != nil else { return [] }
        return [
            Message(
                id: message.msgId, text: text, latitude: place.flatMap { Double($0.latitude) }, longitude: place.flatMap { Double($0.longitude) },
                photo: photo)
        ]
    }

    /// Stores one message as a report, once: a message id seen before gives the report it became.
    func take(_ message: Message, platform: String, context: AppRequestContext) async throws -> Report.ID? {
        if let id = message.id {
            switch try await services.messages.claimMessage(platform: platform, id: String(id.prefix(200)), now: Date()) {
            case .seen(let report): return report
            case .new: break
            }
        }
        do {
            let text =
                message.text.isEmpty
                ? (message.photo != nil ? "Ảnh gửi qua tin nhắn, chưa có mô tả / a photo sent by message, no description" : "Vị trí gửi qua tin nhắn / a location sent by message")
                : message.text
            let service = try await ReportIntake(services: services).category(forFreeText: text)
            // A platform's photo stays where it is (its address is kept as the media link); fetching it would let a message make the server call any address.
            let photo = message.photo.flatMap { URL(string: $0) }.flatMap {
                ["http", "https"].contains($0.scheme?.lowercased() ?? "") && $0.absoluteString.count <= 2000 ? $0.absoluteString : nil
            }
            let submission = ReportIntake.Submission(
                serviceCode: service.rawValue, description: String(text.prefix(Report.maximumDescription)),
                latitude: message.latitude.map { String($0) }, longitude: message.longitude.map { String($0) },
                address: message.address ?? (message.latitude == nil ? "Chưa rõ địa chỉ (tin nhắn) / no address given (message)" : nil), addressID: nil,
                answers: [:], reporter: Report.Reporter(name: message.name, phone: message.phone, email: nil), mediaURL: photo, channel: .messaging)
            let (report, _) = try await ReportIntake(services: services).submit(submission, by: .system("messaging:\(platform)"), requestID: context.id)
            if let id = message.id { try await services.messages.recordMessage(platform: platform, id: String(id.prefix(200)), report: report.id) }
            return report.id
        } catch {
            if let id = message.id { try? await services.messages.releaseMessage(platform: platform, id: String(id.prefix(200))) }
            if let refusal = error as? ReportIntake.Refusal { throw ClientError(.unprocessableContent, refusal.message) }
            throw error
        }
    }
}

extension Data {
    /// Bytes from hexadecimal text; nil when it is not.
    init?(hex: String) {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}
