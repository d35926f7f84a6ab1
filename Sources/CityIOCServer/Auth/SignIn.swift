import CityIOCDomain
import Foundation
import Logging
import Metrics

/// Checks a username and password against the account's throttle and, when right, opens a
/// session. Kept apart from the page so the rules are tested without HTML.
struct SignIn: Sendable {
    let accounts: any AccountStore
    let hasher: PasswordHasher
    let policy: SessionPolicy

    enum Outcome: Sendable {
        /// The cookie value to set (the token itself; only its hash is stored).
        case signedIn(token: String, user: User)
        case wrongCredentials
        case wait(until: Date)
        case locked(until: Date)
    }

    func attempt(
        username: String, password: String, userAgent: String?, remoteAddress: String?, requestID: String?,
        now: Date = Date()
    ) async throws -> Outcome {
        let outcome = try await check(
            username: username, password: password, userAgent: userAgent, remoteAddress: remoteAddress,
            requestID: requestID, now: now)
        let label: String
        switch outcome {
        case .signedIn: label = "success"
        case .wrongCredentials: label = "failure"
        case .wait: label = "throttled"
        case .locked: label = "locked"
        }
        Counter(label: "cityioc_logins_total", dimensions: [("outcome", label)]).increment()
        return outcome
    }

    private func check(
        username: String, password: String, userAgent: String?, remoteAddress: String?, requestID: String?, now: Date
    ) async throws -> Outcome {
        guard let credentials = try await accounts.credentials(username: username) else {
            _ = try await hasher.verify(password, hash: nil)
            return .wrongCredentials
        }
        let user = credentials.user
        switch user.throttle.decision(now: now) {
        case .locked(let until): return .locked(until: until)
        case .wait(let until): return .wait(until: until)
        case .check: break
        }
        let context = ChangeContext(
            principal: Principal(kind: .anonymous, id: "", name: "login:\(user.username)", role: .public, agencyID: nil),
            requestID: requestID, now: now)
        guard try await hasher.verify(password, hash: credentials.passwordHash), user.active else {
            try await accounts.recordLoginFailure(user.id, throttle: user.throttle, context: context)
            let next = user.throttle.failing(at: now)
            if let until = next.lockedUntil { return .locked(until: until) }
            return .wrongCredentials
        }
        let token = Secret.token()
        let session = SessionRecord(
            tokenHash: Secret.sha256(token), userID: user.id, csrfToken: Secret.token(), createdAt: now,
            expiresAt: now.addingTimeInterval(policy.idleLifetime), lastSeenAt: now,
            userAgent: userAgent.map { String($0.prefix(300)) }, remoteAddress: remoteAddress)
        try await accounts.createSession(session, context: ChangeContext(principal: user.principal, requestID: requestID, now: now))
        return .signedIn(token: token, user: user)
    }
}
