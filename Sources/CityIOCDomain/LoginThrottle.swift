import Foundation

/// Slows down and then stops password guessing on one account, from the account's own
/// counters (kept in the database, so several server processes share them).
///
/// The first `freeFailures` wrong passwords cost nothing; each further one doubles a wait before
/// the next attempt is even checked (1 s, 2 s, 4 s…); at `lockoutFailures` the account is locked
/// for `lockoutDuration`. A correct password resets everything. During a wait or a lock the
/// password is not checked at all, so guessing learns nothing.
public struct LoginThrottle: Sendable, Equatable {
    public static let freeFailures = 2
    public static let lockoutFailures = 5
    public static let lockoutDuration: TimeInterval = 15 * 60
    public static let maximumWait: TimeInterval = 30

    public var failures: Int
    public var lastFailureAt: Date?
    public var lockedUntil: Date?

    public init(failures: Int, lastFailureAt: Date?, lockedUntil: Date?) {
        self.failures = failures
        self.lastFailureAt = lastFailureAt
        self.lockedUntil = lockedUntil
    }

    public enum Decision: Sendable, Equatable {
        case check
        case wait(until: Date)
        case locked(until: Date)
    }

    /// May a password be checked now?
    public func decision(now: Date) -> Decision {
        if let lockedUntil, lockedUntil > now { return .locked(until: lockedUntil) }
        if let lastFailureAt, failures > Self.freeFailures, failures < Self.lockoutFailures {
            let wait = min(Self.maximumWait, pow(2, Double(failures - Self.freeFailures - 1)))
            let until = lastFailureAt.addingTimeInterval(wait)
            if until > now { return .wait(until: until) }
        }
        return .check
    }

    /// The counters after one more wrong password at `now`.
    public func failing(at now: Date) -> LoginThrottle {
        // An expired lock starts a fresh count, so an old lock does not relock at once.
        let expired = lockedUntil.map { $0 <= now } ?? false
        let count = (expired ? 0 : failures) + 1
        let lock = count >= Self.lockoutFailures ? now.addingTimeInterval(Self.lockoutDuration) : nil
        return LoginThrottle(failures: count, lastFailureAt: now, lockedUntil: lock)
    }

    public static let cleared = LoginThrottle(failures: 0, lastFailureAt: nil, lockedUntil: nil)
}
