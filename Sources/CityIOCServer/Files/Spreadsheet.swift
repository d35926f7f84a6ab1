import Foundation
import Hummingbird
import ZIPFoundation

/// A table to download — a page's figures as the page shows them — written as CSV (UTF-8 with a
/// byte-order mark, so that Excel reads the diacritics) or as an Office Open XML workbook
/// (.xlsx, ECMA-376) with one sheet, the header in bold and frozen, numbers as numbers.
struct Spreadsheet: Sendable {
    enum Cell: Sendable, Equatable {
        case text(String)
        case number(Double)
        case empty
    }

    enum Format: String, Sendable, CaseIterable {
        case csv, xlsx

        var contentType: String {
            switch self {
            case .csv: "text/csv; charset=utf-8"
            case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }

    /// The sheet's name in a workbook (at most 31 characters, none of `[]:*?/\`).
    var name: String
    var header: [String]
    var rows: [[Cell]]

    init(name: String, header: [String], rows: [[Cell]] = []) {
        self.name = name
        self.header = header
        self.rows = rows
    }

    // MARK: CSV

    var csv: String {
        var lines = [header.map(Spreadsheet.csvField).joined(separator: ",")]
        lines.reserveCapacity(rows.count + 1)
        for row in rows {
            lines.append(
                row.map { cell in
                    switch cell {
                    case .text(let text): Self.csvField(text)
                    case .number(let value): Self.plain(value)
                    case .empty: ""
                    }
                }.joined(separator: ","))
        }
        return "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 4180 quoting; a leading =, +, - or @ is prefixed so a spreadsheet does not run it.
    static func csvField(_ value: String) -> String {
        var value = value
        if let first = value.first, "=+-@".contains(first), Double(value) == nil { value = "'" + value }
        guard value.contains(where: { ",\"\r\n".contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A number as a program reads it back: no thousands marks, a dot for decimals, no `.0`.
    static func plain(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    // MARK: XLSX

    /// The workbook's bytes. The text is written inline in its cells (no shared-string table), so
    /// a cell is never read as a formula.
    func xlsx() throws -> Data {
        let archive = try Archive(accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        try add("[Content_Types].xml", Self.contentTypes)
        try add("_rels/.rels", Self.packageRelationships)
        try add("xl/workbook.xml", workbook)
        try add("xl/_rels/workbook.xml.rels", Self.workbookRelationships)
        try add("xl/styles.xml", Self.styles)
        try add("xl/worksheets/sheet1.xml", sheet)
        guard let data = archive.data else { throw Archive.ArchiveError.unwritableArchive }
        return data
    }

    var sheetName: String {
        let cleaned = String(name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
        return cleaned.isEmpty ? "Sheet1" : cleaned
    }

    var workbook: String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="\(Self.mainNamespace)" xmlns:r="\(Self.relationshipNamespace)"><sheets><sheet name="\(Self.xmlEscaped(sheetName))" sheetId="1" r:id="rId1"/></sheets></workbook>
        """
    }

    var sheet: String {
        var xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="\(Self.mainNamespace)"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>
            """
        let widths = header.indices.map { column in
            min(60, max(8, ([header[column].count] + rows.prefix(200).map { $0.count > column ? Self.width($0[column]) : 0 }).max()! + 2))
        }
        if !widths.isEmpty {
            xml += "<cols>"
            for (index, width) in widths.enumerated() { xml += "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(width)\" customWidth=\"1\"/>" }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        xml += Self.row(1, header.map { .text($0) }, style: 1)
        for (index, row) in rows.enumerated() { xml += Self.row(index + 2, row, style: 0) }
        xml += "</sheetData></worksheet>"
        return xml
    }

    static func width(_ cell: Cell) -> Int {
        switch cell {
        case .text(let text): text.count
        case .number(let value): plain(value).count
        case .empty: 0
        }
    }

    static func row(_ number: Int, _ cells: [Cell], style: Int) -> String {
        var xml = "<row r=\"\(number)\">"
        for (index, cell) in cells.enumerated() {
            let reference = columnName(index) + String(number)
            let styled = style == 0 ? "" : " s=\"\(style)\""
            switch cell {
            case .text(let text): xml += "<c r=\"\(reference)\"\(styled) t=\"inlineStr\"><is><t xml:space=\"preserve\">\(xmlEscaped(text))</t></is></c>"
            case .number(let value) where value.isFinite: xml += "<c r=\"\(reference)\"\(styled)><v>\(plain(value))</v></c>"
            case .number, .empty: continue
            }
        }
        return xml + "</row>"
    }

    /// A column's letters: 0 → A, 25 → Z, 26 → AA.
    static func columnName(_ index: Int) -> String {
        var index = index + 1
        var letters: [Character] = []
        while index > 0 {
            let remainder = (index - 1) % 26
            letters.insert(Character(Unicode.Scalar(UInt8(65 + remainder))), at: 0)
            index = (index - 1) / 26
        }
        return String(letters)
    }

    /// Text as XML character data: the five marks escaped, and the control characters XML 1.0
    /// cannot carry left out (a tab and line breaks kept).
    static func xmlEscaped(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>
        """
    static let packageRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\(relationshipNamespace)/officeDocument" Target="xl/workbook.xml"/></Relationships>
        """
    static let workbookRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\(relationshipNamespace)/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="\(relationshipNamespace)/styles" Target="styles.xml"/></Relationships>
        """
    /// Two cell styles: 0 plain, 1 bold (the header).
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="\(mainNamespace)"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs></styleSheet>
        """

    // MARK: HTTP

    /// The table as a download named `filename` (ASCII, without its extension).
    func response(_ format: Format, filename: String) throws -> Response {
        let body: ByteBuffer
        switch format {
        case .csv: body = ByteBuffer(string: csv)
        case .xlsx: body = ByteBuffer(bytes: try xlsx())
        }
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        let safe = String(
            filename.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_".contains(Character($0))) ? Character($0) : "-" })
        headers[.contentDisposition] = "attachment; filename=\"\(safe).\(format.rawValue)\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}
