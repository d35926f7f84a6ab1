import CityIOCDomain
import Foundation
import Testing
import ZIPFoundation

@testable import CityIOCServer

/// Workbooks in and out: one written by another program (openpyxl), one written by CityIOC and
/// read back, Excel's shared strings and its ways of storing dates, and files that are refused.
@Suite struct XLSXTests {
    /// Made by scripts/xlsx-fixture.py with openpyxl 3.1.5 (see the script for what is in it).
    static let openpyxl = Data(
        base64Encoded: """
            UEsDBBQAAAAIAFwegl1Gx01IlQAAAM0AAAAQAAAAZG9jUHJvcHMvYXBwLnhtbE3PTQvCMAwG4L9SdreZih6kDkQ9ip68zy51hbYp
            bYT67+0EP255ecgboi6JIia2mEXxLuRtMzLHDUDWI/o+y8qhiqHke64x3YGMsRoPpB8eA8OibdeAhTEMOMzit7Dp1C5GZ3XPlkJ3
            sjpRJsPiWDQ6sScfq9wcChDneiU+ixNLOZcrBf+LU8sVU57mym/8ZAW/B7oXUEsDBBQAAAAIAFwegl1cDLXo6gAAAMsBAAARAAAA
            ZG9jUHJvcHMvY29yZS54bWylkcFOwzAMhl9l6r11mmpDirpcQJxAQmISiFvkeFtE00aJUbu3py1bB4Ibx/j//NlWagwKu0hPsQsU
            2VFaDb5pk8KwzY7MQQEkPJI3qRiJdgz3XfSGx2c8QDD4bg4EUogNeGJjDRuYhHlYjNlZaXFRho/YzAKLQA15ajlBWZRwZZmiT382
            zMlCDsktVN/3RV/N3LhRCa+PD8/z8rlrE5sWKdO1RYWRDHdRTxeF09DU8K1Yn2d/FciuxgmKT4G22SV5qW7vdveZlkJu8lLmQu5E
            pdZCrW/eJteP/qvQd9bt3T+MF4Gu4de/6U9QSwMEFAAAAAgAXB6CXZlcnCMQBgAAnCcAABMAAAB4bC90aGVtZS90aGVtZTEueG1s
            7Vpbc9o4FH7vr9B4Z/ZtC8Y2gba0E3Npdtu0mYTtTh+FEViNbHlkkYR/v0c2EMuWDe2STbqbPAQs6fvORUfn6Dh58+4uYuiGiJTy
            eGDZL9vWu7cv3uBXMiQRQTAZp6/wwAqlTF61WmkAwzh9yRMSw9yCiwhLeBTL1lzgWxovI9bqtNvdVoRpbKEYR2RgfV4saEDQVFFa
            b18gtOUfM/gVy1SNZaMBE1dBJrmItPL5bMX82t4+Zc/pOh0ygW4wG1ggf85vp+ROWojhVMLEwGpnP1Zrx9HSSICCyX2UBbpJ9qPT
            FQgyDTs6nVjOdnz2xO2fjMradDRtGuDj8Xg4tsvSi3AcBOBRu57CnfRsv6RBCbSjadBk2PbarpGmqo1TT9P3fd/rm2icCo1bT9Nr
            d93TjonGrdB4Db7xT4fDronGq9B062kmJ/2ua6TpFmhCRuPrehIVteVA0yAAWHB21szSA5ZeKfp1lBrZHbvdQVzwWO45iRH+xsUE
            1mnSGZY0RnKdkAUOADfE0UxQfK9BtorgwpLSXJDWzym1UBoImsiB9UeCIcXcr/31l7vJpDN6nX06zmuUf2mrAaftu5vPk/xz6OSf
            p5PXTULOcLwsCfH7I1thhyduOxNyOhxnQnzP9vaRpSUyz+/5CutOPGcfVpawXc/P5J6MciO73fZYffZPR24j16nAsyLXlEYkRZ/I
            LbrkETi1SQ0yEz8InYaYalAcAqQJMZahhvi0xqwR4BN9t74IyN+NiPerb5o9V6FYSdqE+BBGGuKcc+Zz0Wz7B6VG0fZVvNyjl1gV
            AZcY3zSqNSzF1niVwPGtnDwdExLNlAsGQYaXJCYSqTl+TUgT/iul2v6c00DwlC8k+kqRj2mzI6d0Js3oMxrBRq8bdYdo0jx6/gX5
            nDUKHJEbHQJnG7NGIYRpu/AerySOmq3CEStCPmIZNhpytRaBtnGphGBaEsbReE7StBH8Waw1kz5gyOzNkXXO1pEOEZJeN0I+Ys6L
            kBG/HoY4SprtonFYBP2eXsNJweiCy2b9uH6G1TNsLI73R9QXSuQPJqc/6TI0B6OaWQm9hFZqn6qHND6oHjIKBfG5Hj7lengKN5bG
            vFCugnsB/9HaN8Kr+ILAOX8ufc+l77n0PaHStzcjfWfB04tb3kZuW8T7rjHa1zQuKGNXcs3Ix1SvkynYOZ/A7P1oPp7x7frZJISv
            mlktIxaQS4GzQSS4/IvK8CrECehkWyUJy1TTZTeKEp5CG27pU/VKldflr7kouDxb5OmvoXQ+LM/5PF/ntM0LM0O3ckvqtpS+tSY4
            SvSxzHBOHssMO2c8kh22d6AdNfv2XXbkI6UwU5dDuBpCvgNtup3cOjiemJG5CtNSkG/D+enFeBriOdkEuX2YV23n2NHR++fBUbCj
            7zyWHceI8qIh7qGGmM/DQ4d5e1+YZ5XGUDQUbWysJCxGt2C41/EsFOBkYC2gB4OvUQLyUlVgMVvGAyuQonxMjEXocOeXXF/j0ZLj
            26ZltW6vKXcZbSJSOcJpmBNnq8reZbHBVR3PVVvysL5qPbQVTs/+Wa3InwwRThYLEkhjlBemSqLzGVO+5ytJxFU4v0UzthKXGLzj
            5sdxTlO4Ena2DwIyubs5qXplMWem8t8tDAksW4hZEuJNXe3V55ucrnoidvqXd8Fg8v1wyUcP5TvnX/RdQ65+9t3j+m6TO0hMnHnF
            EQF0RQIjlRwGFhcy5FDukpAGEwHNlMlE8AKCZKYcgJj6C73yDLkpFc6tPjl/RSyDhk5e0iUSFIqwDAUhF3Lj7++TaneM1/osgW2E
            VDJk1RfKQ4nBPTNyQ9hUJfOu2iYLhdviVM27Gr4mYEvDem6dLSf/217UPbQXPUbzo5ngHrOHc5t6uMJFrP9Y1h75Mt85cNs63gNe
            5hMsQ6R+wX2KioARq2K+uq9P+SWcO7R78YEgm/zW26T23eAMfNSrWqVkKxE/Swd8H5IGY4xb9DRfjxRiraaxrcbaMQx5gFjzDKFm
            ON+HRZoaM9WLrDmNCm9B1UDlP9vUDWj2DTQckQVeMZm2NqPkTgo83P7vDbDCxI7h7Yu/AVBLAwQUAAAACABcHoJdXh9L2joCAABb
            BgAAGAAAAHhsL3dvcmtzaGVldHMvc2hlZXQxLnhtbJ1VvW7bMBB+FUJAvMWUpUhNY1lAY8dohwJBjLajQUu0SFgiVZK2m2folLFb
            O3br3Iwt8h5+k5KyoyoGmSGTeD/f3X2fqFOy5WIlCcYKfKlKJkceUaq+gFBmBFdI9nmNmY4suaiQ0qYooKwFRnkDqkoY+H4MK0SZ
            lyaN71qkCV+rkjJ8LYBcVxUSt5e45NuRN/AeHTe0IKpxwDSpUYFnWH2oNUCbsK2T0wozSTkDAi9H3pvBxTRqEE3GR4q3snMGhsyC
            85Ux3uUjzzcz4RJnypRA+rHBY1yWppKe5POhqPe/qUF2z4/lpw1/Pd4CSTzm5SeaKzLyzj2Q4yVal+qGb9/iA6fOiBOkUJoIvgXC
            kE2TzBxMS51ImRFppoT2U91JpRmhc0XxOoFKT2F8MDtgLl2YnKL5AjELZOyCrG4t2RNXdqEbKEEtkCvnTJzNNzbE1NlEM8/IEXGo
            hWvVC1r1AkcNtubZqUQZscnnAgWBTTlnth/EpwPfJt8eYj6DTfo67kcJ3HSlclU8sankSp49/ACL3f030ENVPQQZefiFgCK73z8r
            8Pdud/+VkWcUDFsFw5co6AL5cXwe2UTUANl84q0uZ3EQx0+FmYSd+CAIz450c3U9eYZo1BKNXkLUBbJflahhGTxhGYaDI5ZRJ+73
            j6JXro7Wy+HkVPz5fgt6pRpGvUINbfrAzlIyS/c9EgVlEpR4qUv6/Ve6tthvsb2heN28wQVXilfNkejlj4VJ0PEl56o1zBZt/yfp
            P1BLAwQUAAAACABcHoJdX71SOVYBAAAnAgAAGAAAAHhsL3dvcmtzaGVldHMvc2hlZXQyLnhtbE1SS07DMBC9iuUD4BSJj6okUilC
            sECqWgFrN5kkVv0J9pTQQ7DgBhyCHctyEW7COOlvYXnefN68GTvtnF+FBgDZu9E2ZLxBbMdChKIBI8OZa8FSpHLeSCToaxFaD7Ls
            i4wW50lyKYxUludp75v5PHVr1MrCzLOwNkb6zQ1o12V8xPeOuaob7B0iT1tZwwLwqaUCguLAUyoDNihnmYcq45PReDJU9BnPCrpw
            YrM4zNK5VQQPZcaTqAk0FBgpJF1vMAWtIxMped2R8mPTWHlq7+nv+vlJ3lIGmDr9okpsMn7NWQmVXGucu+4edjNdHCXeSpR56l3H
            fBw2T4toxJaUqGxc0gI9+RV1wnzVbL9tzX4//34+CoZeErDbr00qkFTFHFHQIb69yKFBXOCj9LWygWmoiDs5uyIZflA0AHRtv/Cl
            Q3SmNxt6SPAxgeKVc3gAcSOHv5H/A1BLAwQUAAAACABcHoJdgeNJ9Y0CAAB6CwAADQAAAHhsL3N0eWxlcy54bWzdVkuPmzAQ/iuI
            +5YQujREIYciRarUVivtHno1sQmW/KDGrJL++npsNgm7GapW7aVEkcfz+Zu3Qza9PQn22DJmo6MUqi/j1tpunST9vmWS9O90x5RD
            Gm0ksW5rDknfGUZoDyQpkuVikSeScBVvN2qQO2n7aK8HZct4eVZFYflEyzjN38dRMFdpysr45J47Ke8ojdq1lOu+j6PkJvF+SqQ0
            kTIBuicko/ftptHqEkQaB4WzSCSLnoko44oIXhvuaQ2RXJyCfuk1ey20iazLnwEdVP2PcCAdt1Cc0ZbkSpsQQHDjF4iCCzEpBSi2
            m45Yy4zauU0gee1bbJSfTp2L4mDIKV3ex1cMvzg3tTaUmUm6QbXdCNZYYBh+aL1gdQdLra3VEiTKyUErEiJ5oY2Cs71nQjzChHxr
            Jg6OzVVfFtAVdRZdVKMYzIwbcHBtLhi/spv9md2OP2v7cXAJKb//PmjLHgxr+NHvj80lgIn59MM/th/G9a86SMaaXXVm0pezNoJZ
            L+OvcFvElY164MJyNe5aTilTb9vj7FtSu9+FiQN3irKGDMI+ncEyvshfGOWDLM6nHiCx8dRF/gyzmOaXi+accUXZkdFq3JpD7cXI
            Cc7t+HjGa2jnHwRCWQFEIABRX2gYKCvwUF//Y14rPK8AohGubkMrnLXCWYF3E6r8B/WFsAr3ICkXRZblOVreqrodRoXWMM/hixhE
            IwQO6gu8/W7lZwZgZmx+MRtol2fHBk15ZkTRlGcqDxBSQ+AUBTIAqC/goE1BJwqCQHzBqCGsLIM+oxGi13wGKgoUgiFFpjfPsULl
            8EH6hV6iLCsKBAIQCSPLUAgu7AyEhgGBoFCWhRfpq/dZ8vKeSy7/trc/AVBLAwQUAAAACABcHoJdt0frisAAAAAWAgAACwAAAF9y
            ZWxzLy5yZWxznZJLbgIxDECvEmVfTKnEAjGs2LBDiAu4ieejmcSRY8T09o3YwCBoEUv/np4trw80oHYcc9ulbMYwxFzZVjWtALJr
            KWCecaJYKjVLQC2hNJDQ9dgQLObzJcgtw27Wt0xz/En0CpHrunO0ZXcKFPUB+K7DmiNKQ1rZcYAzS//N3M8K1Jqdr6zs/Kc18KbM
            8/UgkKJHRXAs9JGkTIt2lK8+nt2+pPOlY2K0eN/o//PQqBQ9+b+dMKWJ0tdFCSZvsPkFUEsDBBQAAAAIAFwegl1Yi2OSUwEAAG8C
            AAAPAAAAeGwvd29ya2Jvb2sueG1sjZFNTsMwEIWvYvkAJI2gElXTDYhSCQGiqHvXmTSj+ieyJy30Aqy5Dl1ykt4EO1EgEhJiZc97
            o89vxtO9ddu1tVv2opXxE5fziqieJImXFWjhz2wNJnildVpQKN0msWWJEq6tbDQYSrI0HScOlCC0xldYe97R/sPytQNR+AqAtOpQ
            WqDhs2mf7NGxZFhZAhlfimpUVgh7/9MQS7ZDj2tUSK85b+8KONNoUOMBipynnPnK7m+tw4M1JNRSOqtUzkedsQJHKH/JyxjzWax9
            q5BYP8WZcz5OA7BE56ntaPkihNxBaO6qhuwNKgJ3LQjmzjY1mk2LCWMkgznaVfQnM0JDzpen4ztTeDq+NTFIMBZFF4oCbTCim2Aw
            3KLouEPGvEImq8+PASD7A5B1wfo0BZRooLgPKB+NsBsZPiYebZTs/GJ0GXbQKHUVtAdzZ0XxPV7/N7MvUEsDBBQAAAAIAFwegl2r
            XnIutAAAAI0CAAAaAAAAeGwvX3JlbHMvd29ya2Jvb2sueG1sLnJlbHPFkk0KgzAQRq8ScgBHbemiqKtu3BYvEHT8wcSEzJTq7Su6
            UKGLbqSr8E3I+x5MkidqxZ0dqO0cidHogVLZMrs7AJUtGkWBdTjMN7X1RvEcfQNOlb1qEOIwvIHfM2SW7JmimBz+QrR13ZX4sOXL
            4MBfwPC2vqcWkaUolG+QUwmj3sYEyxEFM1mKvEqlz6tICvi3UXwwis80Ip400qaz5kP/5cx+nt/iVr/EdXhcy3WRgMPvyz5QSwME
            FAAAAAgAXB6CXaXhG1gfAQAAYAQAABMAAABbQ29udGVudF9UeXBlc10ueG1sxVTLTsMwEPyVyNcqdumBA2p6oVyhB37AJJvGil/y
            bkv692wSWglUWqogcYkV7+zMeMfy8vUQAbPOWY+FaIjig1JYNuA0yhDBc6UOyWni37RVUZet3oJazOf3qgyewFNOPYdYLddQ652l
            7KnjbTTBFyKBRZE9jsBeqxA6RmtKTVxXe199U8k/FSR3DhhsTMQZA0SmzkoMpR8Vjo0ve0jJVJBtdKJn7RimOquQDhZQXuY44zLU
            tSmhCuXOcYvEmEBX2ACQs3IknV2RJh4yjN+7yQYGmouKDN2kEJFTS3C73jGWvjuPTASJzJVDniSZe/IJoU+8guq34jzh95DaIRNU
            wzJ9zF9zPvHfamTxn0beQmj/+sL3q3Ta+JMBNTwsqw9QSwECFAMUAAAACABcHoJdRsdNSJUAAADNAAAAEAAAAAAAAAAAAAAAgAEA
            AAAAZG9jUHJvcHMvYXBwLnhtbFBLAQIUAxQAAAAIAFwegl1cDLXo6gAAAMsBAAARAAAAAAAAAAAAAACAAcMAAABkb2NQcm9wcy9j
            b3JlLnhtbFBLAQIUAxQAAAAIAFwegl2ZXJwjEAYAAJwnAAATAAAAAAAAAAAAAACAAdwBAAB4bC90aGVtZS90aGVtZTEueG1sUEsB
            AhQDFAAAAAgAXB6CXV4fS9o6AgAAWwYAABgAAAAAAAAAAAAAAICBHQgAAHhsL3dvcmtzaGVldHMvc2hlZXQxLnhtbFBLAQIUAxQA
            AAAIAFwegl1fvVI5VgEAACcCAAAYAAAAAAAAAAAAAACAgY0KAAB4bC93b3Jrc2hlZXRzL3NoZWV0Mi54bWxQSwECFAMUAAAACABc
            HoJdgeNJ9Y0CAAB6CwAADQAAAAAAAAAAAAAAgAEZDAAAeGwvc3R5bGVzLnhtbFBLAQIUAxQAAAAIAFwegl23R+uKwAAAABYCAAAL
            AAAAAAAAAAAAAACAAdEOAABfcmVscy8ucmVsc1BLAQIUAxQAAAAIAFwegl1Yi2OSUwEAAG8CAAAPAAAAAAAAAAAAAACAAboPAAB4
            bC93b3JrYm9vay54bWxQSwECFAMUAAAACABcHoJdq15yLrQAAACNAgAAGgAAAAAAAAAAAAAAgAE6EQAAeGwvX3JlbHMvd29ya2Jv
            b2sueG1sLnJlbHNQSwECFAMUAAAACABcHoJdpeEbWB8BAABgBAAAEwAAAAAAAAAAAAAAgAEmEgAAW0NvbnRlbnRfVHlwZXNdLnht
            bFBLBQYAAAAACgAKAIQCAAB2EwAAAAA=
            """, options: .ignoreUnknownCharacters)!

