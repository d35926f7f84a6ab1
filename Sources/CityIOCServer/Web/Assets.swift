import Foundation
import Hummingbird

/// The stylesheet, script and images, read once from the package's resources and served by
/// CityIOC itself (control rooms are often offline: no CDN, no web fonts).
public struct Assets: Sendable {
    struct Asset: Sendable {
        var body: ByteBuffer
        var contentType: String
        var etag: String
    }

    let files: [String: Asset]

    public init() throws {
        guard
            let folder = Bundle.module.url(forResource: "public", withExtension: nil, subdirectory: "Resources")
                ?? Bundle.module.url(forResource: "public", withExtension: nil)
        else { throw ConfigurationError("the web assets are missing from the installation (Resources/public)") }
        var files: [String: Asset] = [:]
        let types = ["css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml"]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let url = folder.appendingPathComponent(name)
            let data = try Data(contentsOf: url)
            let type = types[url.pathExtension] ?? "application/octet-stream"
            files[name] = Asset(body: ByteBuffer(bytes: data), contentType: type, etag: "\"\(Secret.sha256(String(decoding: data, as: UTF8.self)).prefix(16))\"")
        }
        self.files = files
    }

    /// The URL of an asset, with its hash so browsers can cache it for a long time.
    func url(_ name: String) -> String {
        "/assets/\(name)?v=\(files[name]?.etag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) ?? "0")"
    }

    func response(name: String, request: Request) throws -> Response {
        guard let asset = files[name] else { throw HTTPError(.notFound) }
        var headers = HTTPFields()
        headers[.eTag] = asset.etag
        headers[.cacheControl] = "public, max-age=86400"
        if request.headers[.ifNoneMatch] == asset.etag { return Response(status: .notModified, headers: headers) }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
    }
}
