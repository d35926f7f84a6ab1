import CityIOCDomain
import Foundation
import ZIPFoundation

/// Reads the first sheet of an Office Open XML workbook (.xlsx, as Excel, LibreOffice, Google
/// Sheets and WPS write it) into the rows an import reads: each cell as the text the clerk sees —
/// shared and inline strings, numbers as written, booleans, a formula's last value — and a
/// date-formatted number as an ISO date (`2026-11-05`) or, when its format shows no day, a month
/// (`2026-11`), which is what a clerk who typed a period into a cell meant. Row numbers are the
/// sheet's own, so "row 7" in a message is row 7 in the clerk's spreadsheet.
///
/// The archive is read in memory with limits: at most `maxPartBytes` unpacked per part, so a
/// small file that unpacks to gigabytes is refused rather than read.
enum XLSXReader {
    enum Problem: Error, Equatable, Sendable {
        /// Not a ZIP archive, or no workbook in it.
        case notAWorkbook
        /// A part unpacks to more than the limit.
        case tooLarge
        /// The workbook has no sheet, or its first sheet has no rows.
        case empty
        /// A part is not well-formed XML.
        case malformed(part: String)
    }

    static let maxPartBytes = 64 << 20

    static func table(_ data: Data) throws(Problem) -> CSVTable {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw .notAWorkbook }
        var entries: [String: Entry] = [:]
        for entry in archive where entry.type == .file { entries[entry.path] = entry }