    @Test func aWorkbookFromAnotherProgramIsReadAsTheClerkSeesIt() throws {
        let table = try XLSXReader.table(Self.openpyxl)
        #expect(table.header == ["chi_tieu", "dia_ban", "ky", "gia_tri", "don_vi", "ghi_chu"])
        // the empty row 4 is skipped, and the rows keep the sheet's numbers
        #expect(table.rows.map(\.line) == [2, 3, 5])
        #expect(table.rows[0].fields == ["nuoc-sach", "22", "2026-10", "96.5", "%", "Sơ bộ & chưa thẩm định"])
        // a month typed into a cell is stored as a date shown "mmm-yy": read as the month
        #expect(table.rows[1].fields == ["nuoc-sach", "06685", "2026-09", "1234", "%"])
        // a date shown dd/mm/yyyy is read as an ISO date; markup characters come back as text
        #expect(table.rows[2].fields == ["nuoc-sach", "22", "2026-11-05", "0.1", "%", "ngày <5>"])
    }

    @Test func aWorkbookCityIOCWritesReadsBackTheSame() throws {
        let sheet = Spreadsheet(
            name: "Chỉ tiêu: [tháng]/2026", header: ["chi_tieu", "ghi_chu", "gia_tri"],
            rows: [
                [.text("nuoc-sach"), .text("=SUM(A1:A9) không phải công thức"), .number(96.5)],
                [.text("dien"), .empty, .number(1_234_567)],
                [.text("a & b <c> \"d\""), .text("dòng 1\ndòng 2"), .number(-0.25)],
            ])
        let data = try sheet.xlsx()
        #expect(data.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        #expect(sheet.sheetName == "Chỉ tiêu tháng2026")
        let table = try XLSXReader.table(data)
        #expect(table.header == ["chi_tieu", "ghi_chu", "gia_tri"])
        #expect(table.rows.map(\.line) == [2, 3, 4])
        #expect(table.rows[0].fields == ["nuoc-sach", "=SUM(A1:A9) không phải công thức", "96.5"])
        #expect(table.rows[1].fields == ["dien", "", "1234567"])
        #expect(table.rows[2].fields == ["a & b <c> \"d\"", "dòng 1\ndòng 2", "-0.25"])
        // the same table as CSV: a formula-looking cell is defused, numbers are plain
        #expect(sheet.csv.contains("'=SUM(A1:A9) không phải công thức,96.5\r\n"))
        #expect(sheet.csv.contains("dien,,1234567\r\n"))
    }

