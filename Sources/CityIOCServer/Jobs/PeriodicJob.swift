import Foundation
import Logging
import ServiceLifecycle

/// Work a server does on its own every few seconds (folding statistics counters…), run beside
/// the HTTP server and stopped with it. Every process runs its jobs; each job is written so that
/// several processes on one database may run it at once.
public struct PeriodicJob: ServiceLifecycle.Service {
    let name: String
    let interval: Duration
    let logger: Logger
    let work: @Sendable () async throws -> Void

    public init(name: String, every interval: Duration, logger: Logger, work: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        self.logger = logger
        self.work = work
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var failing = false
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                do {
                    try await work()
                    if failing { logger.info("job recovered", metadata: ["job": "\(name)"]) }
                    failing = false
                } catch {
                    // Said once per failing streak, not every few seconds.
                    if !failing { logger.warning("job failed", metadata: ["job": "\(name)", "error": "\(type(of: error))"]) }
                    failing = true
                }
            }
        }
    }

    /// The jobs every `cityioc serve` runs.
    /// Notifications are delivered only with a `transport` (a gateway's webhook); without one
    /// they wait in the outbox, where admins see them.
    public static func standard(
        services: AppServices, logger: Logger, transport: (any MessageTransport)? = nil, mailDrop: MailDrop? = nil
    ) -> [PeriodicJob] {
        let airQuality = AirQualityIndicators.Watermark()
        let derived = DerivedIndicators.Watermark()
        var jobs = [
            PeriodicJob(name: "statistics", every: .seconds(2), logger: logger) { try await services.statistics.compactReportStatistics() },
            PeriodicJob(name: "report-indicators", every: .seconds(60), logger: logger) { try await ReportIndicators.compute(services) },
            PeriodicJob(name: "air-quality", every: .seconds(60), logger: logger) { try await airQuality.run(services) },
            PeriodicJob(name: "derived-indicators", every: .seconds(10), logger: logger) { try await derived.run(services) },
            PeriodicJob(name: "intake-limits", every: .seconds(600), logger: logger) {
                try await services.intakeLimits.sweepIntakeLimits(before: Date().addingTimeInterval(-86400))
                // Platforms redeliver for hours, not weeks (Zalo: 12 hours).
                try await services.messages.sweepMessages(before: Date().addingTimeInterval(-7 * 86400))
            },
        ]
        if let mailDrop {
            jobs.append(PeriodicJob(name: "mail-drop", every: .seconds(10), logger: logger) { try await mailDrop.sweep() })
        }
        if let transport {
            jobs.append(
                PeriodicJob(name: "reminders", every: .seconds(300), logger: logger) {
                    let calendar = try await services.calendar.workingCalendar()
                    try await services.outbox.remindDueSoon(now: Date(), calendar: calendar)
                    try await services.outbox.remindIndicatorsDue(
                        now: Date(), calendar: calendar, dueDay: IndicatorDeadlines.dueDay, within: IndicatorDeadlines.dueSoonDays)
                })
            jobs.append(
                PeriodicJob(name: "notifications", every: .seconds(5), logger: logger) {
                    try await services.outbox.deliverOutbox(through: transport, now: Date())
                })
        }
        return jobs
    }
}
