import Foundation

/// How an indicator is derived from others, recomputed when their values change:
/// - `sum:CODE` — the province's value is the sum of its wards' values of CODE for the period
///   (the wards that sent one; a count or an amount, not a rate);
/// - `ratio:A/B*K` — each area's A ÷ B × K for the period, where both are there and B is not
///   zero (K = 100 for a percentage, 100000 for "per 100,000 people" with B the population).
/// The inputs are of the derived indicator's frequency and are not derived themselves.
public enum IndicatorFormula: Sendable, Equatable, Codable, CustomStringConvertible {
    case sumOfWards(Indicator.Code)
    case ratio(Indicator.Code, over: Indicator.Code, scale: Double)

    public init?(_ text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("sum:") {
            let code = String(text.dropFirst(4)).trimmingCharacters(in: .whitespaces)
            guard Self.isCode(code) else { return nil }
            self = .sumOfWards(Indicator.Code(code))
        } else if text.hasPrefix("ratio:") {
            let body = text.dropFirst(6)
            let parts = body.split(separator: "*", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let scale = parts.count == 2 ? Double(parts[1]) : 1
            let codes = parts[0].split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }
            guard codes.count == 2, Self.isCode(codes[0]), Self.isCode(codes[1]), codes[0] != codes[1], let scale, scale.isFinite, scale != 0 else {
                return nil
            }
            self = .ratio(Indicator.Code(codes[0]), over: Indicator.Code(codes[1]), scale: scale)
        } else {
            return nil
        }
    }

    static func isCode(_ text: String) -> Bool {
        (2...64).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "-_.".contains($0)) }
    }

    public var description: String {
        switch self {
        case .sumOfWards(let code): "sum:\(code.rawValue)"
        case .ratio(let numerator, let denominator, let scale):
            "ratio:\(numerator.rawValue)/\(denominator.rawValue)" + (scale == 1 ? "" : "*" + (scale == scale.rounded() ? String(Int64(scale)) : "\(scale)"))
        }
    }

    public var inputs: [Indicator.Code] {
        switch self {
        case .sumOfWards(let code): [code]
        case .ratio(let numerator, let denominator, _): [numerator, denominator]
        }
    }

    /// The derived values from the inputs' values: per area and period.
    public func values(from inputs: [IndicatorValue], province: Area.Code, wards: Set<Area.Code>) -> [(area: Area.Code, period: Period, value: Double)] {
        switch self {
        case .sumOfWards(let code):
            var sums: [Period: Double] = [:]
            for value in inputs where value.indicator == code && wards.contains(value.area) { sums[value.period, default: 0] += value.value }
            return sums.map { (province, $0.key, $0.value) }
        case .ratio(let numerator, let denominator, let scale):
            var below: [String: Double] = [:]
            for value in inputs where value.indicator == denominator { below["\(value.area.rawValue) \(value.period)"] = value.value }
            return inputs.compactMap { value in
                guard value.indicator == numerator, let under = below["\(value.area.rawValue) \(value.period)"], under != 0 else { return nil }
                let result = value.value / under * scale
                return result.isFinite ? (value.area, value.period, result) : nil
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let formula = IndicatorFormula(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected sum:CODE or ratio:A/B*K"))
        }
        self = formula
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
