import CityIOCDomain
import Foundation
import Testing

@Suite struct TimestampTests {
    static func dates() -> [Date] {
        var generator = SystemRandomNumberGenerator()
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400.999), Date(timeIntervalSince1970: 4_102_444_799.9995)]
        dates += (0..<1500).map { _ in Date(timeIntervalSince1970: Double.random(in: 0...4_102_444_800, using: &generator)) }
        dates += (0..<20000).map { _ in Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_102_444_800_000, using: &generator)) / 1000) }
        return dates
    }

    @Test func utcWithMillisecondsIsWhatFoundationWrites() {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for date in Self.dates() { #expect(Timestamp.utcMilliseconds(date) == date.formatted(style), "\(date.timeIntervalSince1970)") }
    }

    @Test(arguments: ["Asia/Ho_Chi_Minh", "UTC", "America/New_York", "Asia/Kolkata", "America/St_Johns", "Australia/Lord_Howe"])
    func localTimeWithItsOffsetIsWhatFoundationWrites(zone: String) throws {
        let timeZone = try #require(TimeZone(identifier: zone))
        let style = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: timeZone)
        for date in Self.dates() {
            let offset = timeZone.secondsFromGMT(for: date)
            #expect(Timestamp.local(date, offset: offset) == date.formatted(style), "\(zone) \(date.timeIntervalSince1970)")
            var bytes: [UInt8] = []
            Timestamp.appendLocal(date, offset: offset, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == date.formatted(style))
        }
    }

    @Test func storedTextIsReadBackToTheSameText() throws {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for date in Self.dates() {
            let text = Timestamp.utcMilliseconds(date)
            let read = try #require(Timestamp.parse(text))
            // Written again, the same text; and what Foundation reads within its own millisecond.
            #expect(Timestamp.utcMilliseconds(read) == text, "\(text) \(read.formatted(style)) \(read.timeIntervalSinceReferenceDate)")
            #expect(abs(read.timeIntervalSince(try style.parse(text))) <= 0.0011, "\(text)")
        }
    }

    @Test func otherFormsStillParseAndNonsenseDoesNot() {
        #expect(Timestamp.parse("2026-11-22T10:45:00+07:00") == Date(timeIntervalSince1970: 1_795_319_100))
        #expect(Timestamp.parse("2026-11-22T03:45:00Z") == Date(timeIntervalSince1970: 1_795_319_100))
        // Foundation rolls an impossible day or hour over; the direct path leaves those to it.
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for odd in ["2026-02-31T03:45:00.000Z", "2026-11-22T25:45:00.000Z"] { #expect(Timestamp.parse(odd) == (try? style.parse(odd))) }
        #expect(Timestamp.parse("2026-11-2xT03:45:00.000Z") == nil)
        #expect(Timestamp.parse("") == nil)
    }
}
