import CityIOCDomain
import Foundation

/// Indicators CityIOC computes from its citizen reports (method `computed`): reports received,
/// the share answered on time and the average rating, per month, for the province and each ward.
/// Read from the statistics counters (a month is a few hundred counter rows), written through
/// `IndicatorStore.setValues`, which stores only what changed (so a run that finds nothing new
/// writes nothing and audits nothing). Run every minute by the `report-indicators` job of each
/// server, and by the demo once it has its past reports.
enum ReportIndicators {
    static let received = Indicator(
        code: "phan-anh-tiep-nhan", name: "Số phản ánh hiện trường tiếp nhận", nameEn: "Citizen reports received",
        sector: .publicServices, unit: "phản ánh", frequency: .month, direction: .nearTarget, method: .computed,
        source: "CityIOC: phản ánh hiện trường")
    static let onTime = Indicator(
        code: "phan-anh-dung-han", name: "Tỷ lệ phản ánh xử lý đúng hạn", nameEn: "Citizen reports answered on time",
        sector: .publicServices, unit: "%", frequency: .month, direction: .higherIsBetter, method: .computed,
        source: "CityIOC: phản ánh hiện trường", decimals: 1)
    static let satisfaction = Indicator(
        code: "phan-anh-hai-long", name: "Mức hài lòng bình quân với kết quả xử lý phản ánh", nameEn: "Average rating of answers to reports",
        sector: .publicServices, unit: "điểm (1–5)", frequency: .month, direction: .higherIsBetter, method: .computed,
        source: "CityIOC: phản ánh hiện trường", decimals: 2)
    static let all = [received, onTime, satisfaction]

    /// The last `months` months up to this one: catalogue entries added if missing, values
    /// written where they changed. Returns how many values were written.
    @discardableResult
    static func compute(_ services: AppServices, months: Int = 13, now: Date = Date()) async throws -> Int {
        let context = ChangeContext(principal: .system("indicators"), now: now)
        for indicator in all where try await services.indicators.indicator(indicator.code) == nil {
            do { try await services.indicators.saveIndicator(indicator, context: context) } catch StoreError.duplicate {}
        }
        let calendar = try await services.calendar.workingCalendar()
        guard let province = try await services.organisation.areas(AreaQuery(level: .province)).first else { return 0 }
        let wards = Set(try await services.organisation.areas(AreaQuery(includeInactive: true)).map(\.code.rawValue))
        let today = calendar.civilDay(of: now)
        var drafts: [IndicatorValueDraft] = []
        for period in Period(.month, containing: today).trailing(months) {
            let month = YearMonth(period.start)
            let statistics = try await services.statistics.reportStatistics(
                StatisticsQuery(from: month, to: month, scope: .all, now: now), calendar: calendar)
            var tallies: [(Area.Code, ReportTally)] = [(province.code, statistics.overall)]
            for (ward, tally) in statistics.breakdown[.ward] ?? [:] where wards.contains(ward) { tallies.append((Area.Code(ward), tally)) }
            for (area, tally) in tallies where tally.total > 0 {
                drafts.append(IndicatorValueDraft(indicator: received.code, area: area, period: period, value: Double(tally.total)))
                if let rate = tally.onTimeRate {
                    drafts.append(IndicatorValueDraft(indicator: onTime.code, area: area, period: period, value: onTime.rounded(rate * 100)))
                }
                if let stars = tally.averageStars {
                    drafts.append(IndicatorValueDraft(indicator: satisfaction.code, area: area, period: period, value: satisfaction.rounded(stars)))
                }
            }
        }
        let summary = try await services.indicators.setValues(drafts, context: context)
        return summary.created + summary.corrected
    }
}
