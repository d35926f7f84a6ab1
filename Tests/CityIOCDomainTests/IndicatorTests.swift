import Foundation
import Testing

@testable import CityIOCDomain

@Suite struct IndicatorTests {
    @Test func periodsReadAndWriteTheirFourForms() throws {
        #expect(Period("2026")?.frequency == .year)
        #expect(Period("2026-Q4")?.start == CivilDay(2026, 10, 1))
        #expect(Period("2026-q1")?.description == "2026-Q1")
        #expect(Period("2026-11")?.frequency == .month)
        #expect(Period("2024-02-29")?.description == "2024-02-29")
        for wrong in ["2026-13", "2026-Q5", "2026-Q0", "2026-02-30", "2025-02-29", "26", "2026-1", "2026-11-5", "2026/11", "", "２０２６", "2026-11-30-1"] {
            #expect(Period(wrong) == nil, "\(wrong)")
        }
        // An import's period must be of the indicator's frequency.
        #expect(Period("2026-11", as: .year) == nil)
        #expect(Period(" 2026-11 ", as: .month)?.description == "2026-11")
    }

    @Test func periodsStepBackAndCompareWithLastYear() throws {
        let month = try #require(Period("2026-01"))
        #expect(month.previous.description == "2025-12")
        #expect(month.next.description == "2026-02")
        #expect(month.sameLastYear.description == "2025-01")
        #expect(month.trailing(3).map(\.description) == ["2025-11", "2025-12", "2026-01"])
        #expect(try #require(Period("2026-Q1")).previous.description == "2025-Q4")
        #expect(try #require(Period("2026-03-01")).previous.description == "2026-02-28")
        #expect(try #require(Period("2026-01-01")).previous.description == "2025-12-31")
        #expect(try #require(Period("2024-02-29")).sameLastYear.description == "2023-02-28")
        #expect(try #require(Period("2026-12-31")).next.description == "2027-01-01")
        #expect(try #require(Period("2026")).shifted(by: -5).description == "2021")
        #expect(try #require(Period("2026-11")) < (try #require(Period("2026-12"))))
    }

    @Test func periodsAreNamedInBothLanguages() throws {
        #expect(try #require(Period("2026-Q4")).label(.vi) == "Quý IV/2026")
        #expect(try #require(Period("2026-Q4")).label(.en) == "Q4 2026")
        #expect(try #require(Period("2026-11")).label(.vi) == "Tháng 11/2026")
        #expect(try #require(Period("2026-11")).label(.en) == "November 2026")
        #expect(try #require(Period("2026-11-05")).label(.vi) == "05/11/2026")
    }

    @Test func aStandingRespectsTheIndicatorsDirection() {
        // More online services than planned is good; fewer accidents than the ceiling is good.
        #expect(IndicatorStanding(value: 96, target: 95, previous: 90, lastYear: 80, direction: .higherIsBetter).status == .good)
        #expect(IndicatorStanding(value: 90, target: 95, previous: 90, lastYear: 80, direction: .higherIsBetter).status == .watch)
        #expect(IndicatorStanding(value: 80, target: 95, previous: 90, lastYear: 80, direction: .higherIsBetter).status == .bad)
        #expect(IndicatorStanding(value: 12, target: 10, previous: 9, lastYear: 8, direction: .lowerIsBetter).status == .bad)
        #expect(IndicatorStanding(value: 10.5, target: 10, previous: 9, lastYear: 8, direction: .lowerIsBetter).status == .watch)
        #expect(IndicatorStanding(value: 9, target: 10, previous: 9, lastYear: 8, direction: .lowerIsBetter).status == .good)
        // A price index near plan: within 5 % good, within 10 % to watch.
        #expect(IndicatorStanding(value: 104, target: 100, previous: nil, lastYear: nil, direction: .nearTarget).status == .good)
        #expect(IndicatorStanding(value: 92, target: 100, previous: nil, lastYear: nil, direction: .nearTarget).status == .watch)
        #expect(IndicatorStanding(value: 115, target: 100, previous: nil, lastYear: nil, direction: .nearTarget).status == .bad)
        // Without a target, the period before decides.
        let accidents = IndicatorStanding(value: 40, target: nil, previous: 50, lastYear: nil, direction: .lowerIsBetter)
        #expect(accidents.improved == true)
        #expect(accidents.status == .good)
        #expect(accidents.change == -0.2)
        #expect(IndicatorStanding(value: 60, target: nil, previous: 50, lastYear: nil, direction: .lowerIsBetter).status == .watch)
        #expect(IndicatorStanding(value: 60, target: nil, previous: nil, lastYear: nil, direction: .lowerIsBetter).status == .unknown)
        #expect(IndicatorStanding(value: 5, target: nil, previous: 0, lastYear: nil, direction: .higherIsBetter).change == nil)
    }

