import Foundation
import Hummingbird

/// `/health` (the process answers), `/ready` (and its database does), `/metrics` (Prometheus
/// text). Open to anyone: load balancers and scrapers carry no credentials, and none of the
/// three reveals a record of the city.
struct OperationsController {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/health", .anyone, use: health)
        router.on(.get, "/ready", .anyone, use: ready)
        router.on(.get, "/metrics", .anyone, use: metrics)
        router.on(.get, "/assets/:name", .anyone, use: asset)
    }

    struct Status: Encodable, Sendable {
        var status: String
        var database: String?
        var version: String
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Status> {
        JSONBody(Status(status: "ok", version: CityIOCVersion.current))
    }

    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Status> {
        do {
            try await withTimeout(.seconds(3)) { try await services.database.ping() }
            return JSONBody(Status(status: "ready", database: services.database.engine.rawValue, version: CityIOCVersion.current))
        } catch {
            context.logger.warning("database not ready", metadata: ["error": "\(error)"])
            return JSONBody(
                Status(status: "unavailable", database: services.database.engine.rawValue, version: CityIOCVersion.current),
                status: .serviceUnavailable)
        }
    }

    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: MetricsRegistry.render())))
    }

    @Sendable func asset(_ request: Request, context: AppRequestContext) async throws -> Response {
        try services.assets.response(name: try context.parameters.require("name"), request: request)
    }
}

struct TimeoutError: Error {}

/// Runs `body`, giving up after `duration`.
func withTimeout<T: Sendable>(_ duration: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: duration)
            throw TimeoutError()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw TimeoutError() }
        return first
    }
}

public enum CityIOCVersion {
    public static let current = "0.1.0"
}
