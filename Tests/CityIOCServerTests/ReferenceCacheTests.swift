import CityIOCDomain
import Foundation
import Testing

@testable import CityIOCServer

@Suite struct ReferenceCacheTests {
    /// Two servers on one database are two stores, each with its own cache.
    @Test(arguments: TestEngine.all)
    func aChangeIsSeenAtOnceHereAndSoonOnAnotherServer(engine: TestEngine) async throws {
        try await withDatabase(engine) { database in
            let services = try AppServices(database: database, hasher: testHasher, sessions: SessionPolicy())
            try await Fixture.seed(services)
            let here = try #require(services.catalogue as? CityStore)
            let there = CityStore(database: database)
            try await here.saveService(Open311CatalogueTests.pothole, context: system)
            #expect(try await there.service("o-ga")?.active == true)  // read, so now cached there

            // when the category is switched off here
            var off = Open311CatalogueTests.pothole
            off.active = false
            try await here.saveService(off, context: system)

            // then this server knows at once, the other within its check interval
            #expect(try await here.service("o-ga")?.active == false)
            try await Task.sleep(for: .milliseconds(Int(there.cache.checkEvery * 1000) + 100))
            #expect(try await there.service("o-ga")?.active == false)
            #expect(try await there.services(includeInactive: false).isEmpty)

            // the same for areas, the calendar and keys
            _ = try await there.area("22")
            try await here.saveArea(Area(code: "22", name: "Quảng Ninh (tên mới)", level: .province, parentCode: nil), context: system)
            _ = try await there.workingCalendar()
            try await here.saveCalendarDay(CalendarDay(day: try #require(CivilDay("2030-01-01")), kind: .holiday, name: "Tết Dương lịch"), context: system)
            try await Task.sleep(for: .milliseconds(Int(there.cache.checkEvery * 1000) + 100))
            #expect(try await there.area("22")?.name == "Quảng Ninh (tên mới)")
            #expect(try await there.workingCalendar().isWorkingDay(try #require(CivilDay("2030-01-01"))) == false)
        }
    }
}

@Suite struct FormDecodingTests {
    @Test func urlEncodedFieldsDecodeAsBrowsersSendThem() {
        let form = FormData(encoded: "description=%E1%BB%94+g%C3%A0+l%E1%BB%9Bn&a=1%2B1%3D2&bad=100%&odd=%zz&empty=&x=%41%62&flag")
        #expect(form["description"] == "Ổ gà lớn")
        #expect(form["a"] == "1+1=2")
        #expect(form["bad"] == "100%")
        #expect(form["odd"] == "%zz")
        #expect(form["empty"] == "")
        #expect(form["x"] == "Ab")
        #expect(form["flag"] == "")
    }
}

@Suite struct SecretEncodingTests {
    @Test func tokensAreBase64URLWithoutPadding() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Secret.base64URL(bytes) == expected)
        }
        #expect(Secret.token(bytes: 18).count == 24 && Secret.token().count == 43)
    }

    @Test func timestampsAreWrittenExactlyAsFoundationWritesThem() {
        var generator = SystemRandomNumberGenerator()
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400.999), Date(timeIntervalSince1970: 4_102_444_799.9995)]
        dates += (0..<2000).map { _ in Date(timeIntervalSince1970: Double.random(in: 0...4_102_444_800, using: &generator)) }
        dates += (0..<2000).map { _ in Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800_000, using: &generator)) / 1000) }
        for date in dates { #expect(SQLTimestamp.format(date) == date.formatted(style), "\(date.timeIntervalSince1970)") }
    }

    @Test func numbersArePaddedAsPrintfWould() {
        for (value, width) in [(7, 2), (2026, 4), (0, 2), (123, 2), (-5, 3), (45, 5)] {
            #expect(value.zeroPadded(width) == String(format: "%0\(width)d", value))
        }
    }
}

@Suite struct LogLineTests {
    @Test func valuesAreQuotedOnlyWhenTheyMustBeAndNeverBreakTheLine() {
        #expect(LogfmtHandler.quote("GET") == "GET")
        #expect(LogfmtHandler.quote("/open311/v2/requests.json") == "/open311/v2/requests.json")
        #expect(LogfmtHandler.quote("Hồng_Gai") == "Hồng_Gai")
        #expect(LogfmtHandler.quote("") == "\"\"")
        #expect(LogfmtHandler.quote("two words") == "\"two words\"")
        #expect(LogfmtHandler.quote("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"")
        // a forged second line (CR LF is one Character in Swift) stays on this one
        let forged = LogfmtHandler.quote("x\r\nts=2026 level=error msg=forged")
        #expect(!forged.contains("\n") && !forged.contains("\r") && forged.hasPrefix("\"x\\r\\nts=2026"))
    }
}
