import Foundation
import Metrics

/// Timings and counts of database work, by engine and kind of operation, for `/metrics`.
struct DatabaseMetrics: Sendable {
    let engine: DatabaseEngine

    init(engine: DatabaseEngine, poolSize: Int) {
        self.engine = engine
        _ = MetricsRegistry.shared
        Gauge(label: "cityioc_db_pool_connections_max", dimensions: [("engine", engine.rawValue)])
            .record(poolSize)
    }

    func measure<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        let start = ContinuousClock.now
        let dimensions = [("engine", engine.rawValue), ("operation", operation)]
        do {
            let value = try await body()
            Timer(label: "cityioc_db_operation_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
                .recordInterval(since: start)
            return value
        } catch {
            Counter(label: "cityioc_db_errors_total", dimensions: dimensions).increment()
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
