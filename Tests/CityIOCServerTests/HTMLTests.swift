import Foundation
import Testing

@testable import CityIOCServer

@Suite struct HTMLTests {
    @Test func interpolatedTextIsEscaped() {
        let name = "<script>alert('x')</script> & \"Hồng Gai\""
        let html: HTML = "<td>\(name)</td>"
        #expect(html.raw == "<td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Hồng Gai&quot;</td>")
    }

    @Test func textWithoutSpecialCharactersIsKeptAsIs() {
        #expect(HTML.escape("Phường Hồng Gai — Đặc khu Vân Đồn") == "Phường Hồng Gai — Đặc khu Vân Đồn")
        #expect(HTML.escape("") == "")
    }

    @Test func markupGoesInOnlyAsHTML() {
        let inner: HTML = "<b>\("a<b")</b>"
        let outer: HTML = "<p>\(inner)</p>"
        #expect(outer.raw == "<p><b>a&lt;b</b></p>")
    }
}

@Suite struct SecretTests {
    @Test func sha256IsLowercaseHexOfTheUTF8Bytes() {
        // FIPS 180-2 test vector for "abc"
        #expect(Secret.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Secret.sha256("").count == 64)
    }

    @Test func tokensAreLongAndDifferent() {
        let a = Secret.token()
        let b = Secret.token()
        #expect(a != b)
        #expect(a.count == 43)
        #expect(a.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }
}

@Suite struct LocalTimeTests {
    @Test func browserLocalTimesGetTheCitysOffset() {
        let vietnam = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let answers = CitizenPages.localTimes(["when": ["2026-11-22T10:30"], "size": ["large"]], in: vietnam)
        #expect(answers["when"] == ["2026-11-22T10:30:00+07:00"])
        #expect(answers["size"] == ["large"])
        #expect(CitizenPages.offset(TimeZone(secondsFromGMT: -(3 * 3600 + 1800))!, near: nil) == "-03:30")
    }
}
