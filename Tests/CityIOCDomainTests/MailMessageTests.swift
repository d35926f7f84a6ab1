import CityIOCDomain
import Foundation
import Testing

@Suite struct MailMessageTests {
    @Test func headersAndAPlainBodyInQuotedPrintable() throws {
        let raw = """
            From: =?UTF-8?B?Tmd1eeG7hW4gVsSDbiBB?= <a@example.vn>\r
            Subject: =?utf-8?Q?Ng=E1=BA=ADp_n=C6=B0=E1=BB=9Bc?=\r
             =?utf-8?Q?_ng=C3=B5_5?=\r
            Message-ID: <1@example.vn>\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            C=E1=BB=91ng t=E1=BA=AFc, n=C6=B0=E1=BB=9Bc ng=E1=BA=ADp c=E1=BA=A3 ng=C3=\r
            =B5.\r
            =C4=90=E1=BB=8Ba ch=E1=BB=89: ng=C3=B5 5 L=C3=AA L=E1=BB=A3i\r

            """
        let mail = try MailMessage(raw: Data(raw.utf8))
        #expect(mail.fromName == "Nguyễn Văn A")
        #expect(mail.fromAddress == "a@example.vn")
        #expect(mail.subject == "Ngập nước ngõ 5")
        #expect(mail.text.hasPrefix("Cống tắc, nước ngập cả ngõ."))
        #expect(mail.text.contains("Địa chỉ: ngõ 5 Lê Lợi"))
        #expect(mail.messageID == "<1@example.vn>")
    }

    @Test func theTextPartOfAMultipartMessageInBase64() throws {
        let text = Data("Cây đổ chắn đường Trần Phú".utf8).base64EncodedString()
        let raw = """
            From: dan@example.vn
            Subject: Cay do
            Content-Type: multipart/alternative; boundary="b1"

            --b1
            Content-Type: text/html; charset=utf-8

            <p>HTML <b>only</b></p>
            --b1
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: base64

            \(text)
            --b1--

            """
        let mail = try MailMessage(raw: Data(raw.utf8))
        #expect(mail.fromName == nil && mail.fromAddress == "dan@example.vn")
        #expect(mail.text == "Cây đổ chắn đường Trần Phú")
    }

    @Test func somethingThatIsNoMessageIsRefused() {
        #expect(throws: MailMessage.Problem.noHeaders) { try MailMessage(raw: Data("\n\nno headers".utf8)) }
        #expect(throws: MailMessage.Problem.noText) { try MailMessage(raw: Data("From: a@b.vn\n\n   \n".utf8)) }
    }
}
