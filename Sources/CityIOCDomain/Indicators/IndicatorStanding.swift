import Foundation

/// Where a value stands: against its target, the period before and the same period a year
/// before, judged in the indicator's own direction (a rise in accidents is bad news).
public struct IndicatorStanding: Sendable, Equatable {
    /// The colour a leader reads first.
    public enum Status: String, Sendable, Codable {
        /// At or past the target (or, without one, better than the period before).
        case good
        /// Within a tenth of the target on the wrong side.
        case watch
        /// Further off.
        case bad
        /// Nothing to compare with.
        case unknown
    }

    public var value: Double
    public var target: Double?
    public var previous: Double?
    public var lastYear: Double?
    public var status: Status
    /// The change from the period before, as a fraction of it (nil when there is none or it is 0).
    public var change: Double?
    /// The change from the period before is for the better, for the worse, or neither.
    public var improved: Bool?

    public init(value: Double, target: Double?, previous: Double?, lastYear: Double?, direction: Indicator.Direction) {
        self.value = value
        self.target = target
        self.previous = previous
        self.lastYear = lastYear
        change = previous.flatMap { $0 == 0 ? nil : (value - $0) / abs($0) }
        improved = previous.flatMap { before in
            guard value != before else { return nil }
            switch direction {
            case .higherIsBetter: return value > before
            case .lowerIsBetter: return value < before
            case .nearTarget: return target.map { abs(value - $0) < abs(before - $0) }
            }
        }
        if let target {
            status = Self.status(value, target: target, direction)
        } else if let improved {
            status = improved ? .good : .watch
        } else {
            status = previous == nil ? .unknown : .good
        }
    }

    /// The tolerance is a tenth of the target (of 1 when the target is 0); "near target" is good
    /// within a twentieth.
    static func status(_ value: Double, target: Double, _ direction: Indicator.Direction) -> Status {
        let tolerance = abs(target) == 0 ? 0.1 : abs(target) * 0.1
        switch direction {
        case .higherIsBetter:
            return value >= target ? .good : value >= target - tolerance ? .watch : .bad
        case .lowerIsBetter:
            return value <= target ? .good : value <= target + tolerance ? .watch : .bad
        case .nearTarget:
            let distance = abs(value - target)
            return distance <= tolerance / 2 ? .good : distance <= tolerance ? .watch : .bad
        }
    }
}
