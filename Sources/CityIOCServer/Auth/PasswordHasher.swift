import HummingbirdBcrypt
import NIOPosix

/// bcrypt, off the event loops: one hash costs tens to hundreds of milliseconds of CPU by design.
public struct PasswordHasher: Sendable {
    public let cost: UInt8
    /// Checked when a username does not exist, so a wrong name takes as long as a wrong password.
    let decoy: String

    public init(cost: UInt8 = 12) {
        self.cost = cost
        self.decoy = Bcrypt.hash("cityioc-decoy-password", cost: cost)
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String?) async throws -> Bool {
        let target = hash ?? decoy
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: target) }
        return matches && hash != nil
    }
}
