import Metrics
import Prometheus

/// The process's one Prometheus registry. swift-metrics has a single global backend; it is
/// bootstrapped the first time this is read (a `static let` runs once, thread-safely), so the
/// server and the tests, which build many apps in one process, share it.
public enum MetricsRegistry {
    public static let shared: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
            .seconds(5),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    public static func render() -> String {
        var buffer: [UInt8] = []
        shared.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