        func part(_ path: String) throws(Problem) -> [UInt8]? {
            guard let entry = entries[path] else { return nil }
            guard entry.uncompressedSize <= UInt64(maxPartBytes) else { throw .tooLarge }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(entry.uncompressedSize))
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    guard bytes.count + chunk.count <= maxPartBytes else { throw Problem.tooLarge }
                    bytes.append(contentsOf: chunk)
                }
            } catch let problem as Problem {
                throw problem
            } catch {
                throw .notAWorkbook
            }
            return bytes
        }

        guard let workbook = try part("xl/workbook.xml") else { throw .notAWorkbook }
        let book = try Workbook(workbook)
        let relationships = try part("xl/_rels/workbook.xml.rels").map { bytes throws(Problem) in try Relationships(bytes) } ?? Relationships()
        guard
            let firstSheet = book.firstSheetRelationship.flatMap({ relationships.targets[$0] }) ?? (entries["xl/worksheets/sheet1.xml"] != nil ? "xl/worksheets/sheet1.xml" : nil),
            let sheetBytes = try part(firstSheet)
        else { throw .empty }
        let strings = try part(relationships.sharedStrings ?? "xl/sharedStrings.xml").map { bytes throws(Problem) in try sharedStrings(bytes) } ?? []
        let styles = try part(relationships.styles ?? "xl/styles.xml").map { bytes throws(Problem) in try Styles(bytes) } ?? Styles()
        let rows = try Sheet(sheetBytes, strings: strings, styles: styles, date1904: book.date1904).rows
        guard let header = rows.first(where: { !$0.cells.isEmpty }) else { throw .empty }
        func fields(_ cells: [Int: String]) -> [String] {
            guard let last = cells.keys.max() else { return [] }
            return (0...last).map { cells[$0] ?? "" }
        }
        return CSVTable(
            header: fields(header.cells).map { $0.trimmingCharacters(in: .whitespaces) },
            rows: rows.filter { $0.number > header.number && !$0.cells.isEmpty }.map { (line: $0.number, fields: fields($0.cells)) })
    }

    /// A string with the `_xHHHH_` escapes Excel writes for characters XML cannot carry (`_x000D_`
    /// for a carriage return) turned back into those characters.
    static func unescaped(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "_x") {
            let digits = rest[start.upperBound...].prefix(5)
            if digits.count == 5, digits.last == "_", let code = UInt32(digits.dropLast(), radix: 16), let scalar = Unicode.Scalar(code) {
                out += rest[..<start.lowerBound]
                out.unicodeScalars.append(scalar)
                rest = rest[rest.index(start.upperBound, offsetBy: 5)...]
            } else {
                out += rest[..<start.upperBound]
                rest = rest[start.upperBound...]
            }
        }
        return out + rest
    }

    // MARK: Parts

    struct Workbook {
        var firstSheetRelationship: String?
        var date1904 = false

        init(_ bytes: [UInt8]) throws(Problem) {
            var scanner = XMLScanner(bytes)
            while let event = try scanner.next(part: "workbook") {
                guard case .start(let name, let attributes, _) = event else { continue }
                if name == "workbookPr", let value = attributes["date1904"] { date1904 = value == "1" || value == "true" }
                if name == "sheet", firstSheetRelationship == nil { firstSheetRelationship = attributes["id"] }
            }
        }
    }

    struct Relationships {
        var targets: [String: String] = [:]
        var sharedStrings: String?
        var styles: String?

        init() {}

        init(_ bytes: [UInt8]) throws(Problem) {
            var scanner = XMLScanner(bytes)
            while let event = try scanner.next(part: "workbook.xml.rels") {
                guard case .start("Relationship", let attributes, _) = event, let id = attributes["Id"], let target = attributes["Target"] else { continue }
                // Targets are relative to xl/, or absolute within the package.
                let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
                targets[id] = path
                let type = attributes["Type"] ?? ""
                if type.hasSuffix("/sharedStrings") { sharedStrings = path }
                if type.hasSuffix("/styles") { styles = path }
            }
        }
    }

    /// The shared-string table: each `<si>`'s text, its runs joined, its phonetic guides left out.
    static func sharedStrings(_ bytes: [UInt8]) throws(Problem) -> [String] {
        var strings: [String] = []
        var scanner = XMLScanner(bytes)
        var current = ""
        var inText = false
        var phonetic = 0
        while let event = try scanner.next(part: "sharedStrings") {
            switch event {
            case .start("si", _, _): current = ""
            case .start("rPh", _, let empty): if !empty { phonetic += 1 }
            case .end("rPh"): phonetic -= 1
            case .start("t", _, let empty): inText = !empty && phonetic == 0
            case .end("t"): inText = false
            case .text(let text) where inText: current += text
            case .end("si"): strings.append(XLSXReader.unescaped(current))
            default: break
            }
        }
        return strings
    }

    /// Which cell styles show a number as a date, and whether with its day.
    struct Styles {
        enum Shown { case number, date, month }
        var shown: [Shown] = []

        init() {}

        init(_ bytes: [UInt8]) throws(Problem) {
            var formats: [Int: String] = [:]
            var formatIDs: [Int] = []
            var inCellFormats = false
            var scanner = XMLScanner(bytes)
            while let event = try scanner.next(part: "styles") {
                switch event {
                case .start("numFmt", let attributes, _):
                    if let id = attributes["numFmtId"].flatMap({ Int($0) }) { formats[id] = attributes["formatCode"] ?? "" }
                case .start("cellXfs", _, let empty): inCellFormats = !empty
                case .end("cellXfs"): inCellFormats = false
                case .start("xf", let attributes, _) where inCellFormats: formatIDs.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
                default: break
                }
            }
            shown = formatIDs.map { id in
                if let code = formats[id] { return Self.shown(code) }
                switch id {
                case 14, 15, 16, 22, 27...31, 34...36, 50...58: return .date
                case 17: return .month
                default: return .number
                }
            }
        }

        /// A custom format's kind: what is left of it once quoted text, `[…]` sections and escaped
        /// characters are taken out has a day (`d`), or else a month or year (`m`, `y`). A format
        /// with hours and minutes only is a time, shown as the number.
        static func shown(_ code: String) -> Shown {
            var letters = ""
            var quoted = false
            var bracket = false
            var escaped = false
            for character in code.lowercased() {
                if escaped {
                    escaped = false
                } else if quoted {
                    if character == "\"" { quoted = false }
                } else if bracket {
                    if character == "]" { bracket = false }
                } else {
                    switch character {
                    case "\"": quoted = true
                    case "[": bracket = true
                    case "\\": escaped = true
                    default: letters.append(character)
                    }
                }
            }
            if letters.contains("d") { return .date }
            if letters.contains("y") { return .month }
            // An m with no hour or second beside it is a month; with them it is minutes.
            if letters.contains("m") && !letters.contains("h") && !letters.contains("s") { return .month }
            return .number
        }

        func shown(style: Int?) -> Shown {
            guard let style, style >= 0, style < shown.count else { return .number }
            return shown[style]
        }
    }

    struct Sheet {
        struct Row {
            var number: Int
            var cells: [Int: String]
        }
        var rows: [Row] = []

        init(_ bytes: [UInt8], strings: [String], styles: Styles, date1904: Bool) throws(Problem) {
            var scanner = XMLScanner(bytes)
            var row = Row(number: 0, cells: [:])
            var inRow = false
            var nextColumn = 0
            var column = 0
            var type = "n"
            var style: Int?
            var text = ""
            var inValue = false
            var inInline = false
            var inText = false
            var phonetic = 0
            var inCell = false
            func finishCell() {
                inCell = false
                let value: String
                switch type {
                case "s":
                    guard let index = Int(text), index >= 0, index < strings.count else { return }
                    value = strings[index]
                case "b": value = text == "1" ? "TRUE" : "FALSE"
                case "inlineStr", "str": value = XLSXReader.unescaped(text)
                case "e", "d": value = text
                default:
                    guard !text.isEmpty else { return }
                    value = Self.number(text, shown: styles.shown(style: style), date1904: date1904)
                }
                if !value.isEmpty { row.cells[column] = value }
            }
            while let event = try scanner.next(part: "sheet") {
                switch event {
                case .start("row", let attributes, let empty):
                    let number = attributes["r"].flatMap { Int($0) } ?? (rows.last?.number ?? 0) + 1
                    row = Row(number: number, cells: [:])
                    nextColumn = 0
                    if empty { rows.append(row) } else { inRow = true }
                case .end("row"):
                    if inRow { rows.append(row) }
                    inRow = false
                case .start("c", let attributes, let empty):
                    column = attributes["r"].flatMap(Self.column) ?? nextColumn
                    nextColumn = column + 1
                    type = attributes["t"] ?? "n"
                    style = attributes["s"].flatMap { Int($0) }
                    text = ""
                    inCell = !empty
                case .end("c"): if inCell { finishCell() }
                case .start("v", _, let empty): inValue = !empty
                case .end("v"): inValue = false
                case .start("is", _, let empty): inInline = !empty
                case .end("is"): inInline = false
                case .start("rPh", _, let empty): if !empty { phonetic += 1 }
                case .end("rPh"): phonetic -= 1
                case .start("t", _, let empty): inText = inInline && !empty && phonetic == 0
                case .end("t"): inText = false
                case .text(let characters) where inValue || inText: text += characters
                default: break
                }
            }
        }

        /// The column of a cell reference: `C7` → 2.
        static func column(_ reference: String) -> Int? {
            var column = 0
            var letters = 0
            for byte in reference.utf8 {
                guard byte >= 65 && byte <= 90 || byte >= 97 && byte <= 122 else { break }
                column = column * 26 + Int((byte & 0xDF) - 64)
                letters += 1
            }
            return letters == 0 || letters > 3 ? nil : column - 1
        }

        /// A number cell's text: as written, or as a date or month when its style shows it so.
        static func number(_ text: String, shown: Styles.Shown, date1904: Bool) -> String {
            guard shown != .number, let serial = Double(text), serial >= (date1904 ? 0 : 1), serial < 2_958_466 else { return text }
            // Day 0 of the 1900 system is 1899-12-31 and it counts a 29 February 1900 that never
            // was, so from day 61 on a serial is days since 1899-12-30; the 1904 system counts from 1904-01-01.
            var whole = Int(serial.rounded(.down))
            if !date1904 && whole < 61 { whole += 1 }
            let unixDay = date1904 ? whole - 24107 : whole - 25569
            let (year, month, day) = Timestamp.civilDate(daysSince1970: Int64(unixDay))
            let civil = CivilDay(year, month, day)
            return shown == .date ? civil.description : "\(year.zeroPadded(4))-\(month.zeroPadded(2))"
        }
    }
}

