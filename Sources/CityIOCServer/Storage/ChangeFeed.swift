import CityIOCDomain
import Foundation

/// What changed in the city's records, as every server process sees it: read from the audit log,
/// which every change writes in its own transaction, so a value sent to one `cityioc serve` on a
/// PostgreSQL is seen by the screens connected to another. Live pages (SSE) and, later, NGSI-LD
/// subscriptions and alert rules listen here; nothing is kept only in this process.
///
/// One poll per process, every `interval`, and only while someone listens. On PostgreSQL an
/// identity id is taken when a transaction inserts, not when it commits, so a change can appear
/// below ids already seen: each poll looks `lookback` ids behind the newest seen and skips those
/// it has delivered (SQLite has one writer, so its ids arrive in order anyway).
final class ChangeFeed: @unchecked Sendable {
    /// One change: the audit entry's id, its kind (`indicator_value`, `report`…) and record.
    struct Change: Sendable, Equatable {
        var id: Int64
        var kind: String
        var entityID: String
    }

    enum Event: Sendable, Equatable {
        case change(Change)
        /// Nothing happened for a while: lets a connection prove it is alive.
        case heartbeat
    }

    let database: any SQLDatabase
    let interval: Duration
    let heartbeatEvery: Duration
    let lookback: Int64 = 200

    private let lock = NSLock()
    private var listeners: [UUID: (kinds: Set<String>, continuation: AsyncStream<Event>.Continuation)] = [:]
    private var poller: Task<Void, Never>?
    /// Ids delivered within the look-back window.
    private var delivered: Set<Int64> = []
    private var newest: Int64?

    init(database: any SQLDatabase, interval: Duration = .milliseconds(250), heartbeatEvery: Duration = .seconds(15)) {
        self.database = database
        self.interval = interval
        self.heartbeatEvery = heartbeatEvery
    }

    /// The changes of these kinds from now on, until the stream is dropped or `stop` is called
    /// (which ends it).
    func subscribe(_ kinds: Set<String>) -> (stream: AsyncStream<Event>, stop: @Sendable () -> Void) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(256))
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        lock.withLock {
            listeners[id] = (kinds, continuation)
            if poller == nil { poller = Task { [weak self] in await self?.poll() } }
        }
        return (stream, { continuation.finish() })
    }

    var listenerCount: Int { lock.withLock { listeners.count } }
    /// Whether the first poll has taken the starting point.
    var started: Bool { lock.withLock { newest != nil } }

    private func remove(_ id: UUID) {
        lock.withLock {
            listeners[id] = nil
            if listeners.isEmpty {
                poller?.cancel()
                poller = nil
            }
        }
    }

    private func poll() async {
        var sinceHeartbeat = Duration.zero
        while !Task.isCancelled {
            do {
                try await readOnce()
            } catch {
                // The database is away (restart, failover): the next poll tries again.
            }
            sinceHeartbeat += interval
            if sinceHeartbeat >= heartbeatEvery {
                sinceHeartbeat = .zero
                broadcast(.heartbeat, kind: nil)
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    /// One poll: from the newest id seen (the newest in the log on the first), minus the look-back.
    func readOnce() async throws {
        guard let start = lock.withLock({ newest }) else {
            // The start: what is in the log already (the look-back window's ids too) is the past.
            let rows = try await database.query(
                SQL("SELECT id FROM audit_log WHERE id > (SELECT COALESCE(MAX(id), 0) FROM audit_log) - ?", [.int(lookback)]))
            let ids = rows.compactMap { $0.optionalInt("id") }
            lock.withLock {
                delivered = Set(ids)
                newest = ids.max() ?? 0
            }
            return
        }
        let rows = try await database.query(
            SQL("SELECT id, entity_type, entity_id FROM audit_log WHERE id > ? ORDER BY id LIMIT 1000", [.int(max(0, start - lookback))]))
        var fresh: [Change] = []
        lock.withLock {
            for row in rows {
                guard let id = row.optionalInt("id"), !delivered.contains(id) else { continue }
                delivered.insert(id)
                fresh.append(Change(id: id, kind: row.optionalText("entity_type") ?? "", entityID: row.optionalText("entity_id") ?? ""))
                newest = max(newest ?? 0, id)
            }
            let floor = (newest ?? 0) - lookback
            delivered = delivered.filter { $0 > floor }
        }
        for change in fresh { broadcast(.change(change), kind: change.kind) }
    }

    private func broadcast(_ event: Event, kind: String?) {
        let targets = lock.withLock { listeners.values.filter { kind == nil || $0.kinds.contains(kind!) }.map(\.continuation) }
        for continuation in targets { continuation.yield(event) }
    }
}
