import Foundation

/// The six pollutants of the Vietnamese air-quality index, as stations report them (µg/m³;
/// CO too, not mg/m³).
public enum AirPollutant: String, CaseIterable, Sendable, Codable {
    case pm25, pm10, o3, no2, so2, co

    /// As a station's page writes it.
    public var label: String {
        switch self {
        case .pm25: "PM2.5"
        case .pm10: "PM10"
        case .o3: "O₃"
        case .no2: "NO₂"
        case .so2: "SO₂"
        case .co: "CO"
        }
    }
}

/// The six bands of VN_AQI with their names and colours (Decision 1459/QĐ-TCMT, Table 1).
public enum AirQualityBand: Int, CaseIterable, Sendable, Comparable, Codable {
    case good = 1, moderate, poor, bad, veryBad, hazardous

    public init(aqi: Int) {
        switch aqi {
        case ...50: self = .good
        case ...100: self = .moderate
        case ...150: self = .poor
        case ...200: self = .bad
        case ...300: self = .veryBad
        default: self = .hazardous
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var range: ClosedRange<Int> {
        switch self {
        case .good: 0...50
        case .moderate: 51...100
        case .poor: 101...150
        case .bad: 151...200
        case .veryBad: 201...300
        case .hazardous: 301...500
        }
    }

    public func name(_ language: Language) -> String {
        switch (self, language) {
        case (.good, .vi): "Tốt"
        case (.good, .en): "Good"
        case (.moderate, .vi): "Trung bình"
        case (.moderate, .en): "Moderate"
        case (.poor, .vi): "Kém"
        case (.poor, .en): "Poor"
        case (.bad, .vi): "Xấu"
        case (.bad, .en): "Bad"
        case (.veryBad, .vi): "Rất xấu"
        case (.veryBad, .en): "Very bad"
        case (.hazardous, .vi): "Nguy hại"
        case (.hazardous, .en): "Hazardous"
        }
    }

    /// The decision's RGB code of the band (green, yellow, orange, red, purple, maroon).
    public var rgb: (red: Int, green: Int, blue: Int) {
        switch self {
        case .good: (0, 228, 0)
        case .moderate: (255, 255, 0)
        case .poor: (255, 126, 0)
        case .bad: (255, 0, 0)
        case .veryBad: (143, 63, 151)
        case .hazardous: (126, 0, 35)
        }
    }

    /// `#00E400`, for CSS and SVG.
    public var hex: String {
        let (red, green, blue) = rgb
        return "#" + [red, green, blue].map { ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) }.joined()
    }
}

/// An index and how it was reached: the largest sub-index wins, and it names the pollutant.
public struct AirQualityIndex: Sendable, Equatable, Codable {
    public var value: Int
    public var band: AirQualityBand { AirQualityBand(aqi: value) }
    /// The pollutant whose sub-index is the index.
    public var dominant: AirPollutant
    /// Every pollutant that had enough readings, with its sub-index.
    public var subIndices: [AirPollutant: Int]
    /// A concentration past the last breakpoint of its table: shown as 500, "beyond the scale".
    public var beyondScale: Bool
}

/// Vietnam's air-quality index (VN_AQI) as the Vietnam Environment Administration's Decision
/// 1459/QĐ-TCMT of 12 November 2019 defines it: a sub-index per pollutant by linear
/// interpolation in the decision's Table 2 of breakpoints, and the index as the largest
/// sub-index, which must include PM2.5 or PM10.
///
/// - Hourly index: O₃, NO₂, SO₂ and CO from the hour's 1-hour mean; PM2.5 and PM10 from the
///   NowCast of the last 12 hourly means (weights w^(i−1), w = cmin/cmax but at least ½; at
///   least two of the three latest hours present).
/// - Daily index: PM2.5 and PM10 from the 24-hour mean; NO₂, SO₂ and CO from the day's largest
///   1-hour mean; O₃ from the larger of the sub-indices of its largest 1-hour mean and of its
///   largest 8-hour mean (the 8-hour table stops at 400 µg/m³, past which the 1-hour value rules).
///
/// Where the decision leaves a choice to the implementer this type says what it does: sub-indices
/// are rounded half up to a whole number; the NowCast is always written normalised
/// (Σ w^(i−1)·cᵢ / Σ w^(i−1), over the hours present) — the decision prints the w = ½ case as
/// Σ ½^i·cᵢ, equal to it within 0.03 % when all twelve hours are there, and the normalised form
/// stays right when some are missing; a 24-hour mean needs 18 of the 24 hours and an 8-hour mean
/// 6 of its 8 (three quarters, the usual completeness rule for monitoring data).
public enum VNAQI {
    /// Table 2: concentration breakpoints BPᵢ (µg/m³) for the index values Iᵢ.
    static let indexSteps: [Double] = [0, 50, 100, 150, 200, 300, 400, 500]

    enum Table {
        case o3Hour, o3EightHours, co, so2, no2, pm10, pm25

        var breakpoints: [Double] {
            switch self {
            case .o3Hour: [0, 160, 200, 300, 400, 800, 1000, 1200]
            case .o3EightHours: [0, 100, 120, 170, 210, 400]
            case .co: [0, 10000, 30000, 45000, 60000, 90000, 120000, 150000]
            case .so2: [0, 125, 350, 550, 800, 1600, 2100, 2630]
            case .no2: [0, 100, 200, 700, 1200, 2350, 3100, 3850]
            case .pm10: [0, 50, 150, 250, 350, 420, 500, 600]
            case .pm25: [0, 25, 50, 80, 150, 250, 350, 500]
            }
        }

