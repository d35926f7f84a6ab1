import CityIOCDomain
import Foundation

/// An import's file as sent: a CSV's text, or a workbook's bytes — read into the rows an
/// import checks, by the agency's import page and the values API alike.
enum SheetUpload {
    case csv(String)
    case xlsx(Data)

    /// Told apart by their content, not their names: a workbook is a ZIP archive.
    init(_ data: Data) {
        self = data.starts(with: [0x50, 0x4B, 0x03, 0x04]) ? .xlsx(data) : .csv(String(decoding: data, as: UTF8.self))
    }

    /// The file's first bytes are those of an Excel 97–2003 workbook (an OLE compound file).
    static func isOldExcel(_ data: Data) -> Bool { data.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) }

    /// The table in the file, or what is wrong with it in the clerk's language.
    func table() -> Result<CSVTable, ImportProblem> {
        switch self {
        case .csv(let text):
            do {
                return .success(try CSVTable(text))
            } catch {
                switch error {
                case .empty:
                    return .failure(ImportProblem(Text(vi: "Tệp không có dòng nào.", en: "The file has no rows.")))
                case .unterminatedQuote(let line):
                    return .failure(ImportProblem(Text(vi: "Dòng \(line): dấu ngoặc kép không được đóng.", en: "Line \(line): a quote is never closed.")))
                }
            }
        case .xlsx(let data):
            do {
                return .success(try XLSXReader.table(data))
            } catch {
                return .failure(ImportProblem(error.message))
            }
        }
    }
}

struct ImportProblem: Error {
    var message: Text
    init(_ message: Text) { self.message = message }
}
