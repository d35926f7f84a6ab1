import CityIOCDomain
import Foundation
import Testing

@Suite struct JSONParsingTests {
    /// A random document, as a value and as the text Foundation writes for it.
    static func document(_ generator: inout SystemRandomNumberGenerator, depth: Int = 0) -> Any {
        let pick = depth > 3 ? Int.random(in: 0..<4, using: &generator) : Int.random(in: 0..<6, using: &generator)
        switch pick {
        case 0: return Double(Int.random(in: -1_000_000...1_000_000, using: &generator)) / [1, 10, 1000][Int.random(in: 0..<3, using: &generator)]
        case 1:
            let pieces = ["a", "Ổ gà", "\"", "\\", "\n", "\t", "\u{01}", "/", "😀", " ", "Nguyễn", "\u{2028}"]
            return (0..<Int.random(in: 0...5, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
        case 2: return Bool.random(using: &generator)
        case 3: return NSNull()
        case 4: return (0..<Int.random(in: 0...4, using: &generator)).map { _ in document(&generator, depth: depth + 1) }
        default:
            var object: [String: Any] = [:]
            for n in 0..<Int.random(in: 0...4, using: &generator) { object["k\(n)\(["", "é", "\"q"][n % 3])"] = document(&generator, depth: depth + 1) }
            return object
        }
    }

    @Test func documentsReadAsFoundationReadsThem() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let value = ["root": Self.document(&generator)]
            let data = try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
            let parsed = try #require(JSON.parse(Array(data)), "\(String(decoding: data, as: UTF8.self))")
            // Written again and read by Foundation: the same value.
            let again = try JSONSerialization.jsonObject(with: Data(parsed.text.utf8), options: [.fragmentsAllowed])
            let sorted: JSONSerialization.WritingOptions = [.sortedKeys, .fragmentsAllowed]
            #expect(
                try JSONSerialization.data(withJSONObject: again, options: sorted) == JSONSerialization.data(withJSONObject: value, options: sorted),
                "\(String(decoding: data, as: UTF8.self))")
        }
    }

    @Test func escapesNumbersAndMalformedInput() {
        #expect(JSON.parse(Array(#"{"a":"\u00e9\ud83d\ude00\n\/","b":[1,-2.5e3,0,true,false,null]}"#.utf8)) == ["a": "é😀\n/", "b": [1, -2500, 0, true, false, .null]])
        #expect(JSON.parse(Array(" [ ] ".utf8)) == [])
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", ".5", "-", "tru", "\"\u{01}\"", "\"\\x\"", "\"\\ud800\"", "\"\\udc00x\"", "[1] 2", "nul", "1e", "{\"a\":1,}", "NaN"] {
            #expect(JSON.parse(Array(bad.utf8)) == nil, "\(bad)")
        }
        // Nesting beyond the limit is refused, not a crash.
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(JSON.parse(Array(deep.utf8)) == nil)
        let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(JSON.parse(Array(fine.utf8)) != nil)
    }

    @Test func writesEscapesAndSortedKeysAndReadsBackItsOwnText() {
        let value: JSON = ["b": ["x": 1.5, "a": [true, .null]], "a": "q\"b\\c\nd\u{01}e\u{1F}\tẠ😀", "c": -3]
        let text = #"{"a":"q\"b\\c\nd\u0001e\u001f\tẠ😀","b":{"a":[true,null],"x":1.5},"c":-3}"#
        #expect(value.text == text)
        var appended = "x"
        JSON.quote("Hạ \"Long\"", into: &appended)
        #expect(appended == #"x"Hạ \"Long\"""#)
        #expect(JSON.parse(Array(text.utf8)) == value)
    }

    @Test func quotingEightBytesAtATimeEscapesWhatByteByByteWould() {
        // Every character that needs escaping, at every place in and around a word of eight.
        for special: UInt8 in Array(0..<0x20) + [0x22, 0x5C] {
            for place in 0..<20 {
                var bytes = Array("Hạ Long abcdefghijklmnop".utf8.prefix(20))
                bytes[place] = special
                let text = String(decoding: bytes, as: UTF8.self)
                var fast: [UInt8] = []
                JSON.quote(text, into: &fast)
                var expected = "\""
                for scalar in text.unicodeScalars {
                    switch scalar {
                    case "\"": expected += "\\\""
                    case "\\": expected += "\\\\"
                    case "\n": expected += "\\n"
                    case "\r": expected += "\\r"
                    case "\t": expected += "\\t"
                    case _ where scalar.value < 0x20: expected += "\\u00" + (scalar.value < 0x10 ? "0" : "1") + String(scalar.value % 16, radix: 16)
                    default: expected.unicodeScalars.append(scalar)
                    }
                }
                expected += "\""
                #expect(String(decoding: fast, as: UTF8.self) == expected, "\(special) at \(place)")
            }
        }
    }
}
