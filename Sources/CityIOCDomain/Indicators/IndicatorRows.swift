import Foundation

/// Rows of values as someone sent them (an API body, a CSV or spreadsheet line): text, checked
/// against the catalogue before anything is written. The API, the form and the imports all go
/// through here, so a row is refused for the same reasons, in the same words, everywhere.
public struct IndicatorRow: Sendable, Equatable, Codable {
    /// The row's number as the sender counts it (the spreadsheet's line; the list's position from 1).
    public var number: Int
    public var indicator: String
    public var area: String
    public var period: String
    /// The figure as written: `12.5`, `12,5` or `1.234,5` (Vietnamese decimal comma) are read.
    public var value: String
    /// When the sender states the unit, it must be the indicator's.
    public var unit: String?
    public var note: String?

    public init(number: Int, indicator: String, area: String, period: String, value: String, unit: String? = nil, note: String? = nil) {
        self.number = number
        self.indicator = indicator
        self.area = area
        self.period = period
        self.value = value
        self.unit = unit
        self.note = note
    }
}

/// Why a row was not taken.
public struct RejectedRow: Sendable, Equatable, Codable {
    public enum Reason: String, Sendable, Codable {
        case unknownIndicator = "unknown_indicator"
        /// The indicator belongs to another agency.
        case notYours = "not_yours"
        /// CityIOC works it out itself.
        case computed
        case unknownArea = "unknown_area"
        /// Not a period, or not one of the indicator's frequency.
        case wrongPeriod = "wrong_period"
        case notANumber = "not_a_number"
        case unitMismatch = "unit_mismatch"
        /// The same indicator, area and period again in the same set.
        case duplicate
        case noteTooLong = "note_too_long"
    }

    public var number: Int
    public var field: String
    public var reason: Reason
    /// What was written, to show beside the reason.
    public var given: String
    /// The row's indicator, when it is one of the catalogue's (its frequency and unit go into
    /// the message).
    public var indicator: Indicator.Code?

    public init(number: Int, field: String, reason: Reason, given: String, indicator: Indicator.Code? = nil) {
        self.number = number
        self.field = field
        self.reason = reason
        self.given = given
        self.indicator = indicator
    }

    /// The reason as the clerk reads it, naming what is expected.
    public func message(_ language: Language, indicator: Indicator? = nil) -> String {
        let vi = language == .vi
        switch reason {
        case .unknownIndicator:
            return vi ? "Dòng \(number): không có chỉ tiêu mã “\(given)”." : "Row \(number): there is no indicator “\(given)”."
        case .notYours:
            return vi
                ? "Dòng \(number): chỉ tiêu “\(given)” do cơ quan khác cập nhật."
                : "Row \(number): indicator “\(given)” is updated by another agency."
        case .computed:
            return vi
                ? "Dòng \(number): chỉ tiêu “\(given)” do hệ thống tự tính, không nhập được."
                : "Row \(number): indicator “\(given)” is computed by CityIOC and cannot be entered."
        case .unknownArea:
            return vi ? "Dòng \(number): không có địa bàn mã “\(given)”." : "Row \(number): there is no area with code “\(given)”."
        case .wrongPeriod:
            let expected = indicator.map { Self.example($0.frequency) } ?? "2026-11"
            let name = indicator.map { $0.frequency.name(language) } ?? ""
            return vi
                ? "Dòng \(number): kỳ “\(given)” không đúng; chỉ tiêu theo \(name), viết như \(expected)."
                : "Row \(number): period “\(given)” is wrong; the indicator is \(name), written like \(expected)."
        case .notANumber:
            return vi ? "Dòng \(number): giá trị “\(given)” không phải là số." : "Row \(number): value “\(given)” is not a number."
        case .unitMismatch:
            let unit = indicator?.unit ?? ""
            return vi
                ? "Dòng \(number): đơn vị “\(given)” khác đơn vị của chỉ tiêu (\(unit))."
                : "Row \(number): unit “\(given)” is not the indicator's unit (\(unit))."
        case .duplicate:
            return vi
                ? "Dòng \(number): trùng chỉ tiêu, địa bàn và kỳ với dòng \(given)."
                : "Row \(number): the same indicator, area and period as row \(given)."
        case .noteTooLong:
            return vi ? "Dòng \(number): ghi chú dài quá 500 ký tự." : "Row \(number): the note is longer than 500 characters."
        }
    }

    static func example(_ frequency: Period.Frequency) -> String {
        switch frequency {
        case .day: "2026-11-30"
        case .month: "2026-11"
        case .quarter: "2026-Q4"
        case .year: "2026"
        }
    }
}

