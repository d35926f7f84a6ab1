import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import CityIOCServer

/// @contexts named by another server's URL: fetched once with limits, kept as `Cached`,
/// reloaded on request, refused from private addresses unless allowed.
@Suite struct NGSILDRemoteContextTests {
    /// What the context server serves and how often it was asked.
    final class Served: @unchecked Sendable {
        private let lock = NSLock()
        private var term = "https://example.org/air#pm25"
        private var hits: [String: Int] = [:]
        func hit(_ path: String) -> String {
            lock.withLock {
                hits[path, default: 0] += 1; return term
            }
        }
        func count(_ path: String) -> Int { lock.withLock { hits[path, default: 0] } }
        func change(_ term: String) { lock.withLock { self.term = term } }
    }

    static func contextServer(_ served: Served) -> some ApplicationProtocol {
        let router = Router()
        router.get("ctx.jsonld") { _, _ in
            let term = served.hit("ctx")
            var headers = HTTPFields()
            headers[.contentType] = "application/ld+json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: JSON.object(["@context": ["pm25": .string(term)]]).text)))
        }
        router.get("moved") { _, _ in
            _ = served.hit("moved")
            return Response(status: .found, headers: [.location: "/ctx.jsonld"])
        }
        router.get("loop") { _, _ in Response(status: .found, headers: [.location: "/loop"]) }
        router.get("big") { _, _ in
            _ = served.hit("big")
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{\"@context\": {\"a\": \"" + String(repeating: "x", count: 700_000) + "\"}}")))
        }
        router.get("slow") { _, _ in
            try await Task.sleep(for: .seconds(5))
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "{\"@context\": {}}")))
        }
        router.get("page") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "<html><body>Not here</body></html>"))) }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    static func linked(_ url: String, _ key: String) -> HTTPFields {
        var headers = NGSILDEntityTests.headers(key)
        headers[.link] = "<\(url)>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\""
        return headers
    }

    @Test(arguments: TestEngine.all)
    func aClientsOwnRemoteContextIsFetchedOnceKeptAndReloaded(engine: TestEngine) async throws {
        let served = Served()
        try await Self.contextServer(served).test(.live) { server in
            let base = "http://127.0.0.1:\(try #require(server.port))"
            let policy = RemoteContexts.Policy(timeout: 3, allowPrivateAddresses: true, retryAfter: 0)
            try await withApp(engine, remoteContexts: policy) { services, client in
                let (write, read) = try await NGSILDEntityTests.keys(services)
                let url = "\(base)/ctx.jsonld"
                let station: JSON = ["id": "urn:ngsi-ld:AirQualityObserved:R1", "type": "AirQualityObserved", "pm25": ["type": "Property", "value": 31]]

                // when a client names its own context, it is fetched and its terms expand
                let created = try await client.execute(
                    uri: "/ngsi-ld/v1/entities", method: .post, headers: Self.linked(url, write), body: NGSILDEntityTests.body(station))
                #expect(created.status == .created)
                let stored = try #require(try await services.entities.entity("urn:ngsi-ld:AirQualityObserved:R1", tenant: ""))
                #expect(stored.attributes.keys.contains("https://example.org/air#pm25"))
                // then later requests use the kept copy: the server was asked once
                let back = try NGSILDEntityTests.parsed(
                    try await client.execute(uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:R1?format=keyValues", method: .get, headers: Self.linked(url, read)))
                #expect(back["pm25"] == 31)
                #expect(served.count("ctx") == 1)
                let list = try NGSILDEntityTests.parsed(
                    try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts?kind=Cached&details=true", method: .get, headers: NGSILDEntityTests.headers(read, type: nil)))
                let entry = try #require(list.array?.first { $0["URL"] == .string(url) })
                #expect(entry["kind"] == "Cached")
                let localId = try #require(entry["localId"]?.string)

                // A redirect is followed (and checked again).
                #expect(
                    try await client.execute(uri: "/ngsi-ld/v1/entities?type=AirQualityObserved", method: .get, headers: Self.linked("\(base)/moved", read)).status
                        == .ok)
                #expect(served.count("moved") == 1 && served.count("ctx") == 2)

                // when the client's context changes and the copy is reloaded, the new term applies
                served.change("https://example.org/air#fine")
                let reload = "/ngsi-ld/v1/jsonldContexts/\(localId)?reload=true"
                #expect(try await client.execute(uri: reload, method: .delete, headers: NGSILDEntityTests.headers(write, type: nil)).status == .noContent)
                #expect(served.count("ctx") == 3)
                let renamed = try NGSILDEntityTests.parsed(
                    try await client.execute(uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:R1?format=keyValues", method: .get, headers: Self.linked(url, read)))
                #expect(renamed["pm25"] == nil && renamed["https://example.org/air#pm25"] == 31)
                // A hosted context has nothing to reload from; a read key may not reload.
                #expect(try await client.execute(uri: reload, method: .delete, headers: NGSILDEntityTests.headers(read, type: nil)).status == .forbidden)
                let hosted = try await client.execute(
                    uri: "/ngsi-ld/v1/jsonldContexts", method: .post, headers: NGSILDEntityTests.headers(write),
                    body: NGSILDEntityTests.body(["@context": ["x": "https://example.org/x"]]))
                let hostedId = try #require(hosted.headers[.location]?.split(separator: "/").last)
                let refused = try await client.execute(
                    uri: "/ngsi-ld/v1/jsonldContexts/\(hostedId)?reload=true", method: .delete, headers: NGSILDEntityTests.headers(write, type: nil))
                #expect(refused.status == .badRequest)

                // Every way a fetch fails is LdContextNotAvailable, says why, and stores nothing.
                for (path, why) in [("missing", "404"), ("big", "larger than 512 KB"), ("page", "not a JSON-LD"), ("loop", "redirects"), ("slow", "in time")] {
                    let other: JSON = ["id": .string("urn:ngsi-ld:AirQualityObserved:\(path)"), "type": "AirQualityObserved"]
                    let failed = try await client.execute(
                        uri: "/ngsi-ld/v1/entities", method: .post, headers: Self.linked("\(base)/\(path)", write), body: NGSILDEntityTests.body(other))
                    #expect(failed.status == .serviceUnavailable, "\(path)")
                    let problem = try NGSILDEntityTests.parsed(failed)
                    #expect(problem["type"] == "https://uri.etsi.org/ngsi-ld/errors/LdContextNotAvailable")
                    #expect(problem["detail"]?.string?.contains(why) == true, "\(path): \(problem.text)")
                    #expect(try await services.entities.entity("urn:ngsi-ld:AirQualityObserved:\(path)", tenant: "") == nil)
                }
                #expect(try await services.contextDocuments.contextDocuments().filter { $0.kind == .cached }.map(\.url).sorted() == [url, "\(base)/moved"])
            }

            // By default this machine and private networks are not fetched from, and a server
            // started with --no-remote-contexts fetches nothing.
            let before = served.count("ctx")
            for remote in [RemoteContexts.Policy(), nil] {
                try await withApp(engine, remoteContexts: remote) { services, client in
                    let (_, read) = try await NGSILDEntityTests.keys(services)
                    let refused = try await client.execute(
                        uri: "/ngsi-ld/v1/entities?type=AirQualityObserved", method: .get, headers: Self.linked("\(base)/ctx.jsonld", read))
                    #expect(refused.status == .serviceUnavailable)
                    let detail = try NGSILDEntityTests.parsed(refused)["detail"]?.string ?? ""
                    #expect(detail.contains(remote == nil ? "--no-remote-contexts" : "private network"), "\(detail)")
                }
            }
            #expect(served.count("ctx") == before)
        }
    }

    @Test func privateAndPublicAddressesAreToldApart() {
        func isPrivate(_ literal: String) -> Bool {
            let addresses = RemoteContexts.resolve(literal)
            #expect(addresses.count >= 1, "\(literal)")
            return addresses.contains(where: RemoteContexts.isPrivate)
        }
        for literal in [
            "127.0.0.1", "10.1.2.3", "172.16.5.4", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "198.18.0.1",
            "::1", "::", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "fe80::1", "fd00::1", "ff02::1",
        ] {
            #expect(isPrivate(literal), "\(literal)")
        }
        for literal in ["8.8.8.8", "172.32.0.1", "100.128.0.1", "1.1.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"] {
            #expect(!isPrivate(literal), "\(literal)")
        }
    }
}
