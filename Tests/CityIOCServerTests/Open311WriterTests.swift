import Foundation
import Testing

@testable import CityIOCServer

/// The writer that Open311 lists and every other Open311 document are written through: the
/// same fields in JSON and XML, escaped as each format needs, nesting closed in order.
@Suite struct Open311WriterTests {
    /// A list of one request with the shapes a request has: text that needs escaping, no value,
    /// numbers, an instant, and a nested object with a list of objects with a list.
    static func write(_ format: Open311Document.Format) -> String {
        var out = Open311Writer(format)
        out.beginList("service_requests")
        out.beginObject("request")
        out.text("service_request_id", "QN-1")
        out.text("description", "Ổ gà \"lớn\" <sâu> & nước\n")
        out.null("zipcode")
        out.text("address", nil)
        out.decimal("lat", 20.95)
        out.decimal("long", .nan)
        out.number("count", 3)
        out.flag("metadata", false)
        out.time("requested_datetime", Date(timeIntervalSince1970: 1_764_000_000), offset: 7 * 3600)
        out.beginObject("extended_attributes")
        out.beginList("photos")
        out.end()
        out.beginList("attributes")
        out.beginObject("attribute")
        out.text("code", "size")
        out.beginList("values")
        out.text("value", "large")
        out.text("value", "deep")
        out.end()
        out.end()
        out.end()
        out.end()
        out.end()
        out.end()
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test func writesJSON() throws {
        let json = Self.write(.json)
        #expect(
            json
                == #"[{"service_request_id":"QN-1","description":"Ổ gà \"lớn\" <sâu> & nước\n","zipcode":null,"address":null,"#
                + #""lat":20.95,"long":null,"count":3,"metadata":false,"requested_datetime":"2025-11-24T23:00:00+07:00","#
                + #""extended_attributes":{"photos":[],"attributes":[{"code":"size","values":["large","deep"]}]}}]"#)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(parsed.first?["description"] as? String == "Ổ gà \"lớn\" <sâu> & nước\n")
    }

    @Test func writesXML() {
        #expect(
            Self.write(.xml)
                == #"<?xml version="1.0" encoding="utf-8"?><service_requests><request><service_request_id>QN-1</service_request_id>"#
                + "<description>Ổ gà &quot;lớn&quot; &lt;sâu&gt; &amp; nước\n</description><zipcode/><address/><lat>20.95</lat>"
                + "<long>nan</long><count>3</count><metadata>false</metadata>"
                + "<requested_datetime>2025-11-24T23:00:00+07:00</requested_datetime><extended_attributes><photos></photos>"
                + "<attributes><attribute><code>size</code><values><value>large</value><value>deep</value></values></attribute>"
                + "</attributes></extended_attributes></request></service_requests>")
    }

    /// A document tree is written through the same writer: the same bytes as writing it by hand.
    @Test func treesWriteAsTheWriterDoes() {
        let tree: Open311Document = .list(
            item: "error", [.object([("code", .number(404)), ("description", .text("Không có <mã> này"))])])
        #expect(tree.json == #"[{"code":404,"description":"Không có <mã> này"}]"#)
        #expect(tree.xml("errors") == "<errors><error><code>404</code><description>Không có &lt;mã&gt; này</description></error></errors>")
    }
}
