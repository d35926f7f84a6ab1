import CityIOCDomain
import Foundation

/// Made-up but plausible values for the demo city's indicators: a trend, a season and some
/// noise per indicator, for the province and, for what each ward reports, per ward (the
/// province's count is then the sum of its wards'); the plan's targets for this year.
/// Deterministic: the same seed gives the same city.
struct DemoIndicators {
    /// Where a demo series starts (its value three years ago), how much it grows a year, how
    /// far it swings with the seasons and how noisy it is.
    struct Shape {
        var start: Double
        var growth: Double
        var season: Double = 0
        var noise: Double = 0.03
        var perWard = false
    }

    static let shapes: [String: Shape] = [
        "grdp-tang-truong": Shape(start: 10.2, growth: -0.02, noise: 0.05),
        "thu-ngan-sach": Shape(start: 4_200, growth: 0.06, season: 0.15, noise: 0.08),
        "giai-ngan-dau-tu-cong": Shape(start: 38, growth: 0.05, season: 0.3),
        "doanh-nghiep-moi": Shape(start: 230, growth: 0.04, season: 0.2, noise: 0.1),
        "ho-so-truc-tuyen-toan-trinh": Shape(start: 58, growth: 0.12, perWard: true),
        "ho-so-dung-han": Shape(start: 94, growth: 0.015, noise: 0.01, perWard: true),
        "thanh-toan-truc-tuyen": Shape(start: 41, growth: 0.15),
        "tai-nan-giao-thong": Shape(start: 26, growth: -0.06, season: 0.2, noise: 0.15, perWard: true),
        "nguoi-chet-tai-nan": Shape(start: 11, growth: -0.05, noise: 0.2),
        "vu-chay-no": Shape(start: 9, growth: -0.03, season: 0.3, noise: 0.25),
        "pham-phap-hinh-su": Shape(start: 48, growth: -0.04, noise: 0.1),
        "giuong-benh": Shape(start: 31, growth: 0.03, noise: 0.01),
        "bao-hiem-y-te": Shape(start: 93.5, growth: 0.01, noise: 0.003),
        "tiem-chung-day-du": Shape(start: 95, growth: 0.005, noise: 0.01),
        "ho-so-suc-khoe-dien-tu": Shape(start: 62, growth: 0.12),
        "truong-hoc-thong-minh": Shape(start: 28, growth: 0.17, noise: 0),
        "lop-hoc-thong-minh": Shape(start: 600, growth: 0.16, noise: 0.01),
        "tot-nghiep-thpt": Shape(start: 98.1, growth: 0.002, noise: 0.003),
        "hoc-sinh-tren-giao-vien": Shape(start: 21, growth: -0.01, noise: 0.01),
        "luot-khach-du-lich": Shape(start: 1_050, growth: 0.1, season: 0.45, noise: 0.06, perWard: true),
        "khach-quoc-te": Shape(start: 160, growth: 0.18, season: 0.35, noise: 0.08),
        "doanh-thu-du-lich": Shape(start: 2_300, growth: 0.12, season: 0.45, noise: 0.06),
        "cong-suat-phong": Shape(start: 52, growth: 0.04, season: 0.3),
        "ngay-khong-khi-tot": Shape(start: 26, growth: 0.01, season: 0.1, noise: 0.05),
        "thu-gom-rac": Shape(start: 93, growth: 0.015, noise: 0.01, perWard: true),
        "nuoc-sach-do-thi": Shape(start: 96, growth: 0.008, noise: 0.004, perWard: true),
        "nuoc-thai-xu-ly": Shape(start: 42, growth: 0.09),
        "chi-so-san-xuat-cong-nghiep": Shape(start: 108, growth: -0.005, noise: 0.02),
        "ban-le-hang-hoa": Shape(start: 6_800, growth: 0.09, season: 0.12),
        "kim-ngach-xuat-khau": Shape(start: 210, growth: 0.08, season: 0.1, noise: 0.07),
        "san-luong-than": Shape(start: 4_000, growth: 0, season: 0.08, noise: 0.04),
        "viec-lam-moi": Shape(start: 1_900, growth: 0.03, season: 0.2, noise: 0.1, perWard: true),
        "ho-ngheo-da-chieu": Shape(start: 1.9, growth: -0.2, noise: 0.02, perWard: true),
        "that-nghiep-thanh-thi": Shape(start: 2.6, growth: -0.03, noise: 0.04),
        "lao-dong-qua-dao-tao": Shape(start: 84, growth: 0.015, noise: 0.005),
        "doanh-nghiep-khcn": Shape(start: 38, growth: 0.1, noise: 0.03),
        "don-so-huu-cong-nghiep": Shape(start: 70, growth: 0.08, noise: 0.15),
        "ho-cap-quang": Shape(start: 78, growth: 0.06, noise: 0.01),
        "chi-so-gia-tieu-dung": Shape(start: 103.4, growth: 0, noise: 0.006),
        "gia-gao-te": Shape(start: 14_500, growth: 0.04, noise: 0.02),
        "gia-thit-lon": Shape(start: 58_000, growth: 0.03, season: 0.06, noise: 0.04),
        "gia-xang-ron95": Shape(start: 23_500, growth: 0.01, noise: 0.04),
    ]

