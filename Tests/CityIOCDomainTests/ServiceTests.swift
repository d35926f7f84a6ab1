import CityIOCDomain
import Testing

@Suite struct ServiceTests {
    let size = ServiceAttribute(
        code: "size", datatype: .singlevaluelist, required: true, order: 1, description: "Size",
        values: [.init(key: "small", name: "Small"), .init(key: "large", name: "Large")])

    @Test func answersAreCheckedAgainstTheirDatatype() {
        #expect(size.problem(with: []) == .required)
        #expect(size.problem(with: ["small"]) == nil)
        #expect(size.problem(with: ["huge"]) == .invalidValue)
        #expect(size.problem(with: ["small", "large"]) == .invalidValue)
        let depth = ServiceAttribute(code: "depth", datatype: .number, order: 2, description: "Depth")
        #expect(depth.problem(with: []) == nil)
        #expect(depth.problem(with: ["12.5"]) == nil)
        #expect(depth.problem(with: ["sâu"]) == .invalidValue)
        let when = ServiceAttribute(code: "when", datatype: .datetime, order: 3, description: "When")
        #expect(when.problem(with: ["2026-11-22T08:00:00Z"]) == nil)
        #expect(when.problem(with: ["hôm qua"]) == .invalidValue)
        let many = ServiceAttribute(
            code: "many", datatype: .multivaluelist, order: 4, description: "Many", values: [.init(key: "a", name: "A"), .init(key: "b", name: "B")])
        #expect(many.problem(with: ["a", "b"]) == nil)
        #expect(many.problem(with: ["a", "c"]) == .invalidValue)
    }

    @Test func servicesAreValidated() {
        var service = Service(code: "o-ga", name: "Ổ gà", nameEn: "Pothole", group: "Giao thông", attributes: [size])
        #expect(throws: Never.self) { try service.validate() }
        service.attributes.append(size)
        #expect(throws: ValidationError(field: "attributes", reason: .alreadyExists)) { try service.validate() }
        service.attributes = [ServiceAttribute(code: "x", datatype: .singlevaluelist, order: 1, description: "list without values")]
        #expect(throws: ValidationError(field: "attributes", reason: .invalidValue)) { try service.validate() }
        service.code = "Ổ Gà"
        #expect(throws: ValidationError(field: "code", reason: .invalidCode)) { try service.validate() }
    }
}

@Suite struct RoutingTableTests {
    @Test func theMostSpecificRuleWinsThenTheCategorysDefault() {
        let areas = [
            Area(code: "22", name: "Quảng Ninh", level: .province, parentCode: nil),
            Area(code: "06685", name: "Hồng Gai", level: .ward, parentCode: "22"),
            Area(code: "06652", name: "Hạ Long", level: .ward, parentCode: "22"),
        ]
        let services = [
            Service(code: "o-ga", name: "Ổ gà", nameEn: "", group: "", defaultAgency: "so-xay-dung"),
            Service(code: "via-he", name: "Vỉa hè", nameEn: "", group: ""),
        ]
        let table = RoutingTable(
            rules: [
                RoutingRule(service: "o-ga", area: "06685", agency: "ubnd-06685"), RoutingRule(service: "via-he", area: "22", agency: "cong-an-tinh"),
            ], areas: areas, services: services)
        #expect(table.agency(for: "o-ga", in: "06685")?.0 == "ubnd-06685")
        #expect(table.agency(for: "o-ga", in: "06685")?.1 == .rule(area: "06685"))
        #expect(table.agency(for: "o-ga", in: "06652")?.0 == "so-xay-dung")
        #expect(table.agency(for: "o-ga", in: nil)?.1 == .serviceDefault)
        #expect(table.agency(for: "via-he", in: "06652")?.1 == .rule(area: "22"))
        #expect(table.agency(for: "via-he", in: nil) == nil)
        #expect(table.agency(for: "khac", in: "06685") == nil)
    }
}

@Suite struct DuplicateTests {
    @Test func wordsAreComparedWithoutDiacriticsOrCommonWords() {
        #expect(Duplicates.words("Ổ gà LỚN ở trước chợ") == ["ga", "lon", "truoc", "cho"])
        #expect(Duplicates.similarity("Ổ gà lớn trước chợ", "o ga lon truoc cho") == 1)
        #expect(Duplicates.similarity("Ổ gà lớn", "Cây đổ") == 0)
        #expect(Duplicates.similarity("", "") == 0)
    }
}

@Suite struct CategorySuggesterTests {
    @Test func wordsOfPastReportsPointToACategory() {
        let examples: [(Service.Code, String)] = [
            ("o-ga", "Ổ gà lớn giữa đường"), ("o-ga", "Mặt đường sụt lún, nhiều ổ gà"), ("o-ga", "Đường hỏng, ổ gà sâu"),
            ("ngap-ung", "Ngập nước sau mưa, cống tắc"), ("ngap-ung", "Cống thoát nước bị tắc, ngập sâu"), ("ngap-ung", "Nước ngập ngang gối"),
        ]
        let suggester = CategorySuggester(examples: examples)
        let flood = suggester.suggest("NGAP NUOC, cong tac o ngo 5")
        #expect(flood.first?.0 == "ngap-ung")
        #expect((flood.first?.1 ?? 0) > 0.8)
        #expect(abs(flood.reduce(0) { $0 + $1.1 } - 1) < 1e-9)
        #expect(suggester.suggest("ổ gà trên đường").first?.0 == "o-ga")
        #expect(suggester.suggest("karaoke ồn ào").isEmpty)  // no word seen before
        #expect(CategorySuggester(examples: []).suggest("ổ gà").isEmpty)
    }
}