/// Just enough of XML 1.0 for the parts of a workbook: start and end tags with their attributes
/// (names without their namespace prefix), character data with the five named and the numeric
/// character references decoded, CDATA sections; declarations, comments, processing instructions
/// and a document type are skipped — entities a document type declares are never expanded.
struct XMLScanner {
    enum Event: Equatable {
        case start(String, [String: String], empty: Bool)
        case end(String)
        case text(String)
    }

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        // A byte-order mark.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    mutating func next(part: String) throws(XLSXReader.Problem) -> Event? {
        while index < bytes.count {
            if bytes[index] != UInt8(ascii: "<") {
                let start = index
                while index < bytes.count && bytes[index] != UInt8(ascii: "<") { index += 1 }
                return .text(decoded(start..<index))
            }
            if starts(with: "<?") {
                try skip(past: "?>", part)
            } else if starts(with: "<!--") {
                try skip(past: "-->", part)
            } else if starts(with: "<![CDATA[") {
                let start = index + 9
                try skip(past: "]]>", part)
                return .text(String(decoding: bytes[start..<(index - 3)], as: UTF8.self))
            } else if starts(with: "<!") {
                try skip(past: ">", part)
            } else if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/") {
                index += 2
                let name = self.name()
                while index < bytes.count && bytes[index] != UInt8(ascii: ">") { index += 1 }
                guard index < bytes.count else { throw .malformed(part: part) }
                index += 1
                return .end(name)
            } else {
                index += 1
                let name = self.name()
                guard !name.isEmpty else { throw .malformed(part: part) }
                var attributes: [String: String] = [:]
                while true {
                    skipSpace()
                    guard index < bytes.count else { throw .malformed(part: part) }
                    if bytes[index] == UInt8(ascii: ">") {
                        index += 1
                        return .start(name, attributes, empty: false)
                    }
                    if starts(with: "/>") {
                        index += 2
                        return .start(name, attributes, empty: true)
                    }
                    let attribute = self.name()
                    skipSpace()
                    guard !attribute.isEmpty, index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw .malformed(part: part) }
                    index += 1
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else { throw .malformed(part: part) }
                    let quote = bytes[index]
                    index += 1
                    let start = index
                    while index < bytes.count && bytes[index] != quote { index += 1 }
                    guard index < bytes.count else { throw .malformed(part: part) }
                    attributes[attribute] = decoded(start..<index)
                    index += 1
                }
            }
        }
        return nil
    }

    private func starts(with text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return text.withUTF8Buffer { prefix in
            for offset in 0..<count where bytes[index + offset] != prefix[offset] { return false }
            return true
        }
    }

    private mutating func skip(past end: StaticString, _ part: String) throws(XLSXReader.Problem) {
        while index < bytes.count {
            if starts(with: end) {
                index += end.utf8CodeUnitCount
                return
            }
            index += 1
        }
        throw .malformed(part: part)
    }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    /// A tag or attribute name, its prefix dropped (`x:row` → `row`; `r:id` → `id`).
    private mutating func name() -> String {
        let start = index
        var local = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=") { break }
            if byte == UInt8(ascii: ":") { local = index + 1 }
            index += 1
        }
        // xmlns and xml:space keep their names.
        let prefix = bytes[start..<max(start, local - 1)]
        if prefix.elementsEqual("xml".utf8) || prefix.elementsEqual("xmlns".utf8) { return String(decoding: bytes[start..<index], as: UTF8.self) }
        return String(decoding: bytes[local..<index], as: UTF8.self)
    }

    /// Character data with its references decoded; an unknown reference is kept as written.
    private func decoded(_ range: Range<Int>) -> String {
        guard bytes[range].contains(UInt8(ascii: "&")) else { return String(decoding: bytes[range], as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var position = range.lowerBound
        while position < range.upperBound {
            let byte = bytes[position]
            guard byte == UInt8(ascii: "&"), let semicolon = bytes[position..<min(range.upperBound, position + 12)].firstIndex(of: UInt8(ascii: ";")) else {
                out.append(byte)
                position += 1
                continue
            }
            let reference = String(decoding: bytes[(position + 1)..<semicolon], as: UTF8.self)
            var scalar: Unicode.Scalar?
            switch reference {
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "amp": scalar = "&"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if reference.hasPrefix("#x") || reference.hasPrefix("#X") {
                    scalar = UInt32(reference.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if reference.hasPrefix("#") {
                    scalar = UInt32(reference.dropFirst()).flatMap(Unicode.Scalar.init)
                }
            }
            if let scalar {
                out.append(contentsOf: String(scalar).utf8)
                position = semicolon + 1
            } else {
                out.append(byte)
                position += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension XLSXReader.Problem {
    /// What is wrong with the file, in the clerk's language.
    var message: Text {
        switch self {
        case .notAWorkbook:
            Text(vi: "Tệp không phải bảng tính Excel (.xlsx) đọc được.", en: "The file is not a readable Excel workbook (.xlsx).")
        case .tooLarge:
            Text(vi: "Bảng tính quá lớn: một phần của nó giải nén ra hơn 64 MB.", en: "The workbook is too large: a part of it unpacks to more than 64 MB.")
        case .empty:
            Text(vi: "Trang tính đầu tiên không có dòng nào.", en: "The first sheet has no rows.")
        case .malformed(let part):
            Text(vi: "Bảng tính bị hỏng: phần “\(part)” không đọc được.", en: "The workbook is damaged: its “\(part)” part cannot be read.")
        }
    }
}
