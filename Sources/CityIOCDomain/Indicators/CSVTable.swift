import Foundation

/// A CSV file as RFC 4180 writes it (quoted fields, doubled quotes, line breaks inside quotes,
/// CRLF or LF), with a comma or — as Excel writes it where the decimal mark is a comma, in
/// Vietnam — a semicolon between fields: the delimiter is whichever of the two the first line
/// has more of. A byte-order mark is dropped. A spreadsheet's sheet is read into the same shape
/// (`init(header:rows:)`), its row numbers as the lines.
public struct CSVTable: Sendable, Equatable {
    public var header: [String]
    /// The rows after the header, each with its line number in the file (the header is line 1).
    public var rows: [(line: Int, fields: [String])]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.header == rhs.header && lhs.rows.map(\.line) == rhs.rows.map(\.line) && lhs.rows.map(\.fields) == rhs.rows.map(\.fields)
    }

    public enum Problem: Error, Sendable, Equatable {
        case empty
        /// A quote opened and never closed.
        case unterminatedQuote(line: Int)
    }

    public init(header: [String], rows: [(line: Int, fields: [String])]) {
        self.header = header
        self.rows = rows
    }

    public init(_ text: String) throws(Problem) {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        let firstLine = body.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
        let delimiter: Character = firstLine.filter { $0 == ";" }.count > firstLine.filter { $0 == "," }.count ? ";" : ","
        var records: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var recordLine = 1
        var afterQuote = false
        for character in body {
            if quoted {
                if character == "\"" {
                    quoted = false
                    afterQuote = true
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"":
                if afterQuote { field.append("\"") }  // a doubled quote inside quotes
                quoted = true
                afterQuote = false
            case delimiter:
                fields.append(field)
                field = ""
                afterQuote = false
            case "\n", "\r\n", "\r":
                fields.append(field)
                if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
                fields = []
                field = ""
                afterQuote = false
                line += 1
                recordLine = line
            default:
                field.append(character)
                afterQuote = false
            }
        }
        if quoted { throw .unterminatedQuote(line: recordLine) }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append((recordLine, fields))
        }
        guard let first = records.first else { throw .empty }
        header = first.1.map { $0.trimmingCharacters(in: .whitespaces) }
        rows = records.dropFirst().map { (line: $0.0, fields: $0.1) }
    }
}

extension IndicatorRow {
    /// The columns an import of values has, by their English or Vietnamese names (any case,
    /// with or without diacritics): indicator, area, period and value are required; unit and
    /// note may be there.
    public enum Column: String, CaseIterable, Sendable {
        case indicator, area, period, value, unit, note

        static let names: [Column: [String]] = [
            .indicator: ["indicator", "code", "chi tieu", "ma chi tieu"],
            .area: ["area", "dia ban", "ma dia ban", "area code"],
            .period: ["period", "ky", "ky bao cao"],
            .value: ["value", "gia tri", "so lieu"],
            .unit: ["unit", "don vi", "don vi tinh"],
            .note: ["note", "ghi chu"],
        ]

        public static func named(_ text: String) -> Column? {
            let key = TextFolding.searchKey(text.replacingOccurrences(of: "_", with: " "))
            return allCases.first { names[$0]!.contains(key) }
        }
    }

    /// The header's problem, in the clerk's language: a column that is not one of ours, or a
    /// required one missing. Nil when the header is right.
    public static func headerProblem(_ header: [String], language: Language) -> String? {
        let found = header.map(Column.named)
        let unknown = zip(header, found).filter { $0.1 == nil && !$0.0.isEmpty }.map(\.0)
        let present = Set(found.compactMap { $0 })
        let missing = [Column.indicator, .area, .period, .value].filter { !present.contains($0) }
        let expected = "indicator, area, period, value, unit, note (chi_tieu, dia_ban, ky, gia_tri, don_vi, ghi_chu)"
        if !unknown.isEmpty {
            return language == .vi
                ? "Cột không nhận ra: \(unknown.joined(separator: ", ")). Các cột: \(expected)."
                : "Columns not recognised: \(unknown.joined(separator: ", ")). The columns are: \(expected)."
        }
        if !missing.isEmpty {
            return language == .vi
                ? "Thiếu cột: \(missing.map(\.rawValue).joined(separator: ", ")). Các cột: \(expected)."
                : "Missing columns: \(missing.map(\.rawValue).joined(separator: ", ")). The columns are: \(expected)."
        }
        return nil
    }

    /// The rows of a table whose header `headerProblem` accepted; each row numbered by its line.
    public static func rows(_ table: CSVTable) -> [IndicatorRow] {
        let columns = table.header.map(Column.named)
        return table.rows.map { line, fields in
            var cells: [Column: String] = [:]
            for (index, column) in columns.enumerated() {
                if let column, index < fields.count { cells[column] = fields[index].trimmingCharacters(in: .whitespaces) }
            }
            return IndicatorRow(
                number: line, indicator: cells[.indicator] ?? "", area: cells[.area] ?? "", period: cells[.period] ?? "",
                value: cells[.value] ?? "", unit: cells[.unit], note: cells[.note])
        }
    }
}
