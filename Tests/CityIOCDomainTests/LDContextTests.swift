import CityIOCDomain
import Foundation
import Testing

@Suite struct LDContextTests {
    static func context(_ value: JSON) throws -> LDContext {
        try LDContext(value) { url throws(LDContext.Problem) in throw LDContext.Problem("no \(url)", unavailable: true) }
    }

    static let core: JSON = [
        "ngsi-ld": "https://uri.etsi.org/ngsi-ld/", "id": "@id", "type": "@type", "Property": "ngsi-ld:Property",
        "location": "ngsi-ld:location", "observedAt": ["@id": "ngsi-ld:observedAt", "@type": "DateTime"],
    ]

    @Test func termsPrefixesAndTheDefaultVocabularyExpandAndCompactBack() throws {
        let user = try Self.context([
            "sdm": "https://smartdatamodels.org/", "AirQualityObserved": "sdm:dataModel.Environment/AirQualityObserved",
            "pm25": ["@id": "sdm:dataModel.Environment/pm25"],
        ])
        let active = user.merged(with: try Self.context(Self.core))
        #expect(active.expand("AirQualityObserved") == "https://smartdatamodels.org/dataModel.Environment/AirQualityObserved")
        #expect(active.expand("pm25") == "https://smartdatamodels.org/dataModel.Environment/pm25")
        #expect(active.expand("sdm:other") == "https://smartdatamodels.org/other")
        #expect(active.expand("location") == "https://uri.etsi.org/ngsi-ld/location")
        #expect(active.expand("temperature") == LDContext.defaultVocabulary + "temperature")
        #expect(active.expand("urn:ngsi-ld:x") == "urn:ngsi-ld:x")
        #expect(active.expand("https://example.org/a") == "https://example.org/a")
        for term in ["AirQualityObserved", "pm25", "location", "temperature"] { #expect(active.compact(active.expand(term)) == term) }
        #expect(active.compact("https://smartdatamodels.org/z") == "sdm:z")
        #expect(active.compact("https://example.org/a") == "https://example.org/a")
        // Without the user's context, its names stay full IRIs.
        let bare = try Self.context(Self.core)
        #expect(bare.compact("https://smartdatamodels.org/dataModel.Environment/pm25") == "https://smartdatamodels.org/dataModel.Environment/pm25")
    }

    @Test func theCoreContextWinsAndBadContextsAreRefused() throws {
        let user = try Self.context(["location": "https://example.org/myLocation", "@vocab": "https://example.org/vocab/"])
        let active = user.merged(with: try Self.context(Self.core))
        #expect(active.expand("location") == "https://uri.etsi.org/ngsi-ld/location")
        #expect(active.expand("colour") == "https://example.org/vocab/colour")
        #expect(throws: LDContext.Problem.self) { try Self.context(42) }
        #expect(throws: LDContext.Problem.self) { try Self.context(["a": 5]) }
        do {
            _ = try Self.context(["https://example.org/context.jsonld"])
            Issue.record("a URL that cannot be had must be refused")
        } catch {
            #expect((error as? LDContext.Problem)?.isUnavailable == true)
        }
    }

    @Test func entitiesAreCheckedAndExpandedOnTheWayIn() throws {
        let context = try Self.context(Self.core)
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let entity = try ContextEntity.parse(
            [
                "id": "urn:ngsi-ld:WaterLevel:1", "type": ["WaterLevel", "Sensor", "WaterLevel"], "level": 1.5,
                "location": ["type": "Point", "coordinates": [107.0, 20.9]], "note": ["value": ["a": 1]],
            ], context: context, now: now)
        #expect(entity.types == [LDContext.defaultVocabulary + "Sensor", LDContext.defaultVocabulary + "WaterLevel"])
        #expect(entity.attributes[LDContext.defaultVocabulary + "level"]?.first?["type"] == "Property")
        #expect(entity.attributes[LDContext.coreLocation]?.first?["type"] == "GeoProperty")
        #expect(entity.attributes[LDContext.defaultVocabulary + "note"]?.first?["value"] == ["a": 1])
        // concise back out: bare values again
        let concise = entity.rendered(ContextEntity.View(representation: .concise), context: context)
        #expect(concise["level"] == 1.5 && concise["location"]?["type"] == "Point")
        for bad: JSON in [
            ["id": "urn:x:1", "type": "T", "a": ["type": "Property"]],
            ["id": "urn:x:1", "type": "T", "a": [["value": 1], ["value": 2]]],
            ["id": "urn:x:1", "type": "T", "a": ["type": "LanguageProperty", "languageMap": ["vi vn": "x"]]],
            ["id": "urn:x:1", "type": "T", "a": ["type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]]],
            ["id": "urn:x:1", "type": "T(x)"], ["id": "x", "type": "T"], ["id": "urn:x:1", "type": "T", "scope": "no-slash"],
        ] {
            #expect(throws: NGSIError.self, "\(bad.text)") { try ContextEntity.parse(bad, context: context, now: now) }
        }
    }
}
