import Foundation
import Testing

@testable import CityIOCDomain

/// VN_AQI against examples worked by hand from Decision 1459/QĐ-TCMT: the interpolation
/// AQIₓ = (Iᵢ₊₁ − Iᵢ) / (BPᵢ₊₁ − BPᵢ) × (Cₓ − BPᵢ) + Iᵢ on Table 2, and the NowCast.
@Suite struct VNAQITests {
    @Test func aSubIndexInterpolatesBetweenTheBreakpointsOfItsTable() {
        // PM2.5 36 µg/m³ lies between BP 25 (I 50) and BP 50 (I 100): 50 + 50/25 × 11 = 72.
        #expect(VNAQI.subIndex(of: .pm25, concentration: 36) == 72)
        // PM10 200: between 150 (100) and 250 (150): 100 + 50/100 × 50 = 125.
        #expect(VNAQI.subIndex(of: .pm10, concentration: 200) == 125)
        // NO2 250: between 200 (100) and 700 (150): 100 + 50/500 × 50 = 105.
        #expect(VNAQI.subIndex(of: .no2, concentration: 250) == 105)
        // CO 12,000: between 10,000 (50) and 30,000 (100): 50 + 50/20,000 × 2,000 = 55.
        #expect(VNAQI.subIndex(of: .co, concentration: 12_000) == 55)
        // SO2 1,000: between 800 (200) and 1,600 (300): 200 + 100/800 × 200 = 225.
        #expect(VNAQI.subIndex(of: .so2, concentration: 1_000) == 225)
        // O3 (1 hour) 180: between 160 (50) and 200 (100): 50 + 50/40 × 20 = 75.
        #expect(VNAQI.subIndex(of: .o3, concentration: 180) == 75)
        // The breakpoints themselves, and rounding half up: PM2.5 25.25 → 50.5 → 51.
        #expect(VNAQI.subIndex(of: .pm25, concentration: 25) == 50)
        #expect(VNAQI.subIndex(of: .pm25, concentration: 25.25) == 51)
        #expect(VNAQI.subIndex(of: .pm25, concentration: 0) == 0)
        #expect(VNAQI.subIndex(of: .pm25, concentration: 500) == 500)
        // Past the table: 500, beyond the scale; not a reading: nothing.
        #expect(VNAQI.subIndex(of: .pm25, concentration: 730) == 500)
        #expect(VNAQI.subIndex(of: .pm25, concentration: -1) == nil)
        #expect(VNAQI.subIndex(of: .pm25, concentration: .nan) == nil)
        #expect(VNAQI.subIndex(440, .o3EightHours) == nil)
    }

    @Test func theNowCastWeighsRecentHoursMore() throws {
        // w* = 15/35 = 0.43, below ½, so w = ½. Σ ½^(i−1)·cᵢ = 30 + 10 + 6.25 + 3.75 + 2.1875 +
        // 0.625 + 0.234375 + 0.15625 + 0.09765625 + 0.05859375 + 0.01953125 + 0.00732421875 =
        // 53.38623046875, over Σ ½^(i−1) = 1.99951171875: 26.6996.
        let calm: [Double?] = [30, 20, 25, 30, 35, 20, 15, 20, 25, 30, 20, 15]
        let nowCast = try #require(VNAQI.nowCast(calm))
        #expect(abs(nowCast - 26.6996) < 0.0001)
        // The decision's own print of the w = ½ case, Σ ½^i·cᵢ = 26.6931: within 0.03 %.
        #expect(abs(nowCast - 26.6931) / 26.6931 < 0.0003)
        // Its hourly index: 50 + 50/25 × (26.70 − 25) = 53.4 → 53, moderate.
        let index = try #require(VNAQI.hourly([.pm25: calm]))
        #expect(index.value == 53)
        #expect(index.band == .moderate)

        // w* = 40/60 = 2/3 > ½, so w = 2/3: Σ (2/3)^(i−1)·cᵢ / Σ (2/3)^(i−1) = 46.40,
        // and 50 + 2 × (46.40 − 25) = 92.8 → 93.
        let steady: [Double?] = [50, 45, 40, 40, 45, 50, 55, 60, 55, 50, 45, 40]
        #expect(abs(try #require(VNAQI.nowCast(steady)) - 46.4018) < 0.0001)
        #expect(VNAQI.hourly([.pm25: steady])?.value == 93)

        // A missing hour drops out of both sums: [40, –, 30 × 10], w = 30/40 = 0.75:
        // (40 + 30 × Σ_{i=2..11} 0.75^i) / (1 + Σ_{i=2..11} 0.75^i) = 33.2017.
        let gap: [Double?] = [40, nil] + Array(repeating: 30, count: 10)
        #expect(abs(try #require(VNAQI.nowCast(gap)) - 33.2017) < 0.0001)
        // Two of the three latest hours are needed.
        #expect(VNAQI.nowCast([40, nil, nil, 30, 30, 30]) == nil)
        #expect(VNAQI.nowCast([nil, 40, 30]) != nil)
        #expect(VNAQI.nowCast([0, 0, 0]) == 0)
    }