    let indicators: [Indicator]
    let province: Area.Code
    let wards: [Area.Code]
    let today: CivilDay
    var seed: UInt64 = 2026

    /// How many periods back each frequency goes.
    static func depth(_ frequency: Period.Frequency) -> Int {
        switch frequency {
        case .day: 120
        case .month: 36
        case .quarter: 12
        case .year: 6
        }
    }

    /// The values, and the targets of this year's periods for the province.
    func values() -> (values: [IndicatorValueDraft], targets: [IndicatorTarget]) {
        var random = ReportHistory.Random(state: seed)
        var values: [IndicatorValueDraft] = []
        var targets: [IndicatorTarget] = []
        for indicator in indicators {
            guard let shape = Self.shapes[indicator.code.rawValue] else { continue }
            // The last whole period: this month's figures are not in yet.
            let last = Period(indicator.frequency, containing: today).previous
            let periods = last.trailing(Self.depth(indicator.frequency))
            let perYear = Double(periodsPerYear(indicator.frequency))
            // A share cannot pass 100 %; an index in per cent (CPI, IIP: 103.4) can.
            let isRate = indicator.unit == "%" && shape.start <= 100
            // Each ward's part of a count, and its lead or lag on a rate.
            let shares = wards.map { _ in 0.5 + Double.random(in: 0..<1, using: &random) }
            let totalShare = shares.reduce(0, +)
            let leads = wards.map { _ in (Double.random(in: 0..<1, using: &random) - 0.5) * 0.12 }
            for (step, period) in periods.enumerated() {
                let years = Double(step) / perYear
                let month = Double(period.start.month)
                let seasonal = 1 + shape.season * sin((month - 3) / 12 * 2 * .pi)
                var value = shape.start * pow(1 + shape.growth, years) * seasonal * (1 + shape.noise * (Double.random(in: 0..<1, using: &random) * 2 - 1))
                if isRate { value = min(value, 99.9) }
                let rounded = indicator.rounded
                if shape.perWard && !wards.isEmpty {
                    if isRate {
                        for (place, ward) in wards.enumerated() {
                            values.append(
                                IndicatorValueDraft(
                                    indicator: indicator.code, area: ward, period: period, value: rounded(min(value * (1 + leads[place]), 100))))
                        }
                    } else {
                        // A count is shared out so that the wards add up to the province's figure.
                        value = rounded(value)
                        for (place, part) in Self.apportion(value, shares: shares.map { $0 / totalShare }, decimals: indicator.decimals).enumerated() {
                            values.append(IndicatorValueDraft(indicator: indicator.code, area: wards[place], period: period, value: part))
                        }
                    }
                }
                values.append(IndicatorValueDraft(indicator: indicator.code, area: province, period: period, value: rounded(value)))
                if period.start.year == today.year {
                    // The plan: a little better than the trend, in the indicator's direction.
                    let trend = shape.start * pow(1 + shape.growth, years) * seasonal
                    let ambition = indicator.direction == .lowerIsBetter ? 0.97 : indicator.direction == .higherIsBetter ? 1.03 : 1
                    targets.append(
                        IndicatorTarget(
                            indicator: indicator.code, area: province, period: period,
                            target: rounded(isRate ? min(trend * ambition, 100) : trend * ambition)))
                }
            }
        }
        return (values, targets)
    }

