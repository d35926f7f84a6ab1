import CityIOCDomain
import Foundation
import NIOPosix

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Fetches the @contexts that clients name by a remote URL (a Smart Data Models context, a
/// vendor's), as a broker with a way out must, and safely: http(s) only, a time limit, a size
/// limit, a few redirects each checked again, and by default no address of this machine or of a
/// private network, so that a client cannot make the server read an internal service for it.
/// One fetch per URL at a time in a process; a URL that failed is not tried again for a while.
public final class RemoteContexts: Sendable {
    public struct Policy: Sendable {
        /// Seconds for the whole fetch, redirects included.
        public var timeout: TimeInterval
        public var maximumBytes: Int
        public var maximumRedirects: Int
        /// Whether hosts on loopback, link-local or private networks may be fetched (a context
        /// server inside the city's own network; tests).
        public var allowPrivateAddresses: Bool
        /// Seconds a failed URL is answered from memory before it is tried again.
        public var retryAfter: TimeInterval

        public init(
            timeout: TimeInterval = 5, maximumBytes: Int = 512 * 1024, maximumRedirects: Int = 3, allowPrivateAddresses: Bool = false,
            retryAfter: TimeInterval = 30
        ) {
            self.timeout = timeout
            self.maximumBytes = maximumBytes
            self.maximumRedirects = maximumRedirects
            self.allowPrivateAddresses = allowPrivateAddresses
            self.retryAfter = retryAfter
        }
    }

    /// Why a context could not be fetched, told to the client (never the body it got).
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case notHTTP
        case refusedAddress(String)
        case unresolved(String)
        case status(Int)
        case tooManyRedirects
        case tooLarge(Int)
        case timedOut
        case unreachable
        case notJSONLD

        public var description: String {
            switch self {
            case .notHTTP: "only http and https URLs are fetched"
            case .refusedAddress(let host): "\(host) is on this machine or a private network, which this server does not fetch from"
            case .unresolved(let host): "\(host) could not be resolved"
            case .status(let code): "the server answered HTTP \(code)"
            case .tooManyRedirects: "too many redirects"
            case .tooLarge(let limit): "the document is larger than \(limit / 1024) KB"
            case .timedOut: "no complete answer in time"
            case .unreachable: "the server could not be reached"
            case .notJSONLD: "the answer is not a JSON-LD document with a @context"
            }
        }
    }

    let policy: Policy
    private let state = State()

    public init(policy: Policy = Policy()) { self.policy = policy }

    /// The whole document at `url` (`{"@context": …}`), parsed.
    func document(_ url: URL) async throws(Failure) -> JSON {
        let key = url.absoluteString
        let task = await state.task(key, retryAfter: policy.retryAfter) { [policy] in
            try await Self.fetch(url, policy: policy)
        }
        do {
            return try await task.value
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .unreachable
        }
    }

    private static func fetch(_ url: URL, policy: Policy) async throws(Failure) -> JSON {
        let deadline = Date().addingTimeInterval(policy.timeout)
        var url = url
        for _ in 0...policy.maximumRedirects {
            guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else {
                throw .notHTTP
            }
            if !policy.allowPrivateAddresses { try await checkPublic(host) }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw .timedOut }
            let (response, bytes) = try await Download.run(url, timeout: remaining, limit: policy.maximumBytes)
            switch response.statusCode {
            case 200:
                guard let document = JSON.parse(bytes), let context = document["@context"], context.object != nil || context.array != nil || context.string != nil
                else { throw .notJSONLD }
                return document
            case 301, 302, 303, 307, 308:
                guard let location = response.value(forHTTPHeaderField: "Location"), let next = URL(string: location, relativeTo: url)?.absoluteURL
                else { throw .status(response.statusCode) }
                url = next
            default:
                throw .status(response.statusCode)
            }
        }
        throw .tooManyRedirects
    }

    /// Throws unless every address the host resolves to is a public one.
    static func checkPublic(_ host: String) async throws(Failure) {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses: [[UInt8]]
        do {
            addresses = try await NIOThreadPool.singleton.runIfActive { resolve(name) }
        } catch {
            throw .unresolved(host)
        }
        guard !addresses.isEmpty else { throw .unresolved(host) }
        if addresses.contains(where: isPrivate) { throw .refusedAddress(host) }
    }

    /// The IPv4 (4 bytes) and IPv6 (16 bytes) addresses of a host name or address literal.
    static func resolve(_ name: String) -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var found: [[UInt8]] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let entry = next {
            if let address = entry.pointee.ai_addr {
                switch Int32(entry.pointee.ai_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                        var raw = v4.pointee.sin_addr
                        found.append(withUnsafeBytes(of: &raw) { Array($0) })
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                        var raw = v6.pointee.sin6_addr
                        found.append(withUnsafeBytes(of: &raw) { Array($0) })
                    }
                default: break
                }
            }
            next = entry.pointee.ai_next
        }
        return found
    }

    /// Loopback, unspecified, private (RFC 1918, unique-local), shared (CGNAT), link-local,
    /// benchmarking, multicast and reserved addresses; IPv4 inside IPv6 judged as IPv4.
    static func isPrivate(_ address: [UInt8]) -> Bool {
        if address.count == 16 {
            let prefix = Array(address[0..<12])
            if prefix.allSatisfy({ $0 == 0 }) || prefix == ipv4Mapped || prefix == nat64 {
                return isPrivate(Array(address[12...]))  // ::, ::1, ::a.b.c.d, ::ffff:a.b.c.d, 64:ff9b::a.b.c.d
            }
            return address[0] & 0xfe == 0xfc  // fc00::/7 unique local
                || (address[0] == 0xfe && address[1] & 0xc0 == 0x80)  // fe80::/10 link-local
                || address[0] == 0xff  // multicast
        }
        guard address.count == 4 else { return true }
        let (a, b) = (address[0], address[1])
        return a == 0 || a == 10 || a == 127 || a >= 224
            || (a == 100 && b & 0xc0 == 64)  // 100.64.0.0/10
            || (a == 169 && b == 254) || (a == 172 && b & 0xf0 == 16) || (a == 192 && b == 168)
            || (a == 192 && b == 0 && address[2] == 0)  // 192.0.0.0/24
            || (a == 198 && b & 0xfe == 18)  // 198.18.0.0/15
    }

    private static let ipv4Mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]
    private static let nat64: [UInt8] = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]

    /// The fetches under way and the failures remembered, in this process.
    private actor State {
        private var running: [String: Task<JSON, any Error>] = [:]
        private var failed: [String: (failure: Failure, at: Date)] = [:]

        func task(_ key: String, retryAfter: TimeInterval, fetch: @escaping @Sendable () async throws -> JSON) -> Task<JSON, any Error> {
            if let task = running[key] { return task }
            if let failure = failed[key], Date().timeIntervalSince(failure.at) < retryAfter {
                return Task { throw failure.failure }
            }
            let task = Task { try await fetch() }
            running[key] = task
            Task { await self.finished(key, task) }
            return task
        }

        private func finished(_ key: String, _ task: Task<JSON, any Error>) async {
            let result = await task.result
            running[key] = nil
            if case .failure(let error) = result {
                failed[key] = (error as? Failure ?? .unreachable, Date())
                if failed.count > 1000 { failed = failed.filter { Date().timeIntervalSince($0.value.at) < 60 } }
            } else {
                failed[key] = nil
            }
        }
    }
}