    /// Parts as Excel writes them: shared strings with formatted runs and phonetic guides, an
    /// escaped carriage return, a prefixed namespace, cells without references, the 1904 date
    /// system, a boolean and a formula's cached value.
    @Test func excelsSharedStringsAndDateSystemsAreRead() throws {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let archive = try Self.archive([
            "xl/workbook.xml": """
            <?xml version="1.0"?><workbook xmlns="\(main)" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="1"/><sheets><sheet name="Một" sheetId="3" r:id="rId7"/><sheet name="Hai" sheetId="1" r:id="rId1"/></sheets></workbook>
            """,
            "xl/_rels/workbook.xml.rels": """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId7" Type="x/worksheet" Target="/xl/worksheets/first.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/></Relationships>
            """,
            "xl/strings.xml": """
            <sst xmlns="\(main)"><si><t>chi_tieu</t></si><si><r><rPr><b/></rPr><t>Hà </t></r><r><t xml:space="preserve">Nội</t></r><rPh sb="0" eb="1"><t>ハ</t></rPh></si><si><t>dòng_x000D_
            hai</t></si><!-- a comment --><si><t><![CDATA[<b>&]]></t></si></sst>
            """,
            "xl/styles.xml": """
            <styleSheet xmlns="\(main)"><numFmts><numFmt numFmtId="170" formatCode="[$-42A]mmmm\\ yyyy"/></numFmts><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs><xf numFmtId="0"/><xf numFmtId="170"/><xf numFmtId="14"/><xf numFmtId="20"/></cellXfs></styleSheet>
            """,
            "xl/worksheets/first.xml": """
            <x:worksheet xmlns:x="\(main)"><x:sheetData><x:row r="1"><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c></x:row><x:row r="2"><x:c r="B2" t="s"><x:v>2</x:v></x:c><x:c r="D2" s="1"><x:v>44500</x:v></x:c><x:c s="2"><x:v>0</x:v></x:c><x:c s="3"><x:v>0.5</x:v></x:c></x:row><x:row><x:c t="b"><x:v>1</x:v></x:c><x:c t="str"><x:f>A1&amp;"x"</x:f><x:v>chi_tieux</x:v></x:c><x:c t="s"><x:v>3</x:v></x:c><x:c t="s"><x:v>99</x:v></x:c></x:row></x:sheetData></x:worksheet>
            """,
        ])
        let table = try XLSXReader.table(archive)
        #expect(table.header == ["chi_tieu", "Hà Nội"])
        #expect(table.rows.map(\.line) == [2, 3])
        // 44500 days after 1904-01-01 is 2025-11-01, shown as a month; day 0 is 1904-01-01;
        // a time format keeps the number
        #expect(table.rows[0].fields == ["", "dòng\r\nhai", "", "2025-11", "1904-01-01", "0.5"])
        // a shared-string index out of range is an empty cell, not a crash
        #expect(table.rows[1].fields == ["TRUE", "chi_tieux", "<b>&"])
    }