        init(hourly pollutant: AirPollutant) {
            switch pollutant {
            case .pm25: self = .pm25
            case .pm10: self = .pm10
            case .o3: self = .o3Hour
            case .no2: self = .no2
            case .so2: self = .so2
            case .co: self = .co
            }
        }
    }

    /// The sub-index of a concentration, or nil for a value that is not a reading (negative, not
    /// a number) or, on the 8-hour O₃ table, past its end. Past the last breakpoint of the other
    /// tables: 500 and `beyond`.
    static func subIndex(_ concentration: Double, _ table: Table) -> (value: Int, beyond: Bool)? {
        guard concentration.isFinite, concentration >= 0 else { return nil }
        let points = table.breakpoints
        guard let upper = points.indices.dropFirst().first(where: { concentration <= points[$0] }) else {
            return table == .o3EightHours ? nil : (500, true)
        }
        let (low, high) = (points[upper - 1], points[upper])
        let (indexLow, indexHigh) = (indexSteps[upper - 1], indexSteps[upper])
        let exact = (indexHigh - indexLow) / (high - low) * (concentration - low) + indexLow
        return (Int((exact + 0.5).rounded(.down)), false)
    }

    /// The sub-index of one pollutant's concentration on its hourly table (PM: a NowCast or a
    /// 24-hour mean; gases: a 1-hour mean).
    public static func subIndex(of pollutant: AirPollutant, concentration: Double) -> Int? {
        subIndex(concentration, Table(hourly: pollutant))?.value
    }

    /// The NowCast of hourly means, the latest first (`hours[0]` is the hour being indexed; nil
    /// where a station sent nothing), over at most 12 hours.
    public static func nowCast(_ hours: [Double?]) -> Double? {
        let window = Array(hours.prefix(12))
        guard window.prefix(3).compactMap({ $0 }).count >= 2 else { return nil }
        let present = window.compactMap { $0 }.filter { $0.isFinite && $0 >= 0 }
        guard let lowest = present.min(), let highest = present.max() else { return nil }
        guard highest > 0 else { return 0 }
        let weight = max(lowest / highest, 0.5)
        var sum = 0.0
        var weights = 0.0
        var factor = 1.0
        for hour in window {
            if let value = hour, value.isFinite, value >= 0 {
                sum += factor * value
                weights += factor
            }
            factor *= weight
        }
        return sum / weights
    }

    /// The hourly index. `hours[pollutant]` holds that pollutant's hourly means, the latest
    /// first (12 are used for PM, the first alone for gases). Nil without PM2.5 or PM10.
    public static func hourly(_ hours: [AirPollutant: [Double?]]) -> AirQualityIndex? {
        var found: [AirPollutant: (value: Int, beyond: Bool)] = [:]
        for (pollutant, series) in hours {
            let concentration: Double?
            switch pollutant {
            case .pm25, .pm10: concentration = nowCast(series)
            default: concentration = series.first ?? nil
            }
            if let concentration, let index = subIndex(concentration, Table(hourly: pollutant)) { found[pollutant] = index }
        }
        return index(found)
    }

    /// The daily index. `hours[pollutant]` holds that pollutant's hourly means in time order,
    /// the day's 24 last; for O₃ the seven hours before the day may come first, so that the
    /// 8-hour means ending in the day's first hours are whole. Nil without PM2.5 or PM10.
    public static func daily(_ hours: [AirPollutant: [Double?]]) -> AirQualityIndex? {
        var found: [AirPollutant: (value: Int, beyond: Bool)] = [:]
        for (pollutant, series) in hours {
            let day = Array(series.suffix(24)).map { $0.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } }
            let present = day.compactMap { $0 }
            switch pollutant {
            case .pm25, .pm10:
                guard present.count >= 18 else { continue }
                if let index = subIndex(present.reduce(0, +) / Double(present.count), Table(hourly: pollutant)) { found[pollutant] = index }
            case .o3:
                let hour = present.max().flatMap { subIndex($0, .o3Hour) }
                let eight = eightHourMeans(series).max().flatMap { subIndex($0, .o3EightHours) }
                if let best = [hour, eight].compactMap({ $0 }).max(by: { $0.value < $1.value }) { found[pollutant] = best }
            case .no2, .so2, .co:
                if let highest = present.max(), let index = subIndex(highest, Table(hourly: pollutant)) { found[pollutant] = index }
            }
        }
        return index(found)
    }

    /// The 8-hour means ending at each of the last 24 hours of a series in time order, where 6
    /// of the 8 hours are present.
    static func eightHourMeans(_ series: [Double?]) -> [Double] {
        let clean = series.map { $0.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } }
        var means: [Double] = []
        for end in max(0, clean.count - 24)..<clean.count {
            let window = clean[max(0, end - 7)...end].compactMap { $0 }
            if window.count >= 6 { means.append(window.reduce(0, +) / Double(window.count)) }
        }
        return means
    }

    static func index(_ found: [AirPollutant: (value: Int, beyond: Bool)]) -> AirQualityIndex? {
        guard found[.pm25] != nil || found[.pm10] != nil else { return nil }
        // The largest wins; on a tie the first in the decision's order (PM first).
        var best: (pollutant: AirPollutant, value: Int, beyond: Bool)?
        for pollutant in AirPollutant.allCases {
            guard let index = found[pollutant] else { continue }
            if best == nil || index.value > best!.value { best = (pollutant, index.value, index.beyond) }
        }
        guard let best else { return nil }
        return AirQualityIndex(value: best.value, dominant: best.pollutant, subIndices: found.mapValues(\.value), beyondScale: best.beyond)
    }
}