/// One GET through URLSession that stops reading past the size limit and does not follow
/// redirects itself (each hop is checked by the caller).
private final class Download: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let limit: Int
    private let lock = NSLock()
    private var received: [UInt8] = []
    private var response: HTTPURLResponse?
    /// The 3xx answer of a redirect, which the caller follows itself.
    private var redirect: HTTPURLResponse?
    private var failure: RemoteContexts.Failure?
    private var continuation: CheckedContinuation<(HTTPURLResponse, [UInt8]), any Error>?

    private init(limit: Int) { self.limit = limit }

    static func run(_ url: URL, timeout: TimeInterval, limit: Int) async throws(RemoteContexts.Failure) -> (HTTPURLResponse, [UInt8]) {
        let download = Download(limit: limit)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration, delegate: download, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.setValue("application/ld+json, application/json;q=0.9", forHTTPHeaderField: "Accept")
        request.setValue("CityIOC (NGSI-LD @context loader)", forHTTPHeaderField: "User-Agent")
        do {
            return try await withCheckedThrowingContinuation { continuation in
                download.lock.withLock { download.continuation = continuation }
                session.dataTask(with: request).resume()
            }
        } catch let failure as RemoteContexts.Failure {
            throw failure
        } catch let error as URLError where error.code == .timedOut {
            throw .timedOut
        } catch {
            throw .unreachable
        }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let http = response as? HTTPURLResponse
        if response.expectedContentLength > Int64(limit) {
            lock.withLock { failure = .tooLarge(limit) }
            completionHandler(.cancel)
            return
        }
        lock.withLock { self.response = http }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = lock.withLock {
            received.append(contentsOf: data)
            if received.count > limit, failure == nil { failure = .tooLarge(limit) }
            return received.count > limit
        }
        if over { dataTask.cancel() }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
        completionHandler: @escaping (URLRequest?) -> Void
    ) {
        // Not followed here: the caller checks the next hop. The task is cancelled instead of
        // answering nil, because on Linux FoundationNetworking stops the whole process (a fatal
        // error, "not waiting for it") when that answer arrives after the transfer has ended,
        // a race a slow machine loses now and then.
        lock.withLock { redirect = response }
        task.cancel()
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, outcome): (CheckedContinuation<(HTTPURLResponse, [UInt8]), any Error>?, Result<(HTTPURLResponse, [UInt8]), any Error>) =
            lock.withLock {
                defer { self.continuation = nil }
                if let redirect { return (self.continuation, .success((redirect, []))) }
                if let failure { return (self.continuation, .failure(failure)) }
                if let error { return (self.continuation, .failure(error)) }
                guard let response = response ?? task.response as? HTTPURLResponse else { return (self.continuation, .failure(RemoteContexts.Failure.unreachable)) }
                return (self.continuation, .success((response, received)))
            }
        continuation?.resume(with: outcome)
    }
}