    @Test func theHourlyIndexIsTheLargestSubIndexAndNeedsDust() throws {
        // PM2.5 steady (93) against NO2 of 250 in the hour (105): NO2 rules, poor.
        let hours: [AirPollutant: [Double?]] = [
            .pm25: [50, 45, 40, 40, 45, 50, 55, 60, 55, 50, 45, 40], .no2: [250, 20], .o3: [180], .co: [12_000],
        ]
        let index = try #require(VNAQI.hourly(hours))
        #expect(index.value == 105)
        #expect(index.dominant == .no2)
        #expect(index.band == .poor)
        #expect(index.subIndices == [.pm25: 93, .no2: 105, .o3: 75, .co: 55])
        // Without PM2.5 or PM10 there is no index, however bad the gases.
        #expect(VNAQI.hourly([.no2: [900], .o3: [500]]) == nil)
        // A tie goes to dust: PM10 NowCast 150 → 100, O3 200 → 100.
        #expect(VNAQI.hourly([.o3: [200], .pm10: [150, 150, 150]])?.dominant == .pm10)
    }

    @Test func theDailyIndexUsesTheDaysMeansAndPeaks() throws {
        // PM2.5 60 all day: 100 + 50/30 × 10 = 116.67 → 117. NO2 peaks at 250 (105). O3 peaks
        // at 180 in one hour (75) and its best 8-hour mean is 110: 50 + 50/20 × 10 = 75. CO
        // peaks at 12,000 (55). The day is 117, PM2.5, poor.
        let dust = Array(repeating: Double?(60), count: 24)
        var no2 = Array(repeating: Double?(40), count: 24)
        no2[18] = 250
        var o3 = Array(repeating: Double?(60), count: 24)
        for hour in 10..<18 { o3[hour] = 110 }
        o3[13] = 180
        let co = Array(repeating: Double?(2_000), count: 23) + [12_000]
        let index = try #require(VNAQI.daily([.pm25: dust, .no2: no2, .co: co]))
        #expect(index.value == 117)
        #expect(index.dominant == .pm25)
        #expect(index.band == .poor)
        #expect(index.subIndices == [.pm25: 117, .no2: 105, .co: 55])

        // O3 alone: the 8-hour means of hours 10–17 are (7 × 110 + 180) / 8 = 118.75, whose
        // sub-index 50 + 50/20 × 18.75 = 96.9 → 97 beats the 1-hour peak's 75.
        let ozone = try #require(VNAQI.daily([.pm25: dust, .o3: o3]))
        #expect(ozone.subIndices[.o3] == 97)
        // Eighteen hours of dust make a day; seventeen do not.
        #expect(VNAQI.daily([.pm25: Array(repeating: 60, count: 18) + Array(repeating: nil, count: 6)])?.value == 117)
        #expect(VNAQI.daily([.pm25: Array(repeating: 60, count: 17) + Array(repeating: nil, count: 7)]) == nil)
    }

    @Test func bandsHaveTheDecisionsRangesNamesAndColours() {
        #expect(AirQualityBand(aqi: 50) == .good)
        #expect(AirQualityBand(aqi: 51) == .moderate)
        #expect(AirQualityBand(aqi: 150) == .poor)
        #expect(AirQualityBand(aqi: 151) == .bad)
        #expect(AirQualityBand(aqi: 300) == .veryBad)
        #expect(AirQualityBand(aqi: 301) == .hazardous)
        #expect(AirQualityBand(aqi: 500) == .hazardous)
        #expect(AirQualityBand.allCases.map(\.hex) == ["#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#8F3F97", "#7E0023"])
        #expect(AirQualityBand.poor.name(.vi) == "Kém")
        #expect(AirQualityBand.veryBad.name(.en) == "Very bad")
        for band in AirQualityBand.allCases { #expect(AirQualityBand(aqi: band.range.lowerBound) == band) }
    }
}