    @Test func anIndicatorChecksItsCatalogueEntry() {
        var indicator = Indicator(
            code: "dvc-truc-tuyen", name: "Tỷ lệ dịch vụ công trực tuyến toàn trình", nameEn: "Full online public services",
            sector: .publicServices, unit: "%", frequency: .month, direction: .higherIsBetter)
        #expect(throws: Never.self) { try indicator.validate() }
        indicator.code = "DVC online"
        #expect(throws: ValidationError(field: "code", reason: .invalidCode)) { try indicator.validate() }
        indicator.code = "dvc"
        indicator.name = " "
        #expect(throws: ValidationError(field: "name", reason: .required)) { try indicator.validate() }
        indicator.name = "x"
        indicator.decimals = 9
        #expect(throws: ValidationError(field: "decimals", reason: .outOfRange)) { try indicator.validate() }
    }
}

@Suite struct IndicatorImportTests {
    @Test func csvReadsQuotesSemicolonsAndLineBreaks() throws {
        let table = try CSVTable(
            "\u{FEFF}chi_tieu;dia_ban;ky;gia_tri;ghi_chu\r\nnuoc-sach;22;2026-10;96,5;\"đã chốt; \"\"chính thức\"\"\"\r\n\r\nnuoc-sach;06685;2026-10;97;\"hai\ndòng\"\n")
        #expect(table.header == ["chi_tieu", "dia_ban", "ky", "gia_tri", "ghi_chu"])
        #expect(table.rows.count == 2)
        #expect(table.rows[0].line == 2)
        #expect(table.rows[0].fields == ["nuoc-sach", "22", "2026-10", "96,5", "đã chốt; \"chính thức\""])
        #expect(table.rows[1].line == 4)
        #expect(table.rows[1].fields[4] == "hai\ndòng")
        #expect(try CSVTable("a,b\n1,2").rows.map(\.fields) == [["1", "2"]])
        #expect(throws: CSVTable.Problem.unterminatedQuote(line: 2)) { try CSVTable("a,b\n\"1,2\n") }
        #expect(throws: CSVTable.Problem.empty) { try CSVTable("\n\n") }
    }

    @Test func theHeaderIsReadInEitherLanguageAndAWrongOneIsNamed() throws {
        #expect(IndicatorRow.headerProblem(["Chỉ tiêu", "Địa bàn", "Kỳ", "Giá trị"], language: .vi) == nil)
        #expect(IndicatorRow.headerProblem(["indicator", "area", "period", "value", "unit", "note"], language: .en) == nil)
        #expect(IndicatorRow.headerProblem(["indicator", "area", "period", "amount"], language: .en)?.contains("amount") == true)
        #expect(IndicatorRow.headerProblem(["indicator", "area", "value"], language: .vi)?.hasPrefix("Thiếu cột: period") == true)
        let rows = IndicatorRow.rows(try CSVTable("ky,gia_tri,chi_tieu,dia_ban\n2026-10, 96.5 ,nuoc-sach,22\n"))
        #expect(rows == [IndicatorRow(number: 2, indicator: "nuoc-sach", area: "22", period: "2026-10", value: "96.5")])
    }

    @Test func numbersAreReadAsClerksWriteThem() {
        #expect(CheckedRows.number("12.5") == 12.5)
        #expect(CheckedRows.number("12,5") == 12.5)
        #expect(CheckedRows.number("1.234,5") == 1234.5)
        #expect(CheckedRows.number("1,234.5") == 1234.5)
        #expect(CheckedRows.number("1.234.567") == 1_234_567)
        #expect(CheckedRows.number("1 234") == 1234)
        #expect(CheckedRows.number("-3") == -3)
        for wrong in ["", "12a", "NaN", "inf", "∞", "1,2,3.4.5", "--1", "một"] { #expect(CheckedRows.number(wrong) == nil, "\(wrong)") }
    }
}
