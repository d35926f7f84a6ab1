import CityIOCDomain
import Foundation
import Testing

@testable import CityIOCServer

@Suite struct JSONTextTests {
    static func strings() -> [String] {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "Ổ gà", "\"", "\\", "\n", "\r\n", "\t", "\u{01}", "\u{1F}", "\u{7F}", "/", "😀", " ", "Nguyễn Văn A", "{}", "[\"x\"]"]
        return [""] + (0..<300).map { _ in (0..<Int.random(in: 1...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined() }
    }

    @Test func reportersAndAnswersReadBackAsWritten() throws {
        let texts = Self.strings()
        for (index, text) in texts.enumerated() {
            let reporter = Report.Reporter(name: text, phone: index % 3 == 0 ? nil : texts[(index + 1) % texts.count], email: index % 2 == 0 ? text : nil)
            let written = JSONText.object([("name", reporter.name), ("phone", reporter.phone), ("email", reporter.email)])
            #expect(try JSONDecoder().decode(Report.Reporter.self, from: Data(written.utf8)) == reporter, "\(written)")
            let answers = [text: [text, "x"], "size": [], "b\(index)": [texts[(index + 2) % texts.count]]]
            let lists = JSONText.lists(answers)
            #expect(try JSONDecoder().decode([String: [String]].self, from: Data(lists.utf8)) == answers, "\(lists)")
            #expect(try JSONDecoder().decode(String.self, from: Data(JSONText.quoted(text).utf8)) == text)
        }
        #expect(JSONText.object([("name", nil), ("phone", nil), ("email", nil)]) == "{}")
        #expect(JSONText.lists([:]) == "{}")
    }
}
