import Foundation
import GRDB

/// Writes to SQLite committed together: SQLite has one writer and, with `synchronous = FULL`,
/// every commit waits for the disk. Changes that arrive while a commit is under way wait for
/// the next one and share it, each inside its own savepoint, so one that fails is rolled back
/// alone and the others still commit. Nobody is told "done" before the commit that holds their
/// change has reached the disk. Without concurrent writers, a change commits at once, alone.
final class GroupCommit: @unchecked Sendable {
    private struct Job: Sendable {
        /// Runs the change inside its savepoint; throws to roll it back.
        let run: @Sendable (Database) throws -> Void
        /// Called after the outcome is known: nil when committed.
        let finish: @Sendable ((any Error)?) -> Void
    }

    private let pool: DatabasePool
    private let lock = NSLock()
    private var pending: [Job] = []
    private var draining = false
    /// The most changes one transaction takes, so a long queue cannot grow one without end.
    private let batchLimit = 256

    init(pool: DatabasePool) { self.pool = pool }

    func write<Result: Sendable>(_ change: @escaping @Sendable (Database) throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let outcome = Outcome<Result>()
            let job = Job(
                run: { db in outcome.value = try change(db) },
                finish: { error in
                    if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: outcome.value!) }
                })
            let start = lock.withLock {
                pending.append(job)
                defer { draining = true }
                return !draining
            }
            if start { Task.detached { await self.drain() } }
        }
    }

    /// A result kept between the savepoint and the commit (only the draining task touches it).
    private final class Outcome<Value>: @unchecked Sendable {
        var value: Value?
    }

    private func drain() async {
        while true {
            let batch = lock.withLock {
                let batch = Array(pending.prefix(batchLimit))
                pending.removeFirst(batch.count)
                if batch.isEmpty { draining = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let failures = try await pool.write { db in
                    var failures: [Int: any Error] = [:]
                    for (index, job) in batch.enumerated() {
                        do {
                            try db.inSavepoint {
                                try job.run(db)
                                return .commit
                            }
                        } catch {
                            failures[index] = error
                        }
                    }
                    return failures
                }
                for (index, job) in batch.enumerated() { job.finish(failures[index]) }
            } catch {
                // The commit itself failed: nothing in this batch was stored.
                for job in batch { job.finish(error) }
            }
        }
    }
}
