import Foundation

/// One indicator in one area as a dashboard shows it: the latest value and where it stands,
/// and the trail of the periods before it.
public struct IndicatorSummary: Sendable, Equatable {
    public var indicator: Indicator
    public var latest: IndicatorValue?
    public var standing: IndicatorStanding?
    /// Up to `trailLength` periods ending at the latest, oldest first; nil where none was sent.
    public var trail: [(period: Period, value: Double?)]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.indicator == rhs.indicator && lhs.latest == rhs.latest && lhs.standing == rhs.standing
            && lhs.trail.map(\.period) == rhs.trail.map(\.period) && lhs.trail.map(\.value) == rhs.trail.map(\.value)
    }

    /// `values` and `targets` of this indicator in one area, in any order.
    public init(_ indicator: Indicator, values: [IndicatorValue], targets: [IndicatorTarget], trailLength: Int = 12) {
        self.indicator = indicator
        let byPeriod = Dictionary(values.map { ($0.period, $0) }, uniquingKeysWith: { $1 })
        latest = values.max { $0.period < $1.period }
        guard let latest else {
            standing = nil
            trail = []
            return
        }
        let target = targets.first { $0.period == latest.period }?.target
        standing = IndicatorStanding(
            value: latest.value, target: target, previous: byPeriod[latest.period.previous]?.value,
            lastYear: byPeriod[latest.period.sameLastYear]?.value, direction: indicator.direction)
        trail = latest.period.trailing(trailLength).map { ($0, byPeriod[$0]?.value) }
    }
}
