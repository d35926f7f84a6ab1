import CityIOCDomain
import Testing

@Suite struct TextAndLanguageTests {
    @Test(arguments: [
        ("Phường Hồng Gai", "phuong hong gai"),
        ("ĐẶC KHU VÂN ĐỒN", "dac khu van don"),
        ("Xã  Quảng   Đức", "xa quang duc"),
        ("Sở Nông nghiệp và Môi trường", "so nong nghiep va moi truong"),
    ])
    func searchKeysIgnoreDiacriticsCaseAndSpacing(input: String, expected: String) {
        #expect(TextFolding.searchKey(input) == expected)
    }

    @Test func decomposedInputFoldsLikeComposed() {
        let decomposed = "Hồng Gai".decomposedStringWithCanonicalMapping
        #expect(TextFolding.searchKey(decomposed) == "hong gai")
    }

    @Test(
        arguments: [
            (nil, Language.vi),
            ("en-US,en;q=0.9", .en),
            ("vi-VN,vi;q=0.9,en;q=0.8", .vi),
            ("fr-FR,en;q=0.5,vi;q=0.7", .vi),
            ("fr-FR,de;q=0.5", .vi),
            ("en;q=0,vi;q=0.1", .vi),
        ] as [(String?, Language)])
    func acceptLanguageIsNegotiatedWithQualities(header: String?, expected: Language) {
        #expect(Language.negotiate(acceptLanguage: header) == expected)
    }
}
