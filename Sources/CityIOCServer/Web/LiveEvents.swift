import CityIOCDomain
import Foundation
import Hummingbird
import ServiceLifecycle

/// Server-sent events for live pages: `GET /events?kinds=indicator_value,indicator_target`
/// sends `event: change` with the kind and record of every such change, from any server process
/// (`ChangeFeed`), and a comment every 15 s. A page marked `data-live` reloads its figures on an
/// event (`app.js`); the browser's EventSource reconnects by itself after a restart or a network
/// drop. A stream ends after five minutes (the browser reconnects at once) and at shutdown.
struct LiveEvents {
    let services: AppServices

    /// The kinds a listener may ask for, and what it needs to be allowed to.
    static let kinds: [String: Permission] = [
        "indicator_value": .viewIndicators, "indicator_target": .viewIndicators, "indicator": .viewIndicators,
    ]
    static let maximumAge: Duration = .seconds(300)

    func register(on router: Router<AppRequestContext>) {
        // Anyone may ask; a wall's token or a signed-in principal is checked inside.
        router.on(.get, "/events", .anyone, use: events)
    }

    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        let asked = Set((request.uri.queryParameters["kinds"].map(String.init) ?? "").split(separator: ",").map(String.init))
        guard !asked.isEmpty, asked.allSatisfy({ Self.kinds[$0] != nil }) else {
            throw ClientError(
                .badRequest,
                Text(
                    vi: "Tham số kinds phải là một hoặc nhiều trong: \(Self.kinds.keys.sorted().joined(separator: ", ")).",
                    en: "kinds must be one or more of: \(Self.kinds.keys.sorted().joined(separator: ", "))."))
        }
        if let token = request.uri.queryParameters["wall"].map(String.init) {
            // A wall's screens show indicators, so may hear of them; nothing else.
            guard token.count <= 100, try await services.walls.wall(tokenHash: Secret.sha256(token)) != nil else { throw StoreError.notFound }
            guard asked.allSatisfy({ Self.kinds[$0] == .viewIndicators }) else { throw AccessError.forbidden }
        } else {
            guard context.principal.isAuthenticated else { throw AccessError.signInRequired }
            guard asked.allSatisfy({ AccessPolicy.allows(context.principal, Self.kinds[$0]!) }) else { throw AccessError.forbidden }
        }
        let feed = services.changes
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let (stream, stop) = feed.subscribe(asked)
                let deadline = Task {
                    try? await Task.sleep(for: Self.maximumAge)
                    stop()
                }
                defer { deadline.cancel() }
                try await writer.write(ByteBuffer(string: "retry: 2000\n: connected\n\n"))
                try await withGracefulShutdownHandler {
                    for await event in stream {
                        switch event {
                        case .heartbeat:
                            try await writer.write(ByteBuffer(string: ": alive\n\n"))
                        case .change(let change):
                            let data = JSON.object(["kind": .string(change.kind), "id": .string(change.entityID)]).text
                            try await writer.write(ByteBuffer(string: "id: \(change.id)\nevent: change\ndata: \(data)\n\n"))
                        }
                    }
                } onGracefulShutdown: {
                    stop()
                }
                try await writer.finish(nil)
            })
    }
}
