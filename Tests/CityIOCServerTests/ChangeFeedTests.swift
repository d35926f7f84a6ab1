import CityIOCDomain
import Foundation
import Testing

@testable import CityIOCServer

/// The change feed live pages listen to: every change of a listened kind, once, in order, read
/// from the audit log (so from any server process on the database).
@Suite struct ChangeFeedTests {
    /// What a listener has heard so far (a task keeps reading its stream: cancelling the reading
    /// of an AsyncStream would end it).
    final class Heard: @unchecked Sendable {
        private let lock = NSLock()
        private var changes: [ChangeFeed.Change] = []
        private var task: Task<Void, Never>?

        init(_ stream: AsyncStream<ChangeFeed.Event>) {
            task = Task { [weak self] in
                for await event in stream { if case .change(let change) = event { self?.add(change) } }
            }
        }

        private func add(_ change: ChangeFeed.Change) { lock.withLock { changes.append(change) } }
        var all: [ChangeFeed.Change] { lock.withLock { changes } }

        /// The changes once there are `count` of them, or what there is after two seconds.
        func wait(for count: Int) async -> [ChangeFeed.Change] {
            for _ in 0..<100 where all.count < count { try? await Task.sleep(for: .milliseconds(20)) }
            return all
        }
    }

    @Test(arguments: TestEngine.all)
    func aChangeReachesItsListenersOnceAndOthersNot(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            try await services.indicators.saveIndicator(IndicatorAPITests.cleanWater, context: system)
            // Polled by hand: the background poll only takes the start, then waits an hour.
            let feed = ChangeFeed(database: services.database, interval: .seconds(3600))
            let (values, stopValues) = feed.subscribe(["indicator_value"])
            let (reports, stopReports) = feed.subscribe(["report"])
            let heard = Heard(values)
            let heardReports = Heard(reports)
            #expect(feed.listenerCount == 2)
            for _ in 0..<100 where !feed.started { try await Task.sleep(for: .milliseconds(20)) }

            // What was in the log before is not news; a set of values is.
            _ = try await services.indicators.setValues(
                [IndicatorValueDraft(indicator: "nuoc-sach", area: "22", period: Period("2026-10")!, value: 96.5)], context: system)
            try await feed.readOnce()
            try await feed.readOnce()  // the look-back reads it again: not delivered twice
            let first = await heard.wait(for: 1)
            #expect(first.map(\.kind) == ["indicator_value"])
            #expect(first.first?.entityID == "nuoc-sach")

            // A second change, heard once, after the first; the other listener heard nothing.
            _ = try await services.indicators.setValues(
                [IndicatorValueDraft(indicator: "nuoc-sach", area: "22", period: Period("2026-11")!, value: 97)], context: system)
            try await feed.readOnce()
            let both = await heard.wait(for: 2)
            #expect(both.count == 2)
            #expect((both.last?.id ?? 0) > (both.first?.id ?? .max))
            try await Task.sleep(for: .milliseconds(100))
            #expect(heard.all.count == 2)
            #expect(heardReports.all.isEmpty)

            stopValues()
            stopReports()
            for _ in 0..<50 where feed.listenerCount > 0 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(feed.listenerCount == 0)
        }
    }
}