    @Test func theDaysOfThe1900DateSystemIncludeItsMissingLeapDay() {
        #expect(XLSXReader.Sheet.number("1", shown: .date, date1904: false) == "1900-01-01")
        #expect(XLSXReader.Sheet.number("59", shown: .date, date1904: false) == "1900-02-28")
        #expect(XLSXReader.Sheet.number("61", shown: .date, date1904: false) == "1900-03-01")
        #expect(XLSXReader.Sheet.number("46357.75", shown: .date, date1904: false) == "2026-12-01")
        #expect(XLSXReader.Sheet.number("46357", shown: .number, date1904: false) == "46357")
        #expect(XLSXReader.Styles.shown("dd/mm/yyyy") == .date)
        #expect(XLSXReader.Styles.shown("mmm-yy") == .month)
        #expect(XLSXReader.Styles.shown("h:mm") == .number)
        #expect(XLSXReader.Styles.shown("#,##0.00\" ngày\"") == .number)
        #expect(XLSXReader.Styles.shown("0.0%") == .number)
    }

    @Test func filesThatAreNotWorkbooksAreRefusedWithTheirReason() throws {
        #expect(throws: XLSXReader.Problem.notAWorkbook) { try XLSXReader.table(Data("chi_tieu,dia_ban\n".utf8)) }
        #expect(throws: XLSXReader.Problem.notAWorkbook) { try XLSXReader.table(try Self.archive(["word/document.xml": "<w/>"])) }
        #expect(throws: XLSXReader.Problem.malformed(part: "workbook")) { try XLSXReader.table(try Self.archive(["xl/workbook.xml": "<workbook><sheets><sheet name=\"a"])) }
        #expect(throws: XLSXReader.Problem.empty) {
            try XLSXReader.table(try Self.archive(["xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": "<worksheet><sheetData/></worksheet>"]))
        }
        // a small file that unpacks to more than the limit is refused before it is read whole
        let bomb = try Self.archive(["xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": String(repeating: " ", count: XLSXReader.maxPartBytes + 1)])
        #expect(bomb.count < 200_000)
        #expect(throws: XLSXReader.Problem.tooLarge) { try XLSXReader.table(bomb) }
    }

    static func archive(_ parts: [String: String]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (path, text) in parts.sorted(by: { $0.key < $1.key }) {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        return archive.data!
    }
}