    func periodsPerYear(_ frequency: Period.Frequency) -> Int {
        switch frequency {
        case .day: 365
        case .month: 12
        case .quarter: 4
        case .year: 1
        }
    }

    /// `total` in parts proportional to `shares` (which add up to 1), each rounded to
    /// `decimals` places and adding up to the total exactly (largest remainders get the units).
    static func apportion(_ total: Double, shares: [Double], decimals: Int) -> [Double] {
        let scale = pow(10, Double(decimals))
        let units = Int((total * scale).rounded())
        let exact = shares.map { $0 * Double(units) }
        var parts = exact.map { Int($0.rounded(.down)) }
        let order = exact.indices.sorted { exact[$0] - Double(parts[$0]) > exact[$1] - Double(parts[$1]) }
        for index in order.prefix(max(0, units - parts.reduce(0, +))) { parts[index] += 1 }
        return parts.map { Double($0) / scale }
    }

}

extension DemoCity {
    /// For benchmarks: `indicators` made-up monthly indicators (`bench-0001`…, over the sectors)
    /// with a value for each of `areas` areas (the province, its wards, then made-up areas
    /// `T0001`… under the province) in each of the last `months` months. Returns the values written.
    public func loadIndicatorScale(indicators count: Int, areas: Int, months: Int, now: Date = Date()) async throws -> Int {
        let context = ChangeContext(principal: .system("demo"), now: now)
        let known = try await organisation.areas(AreaQuery(includeInactive: true))
        guard let province = known.first(where: { $0.level == .province }) else { throw StoreError.notFound }
        var codes = [province.code] + known.filter { $0.parentCode == province.code }.map(\.code).sorted()
        var extra = 0
        while codes.count < areas {
            extra += 1
            let code = Area.Code("T\(extra.zeroPadded(4))")
            try await organisation.saveArea(
                Area(code: code, name: "Khu thử nghiệm \(extra)", level: .ward, parentCode: province.code), context: context)
            codes.append(code)
        }
        codes = Array(codes.prefix(areas))
        let sectors = Indicator.Sector.allCases
        var made: [Indicator] = []
        for number in 1...count {
            let indicator = Indicator(
                code: Indicator.Code("bench-\(number.zeroPadded(4))"), name: "Chỉ tiêu thử nghiệm \(number)", nameEn: "Benchmark indicator \(number)",
                sector: sectors[number % sectors.count], unit: number % 3 == 0 ? "%" : "đơn vị", frequency: .month,
                direction: number % 4 == 0 ? .lowerIsBetter : .higherIsBetter, agency: "so-tai-chinh", source: "benchmark", decimals: 1)
            try await indicators.saveIndicator(indicator, context: context)
            made.append(indicator)
        }
        let today = try await calendar.workingCalendar().civilDay(of: now)
        let periods = Period(.month, containing: today).previous.trailing(months)
        var random = ReportHistory.Random(state: 37)
        var batch: [IndicatorValueDraft] = []
        var written = 0
        for indicator in made {
            for area in codes {
                var level = 50 + Double.random(in: 0..<50, using: &random)
                for period in periods {
                    level *= 1 + Double.random(in: -0.04..<0.05, using: &random)
                    batch.append(IndicatorValueDraft(indicator: indicator.code, area: area, period: period, value: indicator.rounded(level)))
                }
                if batch.count >= 50_000 {
                    written += try await indicators.setValues(batch, context: context).created
                    batch.removeAll(keepingCapacity: true)
                }
            }
        }
        if !batch.isEmpty { written += try await indicators.setValues(batch, context: context).created }
        return written
    }
}