/// The rows checked: what may be written, and what may not with why.
public struct CheckedRows: Sendable, Equatable {
    public var accepted: [IndicatorValueDraft]
    /// The row number of each accepted value, in the same order.
    public var acceptedRows: [Int]
    public var rejected: [RejectedRow]

    /// Checks every row against the catalogue, the known areas and who is writing
    /// (`AccessPolicy.canSetValues`); a row is either accepted whole or rejected with its first
    /// problem.
    public init(_ rows: [IndicatorRow], catalogue: [Indicator.Code: Indicator], areas: Set<Area.Code>, writer: Principal) {
        accepted = []
        acceptedRows = []
        rejected = []
        var seen: [String: Int] = [:]
        for row in rows {
            let code = row.indicator.trimmingCharacters(in: .whitespaces)
            guard let indicator = catalogue[Indicator.Code(code)] else {
                rejected.append(RejectedRow(number: row.number, field: "indicator", reason: .unknownIndicator, given: code))
                continue
            }
            if indicator.method == .computed && writer.kind != .system {
                rejected.append(RejectedRow(number: row.number, field: "indicator", reason: .computed, given: code, indicator: indicator.code))
                continue
            }
            guard AccessPolicy.canSetValues(writer, of: indicator) else {
                rejected.append(RejectedRow(number: row.number, field: "indicator", reason: .notYours, given: code, indicator: indicator.code))
                continue
            }
            let areaCode = row.area.trimmingCharacters(in: .whitespaces)
            guard areas.contains(Area.Code(areaCode)) else {
                rejected.append(RejectedRow(number: row.number, field: "area", reason: .unknownArea, given: areaCode, indicator: indicator.code))
                continue
            }
            guard let period = Period(row.period, as: indicator.frequency) else {
                rejected.append(RejectedRow(number: row.number, field: "period", reason: .wrongPeriod, given: row.period, indicator: indicator.code))
                continue
            }
            guard let value = Self.number(row.value) else {
                rejected.append(RejectedRow(number: row.number, field: "value", reason: .notANumber, given: row.value, indicator: indicator.code))
                continue
            }
            if let unit = row.unit?.trimmingCharacters(in: .whitespaces), !unit.isEmpty,
                TextFolding.searchKey(unit) != TextFolding.searchKey(indicator.unit)
            {
                rejected.append(RejectedRow(number: row.number, field: "unit", reason: .unitMismatch, given: unit, indicator: indicator.code))
                continue
            }
            let note = row.note?.trimmingCharacters(in: .whitespacesAndNewlines)
            if let note, note.count > 500 {
                rejected.append(RejectedRow(number: row.number, field: "note", reason: .noteTooLong, given: String(note.prefix(40)), indicator: indicator.code))
                continue
            }
            let key = "\(code)|\(areaCode)|\(period)"
            if let first = seen[key] {
                rejected.append(RejectedRow(number: row.number, field: "period", reason: .duplicate, given: "\(first)", indicator: indicator.code))
                continue
            }
            seen[key] = row.number
            accepted.append(
                IndicatorValueDraft(indicator: indicator.code, area: Area.Code(areaCode), period: period, value: value, note: note?.isEmpty == true ? nil : note))
            acceptedRows.append(row.number)
        }
    }

    /// `12.5`, `12,5`, `1.234,5`, `1,234.5`, `1 234`, `-3`; not `12a`, `NaN`, `∞` or an empty cell.
    public static func number(_ text: String) -> Double? {
        var cleaned = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "")
            .replacingOccurrences(of: "\u{00A0}", with: "")
        guard !cleaned.isEmpty, cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || ".,-+eE".contains($0)) }) else { return nil }
        let commas = cleaned.filter { $0 == "," }.count
        let dots = cleaned.filter { $0 == "." }.count
        if commas > 0 && dots > 0 {
            // The later mark is the decimal one: 1.234,5 or 1,234.5.
            let decimalIsComma = cleaned.lastIndex(of: ",")! > cleaned.lastIndex(of: ".")!
            cleaned = cleaned.replacingOccurrences(of: decimalIsComma ? "." : ",", with: "")
            if decimalIsComma { cleaned = cleaned.replacingOccurrences(of: ",", with: ".") }
        } else if commas == 1 {
            cleaned = cleaned.replacingOccurrences(of: ",", with: ".")
        } else if commas > 1 || dots > 1 {
            // 1,234,567 or 1.234.567: thousands only.
            cleaned = cleaned.replacingOccurrences(of: commas > 1 ? "," : ".", with: "")
        }
        guard let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }
}
