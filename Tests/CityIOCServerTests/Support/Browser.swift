import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

@testable import CityIOCServer

/// A person with a browser, for router tests: keeps cookies between requests and sends back the
/// CSRF token of the last page it loaded, as a real form would.
struct Browser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var csrf: String?

    init(_ client: any TestClientProtocol) { self.client = client }

    @discardableResult
    mutating func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        let response = try await send(uri, method: .get, headers: headers, body: nil)
        if let token = Self.csrfField(in: String(buffer: response.body)) { csrf = token }
        return response
    }

    /// Posts a form with the page's CSRF token unless `csrf: false`.
    @discardableResult
    mutating func post(_ uri: String, form: [String: String], csrf includeToken: Bool = true) async throws -> TestResponse {
        try await post(uri, fields: form.map { ($0.key, $0.value) }, csrf: includeToken)
    }

    /// Posts fields in order, repeated names allowed (checkboxes).
    @discardableResult
    mutating func post(_ uri: String, fields: [(String, String)], csrf includeToken: Bool = true) async throws -> TestResponse {
        var fields = fields
        if includeToken, let csrf { fields.append(("_csrf", csrf)) }
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await send(uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// Posts a form with files, as `enctype="multipart/form-data"` does, with the page's CSRF token.
    @discardableResult
    mutating func post(_ uri: String, form: [String: String], files: [(field: String, name: String, data: Data)]) async throws -> TestResponse {
        var fields = form.map { ($0.key, $0.value) }
        if let csrf { fields.append(("_csrf", csrf)) }
        var headers = HTTPFields()
        headers[.contentType] = MultipartBody.contentType
        return try await send(uri, method: .post, headers: headers, body: ByteBuffer(data: MultipartBody(fields: fields, files: files).bytes))
    }

    mutating func signIn(_ username: String, password: String = Fixture.password) async throws -> TestResponse {
        try await get("/login")
        return try await post("/login", form: ["username": username, "password": password, "next": "/"])
    }

    mutating func send(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = headers
        if !cookies.isEmpty {
            headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let maxAgeZero = header.contains("Max-Age=0")
            if maxAgeZero || pair[1].isEmpty { cookies[String(pair[0])] = nil } else { cookies[String(pair[0])] = String(pair[1]) }
        }
        return response
    }

    static func csrfField(in html: String) -> String? {
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// Runs `body` with the whole application on a fresh database seeded with `Fixture`.
func withApp(
    _ engine: TestEngine, policy: ReportPolicy = ReportPolicy(), remoteContexts: RemoteContexts.Policy? = nil,
    _ body: @escaping @Sendable (AppServices, any TestClientProtocol) async throws -> Void
) async throws {
    try await withDatabase(engine) { database in
        let services = try AppServices(database: database, hasher: testHasher, sessions: SessionPolicy(), reports: policy, remoteContexts: remoteContexts)
        try await Fixture.seed(services)
        let app = buildApplication(settings: ServerSettings(host: "127.0.0.1", port: 0), services: services, logger: testLogger)
        try await app.test(.router) { client in try await body(services, client) }
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
    }

    /// The `items` of a list answer.
    func items() throws -> [[String: Any]] {
        try json()["items"] as? [[String: Any]] ?? []
    }
}

func bearer(_ secret: String, json: Bool = false) -> HTTPFields {
    var headers = HTTPFields()
    headers[.authorization] = "Bearer \(secret)"
    if json { headers[.contentType] = "application/json" }
    return headers
}
