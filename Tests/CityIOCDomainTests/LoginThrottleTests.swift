import CityIOCDomain
import Foundation
import Testing

@Suite struct LoginThrottleTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func firstFailuresCostNothing() {
        var throttle = LoginThrottle.cleared
        for _ in 0..<LoginThrottle.freeFailures {
            throttle = throttle.failing(at: start)
            #expect(throttle.decision(now: start) == .check)
        }
    }

    @Test func furtherFailuresDoubleTheWait() {
        // given three failures at `start`
        var throttle = LoginThrottle.cleared
        for _ in 0..<3 { throttle = throttle.failing(at: start) }
        // then the next check must wait one second, then two after a fourth failure
        #expect(throttle.decision(now: start) == .wait(until: start.addingTimeInterval(1)))
        #expect(throttle.decision(now: start.addingTimeInterval(1)) == .check)
        throttle = throttle.failing(at: start.addingTimeInterval(1))
        #expect(throttle.decision(now: start.addingTimeInterval(2)) == .wait(until: start.addingTimeInterval(3)))
    }

    @Test func fifthFailureLocksForFifteenMinutes() {
        var throttle = LoginThrottle.cleared
        for _ in 0..<LoginThrottle.lockoutFailures { throttle = throttle.failing(at: start) }
        let until = start.addingTimeInterval(LoginThrottle.lockoutDuration)
        #expect(throttle.lockedUntil == until)
        #expect(throttle.decision(now: start.addingTimeInterval(60)) == .locked(until: until))
        #expect(throttle.decision(now: until.addingTimeInterval(1)) == .check)
    }

    @Test func aFailureAfterAnExpiredLockStartsCountingAgain() {
        var throttle = LoginThrottle.cleared
        for _ in 0..<LoginThrottle.lockoutFailures { throttle = throttle.failing(at: start) }
        let later = start.addingTimeInterval(LoginThrottle.lockoutDuration + 5)
        throttle = throttle.failing(at: later)
        #expect(throttle.failures == 1)
        #expect(throttle.lockedUntil == nil)
        #expect(throttle.decision(now: later) == .check)
    }
}
