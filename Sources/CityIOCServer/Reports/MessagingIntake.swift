import CityIOCDomain
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The messaging channel: a chat platform (or the city's own bot) posts what citizens write.
/// Each request is signed with a shared secret (`--messaging-secret`): HMAC-SHA256 of the raw
/// body, hex, in `X-Hub-Signature-256: sha256=…` (the header Facebook Messenger uses, so its
/// webhook can point here directly). Unsigned or wrongly signed requests store nothing.
///
/// - `POST /api/v1/intake/messaging/generic`: `{"sender": {"name", "phone"}, "text", "latitude",
///   "longitude", "address"}` — one report.
/// - `POST /api/v1/intake/messaging/facebook`: a Messenger webhook event; one report per text
///   message in it (a shared location fills the coordinates).
struct MessagingIntake {
    let services: AppServices
    let secret: String?

    func register(on router: Router<AppRequestContext>) {
        router.on(.post, "/api/v1/intake/messaging/:platform", .anyone, use: receive)
    }

    struct Generic: Decodable {
        struct Sender: Decodable {
            var name: String?
            var phone: String?
        }
        var sender: Sender?
        var text: String
        var latitude: Double?
        var longitude: Double?
        var address: String?
    }

    struct Facebook: Decodable {
        struct Entry: Decodable { var messaging: [Event]? }
        struct Event: Decodable {
            struct Message: Decodable {
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

    @Sendable func receive(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Receipt> {
        guard let secret, !secret.isEmpty else {
            throw ClientError(.serviceUnavailable, Text(vi: "Kênh nhắn tin chưa được cấu hình.", en: "The messaging channel is not configured."))
        }
        var body = request
        let raw = Data(buffer: try await body.collectBody(upTo: context.maxUploadSize))
        guard Self.verify(request.headers[HTTPField.Name("X-Hub-Signature-256")!], body: raw, secret: secret) else {
            throw ClientError(.unauthorized, Text(vi: "Chữ ký không hợp lệ.", en: "The signature is missing or wrong."))
        }
        var messages: [(text: String, name: String?, phone: String?, latitude: Double?, longitude: Double?, address: String?)] = []
        let platform = try context.parameters.require("platform")
        do {
            switch platform {
            case "generic":
                let message = try JSONDecoder().decode(Generic.self, from: raw)
                messages.append((message.text, message.sender?.name, message.sender?.phone, message.latitude, message.longitude, message.address))
            case "facebook":
                let event = try JSONDecoder().decode(Facebook.self, from: raw)
                for item in event.entry.flatMap({ $0.messaging ?? [] }) {
                    guard let text = item.message?.text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
                    let place = item.message?.attachments?.first { $0.type == "location" }?.payload?.coordinates
                    messages.append((text, nil, nil, place?.lat, place?.long, nil))
                }
            default:
                throw StoreError.notFound
            }
        } catch is DecodingError {
            throw ClientError(.badRequest, Text(vi: "Nội dung không đúng định dạng của nền tảng.", en: "The body is not in the platform's format."))
        }
        var ids: [String] = []
        for message in messages {
            let service = try await ReportIntake(services: services).category(forFreeText: message.text)
            let submission = ReportIntake.Submission(
                serviceCode: service.rawValue, description: String(message.text.prefix(Report.maximumDescription)),
                latitude: message.latitude.map { String($0) }, longitude: message.longitude.map { String($0) },
                address: message.address ?? (message.latitude == nil ? "Chưa rõ địa chỉ (tin nhắn) / no address given (message)" : nil), addressID: nil,
                answers: [:], reporter: Report.Reporter(name: message.name, phone: message.phone, email: nil), mediaURL: nil, channel: .messaging)
            do {
                let (report, _) = try await ReportIntake(services: services).submit(
                    submission, by: .system("messaging:\(platform)"), requestID: context.id)
                ids.append(report.id.rawValue)
            } catch let refusal as ReportIntake.Refusal {
                throw ClientError(.unprocessableContent, refusal.message)
            }
        }
        return JSONBody(Receipt(reportIds: ids), status: ids.isEmpty ? .ok : .created)
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
