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
