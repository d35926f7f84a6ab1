import CityIOCDomain
import Foundation
import Hummingbird

/// Every indicator table as a download: the same rows a page shows, as CSV or .xlsx (the page's
/// address with `?format=csv` or `?format=xlsx`), with column names in the reader's language and
/// numbers as numbers, rounded to the indicator's decimals.
extension IndicatorPages {
    /// `?format=` when it asks for a download; a format that is not one of ours is the client's mistake.
    static func download(_ request: Request) throws -> Spreadsheet.Format? {
        guard let asked = request.uri.queryParameters["format"] else { return nil }
        guard let format = Spreadsheet.Format(rawValue: String(asked)) else { throw ValidationError(field: "format", reason: .invalidValue) }
        return format
    }

    /// The links to a table's downloads: the page's own address and query, with the format.
    static func downloads(_ request: Request, _ chrome: Chrome, table: String? = nil) -> HTML {
        var query = request.uri.queryParameters.filter { $0.key != "format" && $0.key != "table" }.map {
            "\($0.key)=\(String($0.value).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.sorted()
        if let table { query.append("table=\(table)") }
        let base = request.uri.path + "?" + (query.isEmpty ? "" : query.joined(separator: "&") + "&")
        return """
            <p class="downloads">\(Text(vi: "Tải bảng", en: "Download the table")(chrome.language)): <a href="\(base)format=xlsx" download>Excel (.xlsx)</a> · <a href="\(base)format=csv" download>CSV</a></p>
            """
    }

    static func number(_ value: Double?, _ indicator: Indicator) -> Spreadsheet.Cell {
        value.map { .number(indicator.rounded($0)) } ?? .empty
    }

    /// A board's rows: each indicator's latest value and how it stands.
    static func sheet(_ board: IndicatorBoard, _ language: Language, name: String) -> Spreadsheet {
        let header =
            language == .vi
            ? ["ma_chi_tieu", "chi_tieu", "linh_vuc", "dia_ban", "ky", "gia_tri", "don_vi", "ke_hoach", "ky_truoc", "thay_doi_phan_tram", "cung_ky_nam_truoc", "tinh_trang"]
            : ["code", "indicator", "sector", "area", "period", "value", "unit", "target", "previous", "change_percent", "a_year_before", "status"]
        var sheet = Spreadsheet(name: name, header: header)
        for summary in board.summaries {
            let indicator = summary.indicator
            let standing = summary.standing
            sheet.rows.append([
                .text(indicator.code.rawValue), .text(indicator.name(language)), .text(indicator.sector.name(language)), .text(board.area.name),
                summary.latest.map { .text($0.period.description) } ?? .empty, number(summary.latest?.value, indicator), .text(indicator.unit),
                number(standing?.target, indicator), number(standing?.previous, indicator),
                standing?.change.map { .number(($0 * 1000).rounded() / 10) } ?? .empty, number(standing?.lastYear, indicator),
                .text(statusName(standing?.status ?? .unknown, language)),
            ])
        }
        return sheet
    }

    /// An indicator's values in one area, newest first, with targets and who sent them.
    static func historySheet(_ indicator: Indicator, area: Area, values: [IndicatorValue], targets: [IndicatorTarget], _ language: Language) -> Spreadsheet {
        let header =
            language == .vi
            ? ["ky", "dia_ban", "gia_tri", "don_vi", "ke_hoach", "nguoi_cap_nhat", "luc", "ghi_chu"]
            : ["period", "area", "value", "unit", "target", "set_by", "set_at", "note"]
        let target = Dictionary(targets.map { ($0.period, $0.target) }, uniquingKeysWith: { $1 })
        let stamp = ISO8601DateFormatter()
        var sheet = Spreadsheet(name: indicator.code.rawValue, header: header)
        for value in values.sorted(by: { $0.period > $1.period }) {
            sheet.rows.append([
                .text(value.period.description), .text(area.name), number(value.value, indicator), .text(indicator.unit), number(target[value.period], indicator),
                .text(value.setBy), .text(stamp.string(from: value.setAt)), value.note.map { .text($0) } ?? .empty,
            ])
        }
        return sheet
    }

    /// Every area's value of one period.
    static func areasSheet(_ indicator: Indicator, period: Period?, values: [IndicatorValue], names: [Area.Code: String], _ language: Language) -> Spreadsheet {
        let header = language == .vi ? ["ma_dia_ban", "dia_ban", "ky", "gia_tri", "don_vi"] : ["area_code", "area", "period", "value", "unit"]
        var sheet = Spreadsheet(name: indicator.code.rawValue, header: header)
        for value in values {
            sheet.rows.append([.text(value.area.rawValue), .text(names[value.area] ?? ""), .text(value.period.description), number(value.value, indicator), .text(indicator.unit)])
        }
        return sheet
    }
}
