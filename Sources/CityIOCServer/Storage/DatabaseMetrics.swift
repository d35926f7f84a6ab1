import Foundation
import Metrics

/// Timings and counts of database work, by engine and kind of operation, for `/metrics`.
struct DatabaseMetrics: Sendable {
    enum Operation: String, CaseIterable, Sendable { case read, write }

    let engine: DatabaseEngine
    /// Made once: looking a metric up by label and dimensions on every query showed in profiles.
    private let timers: [Operation: Timer]
    private let errors: [Operation: Counter]

    init(engine: DatabaseEngine, poolSize: Int) {
        self.engine = engine
        _ = MetricsRegistry.shared
        Gauge(label: "cityioc_db_pool_connections_max", dimensions: [("engine", engine.rawValue)])
            .record(poolSize)
        var timers: [Operation: Timer] = [:]
        var errors: [Operation: Counter] = [:]
        for operation in Operation.allCases {
            let dimensions = [("engine", engine.rawValue), ("operation", operation.rawValue)]
            timers[operation] = Timer(label: "cityioc_db_operation_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
            errors[operation] = Counter(label: "cityioc_db_errors_total", dimensions: dimensions)
        }
        self.timers = timers
        self.errors = errors
    }

    func measure<T>(_ operation: Operation, _ body: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        do {
            let value = try await body()
            timers[operation]?.recordInterval(since: start)
            return value
        } catch {
            errors[operation]?.increment()
            throw error
        }
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        recordNanoseconds(nanoseconds)
    }
}
