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
