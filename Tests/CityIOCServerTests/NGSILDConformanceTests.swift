import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CityIOCServer

/// Behaviours the ETSI NGSI-LD conformance suite checks and a first pass of ours missed: JSON-LD
/// batches whose entities carry their own @context, the language filter as a list, GeoJSON with
/// its @context, paging links. Named after the suite's test purposes where there is one.
@Suite struct NGSILDConformanceTests {
    static let context: JSON = ["Building": "https://ngsi-ld-test-suite/context#Building", "name": "https://ngsi-ld-test-suite/context#name"]

    static func building(_ id: String, name: String) -> JSON {
        ["@context": context, "id": .string(id), "type": "Building", "name": ["type": "Property", "value": .string(name)]]
    }

    func write(_ client: any TestClientProtocol, _ key: String, _ path: String, _ body: String, type: String = "application/ld+json") async throws -> TestResponse {
        try await client.execute(uri: "/ngsi-ld/v1" + path, method: .post, headers: NGSILDEntityTests.headers(key, type: type), body: ByteBuffer(string: body))
    }

    @Test(arguments: TestEngine.all)
    func aJSONLDBatchCarriesEachEntitysOwnContext(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let (write, _) = try await NGSILDEntityTests.keys(services)
            // 003_01: a JSON-LD batch is an array; each entity names its terms.
            let batch = JSON.array([Self.building("urn:ngsi-ld:Building:A", name: "Tháp A"), Self.building("urn:ngsi-ld:Building:B", name: "Tháp B")])
            let created = try await self.write(client, write, "/entityOperations/create", batch.text)
            #expect(created.status == .created)
            #expect(try NGSILDEntityTests.parsed(created) == ["urn:ngsi-ld:Building:A", "urn:ngsi-ld:Building:B"])
            let stored = try #require(try await services.entities.entity("urn:ngsi-ld:Building:A", tenant: ""))
            #expect(stored.types == ["https://ngsi-ld-test-suite/context#Building"])
            #expect(stored.attributes["https://ngsi-ld-test-suite/context#name"] != nil)
            // 004_03: an upsert of entities that exist answers 204 with no body.
            let upserted = try await self.write(client, write, "/entityOperations/upsert", batch.text)
            #expect(upserted.status == .noContent && upserted.body.readableBytes == 0)
            // A member without its @context fails alone, as its own error.
            let mixed =
                #"[{"@context": {"Building": "https://ngsi-ld-test-suite/context#Building"}, "id": "urn:ngsi-ld:Building:C", "type": "Building"}, {"id": "urn:ngsi-ld:Building:D", "type": "Building"}]"#
            let partly = try await self.write(client, write, "/entityOperations/create", mixed)
            #expect(partly.status.code == 207)
            let result = try NGSILDEntityTests.parsed(partly)
            #expect(result["success"] == ["urn:ngsi-ld:Building:C"])
            #expect(result["errors"]?.array?.first?["entityId"] == "urn:ngsi-ld:Building:D")
            #expect(result["errors"]?.array?.first?["error"]?["type"] == "https://uri.etsi.org/ngsi-ld/errors/BadRequestData")
            // 5620_01_03: a batch merge removes an attribute set to "urn:ngsi-ld:null".
            let cleared = #"[{"@context": {"name": "https://ngsi-ld-test-suite/context#name"}, "id": "urn:ngsi-ld:Building:B", "name": "urn:ngsi-ld:null"}]"#
            #expect(try await self.write(client, write, "/entityOperations/merge", cleared).status == .noContent)
            #expect(try await services.entities.entity("urn:ngsi-ld:Building:B", tenant: "")?.attributes["https://ngsi-ld-test-suite/context#name"] == nil)
            // 5620_01_01: a null among the entities fails the whole request and stores nothing.
            for (operation, body) in [
                ("create", #"[{"id": "urn:ngsi-ld:Building:E", "type": "Building"}, null]"#), ("merge", #"[{"id": "urn:ngsi-ld:Building:A", "type": "Building"}, 7]"#),
                ("delete", #"["urn:ngsi-ld:Building:A", {"id": "urn:ngsi-ld:Building:B"}]"#),
            ] {
                let refused = try await self.write(client, write, "/entityOperations/" + operation, body, type: "application/json")
                #expect(refused.status == .badRequest, "\(operation)")
                #expect(try NGSILDEntityTests.parsed(refused)["type"] == "https://uri.etsi.org/ngsi-ld/errors/BadRequestData")
            }
            #expect(try await services.entities.entity("urn:ngsi-ld:Building:E", tenant: "") == nil)
            #expect(try await services.entities.entity("urn:ngsi-ld:Building:A", tenant: "") != nil)
        }
    }

    @Test(arguments: TestEngine.all)
    func theLanguageFilterTakesRangesAsAcceptLanguageDoes(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let (write, read) = try await NGSILDEntityTests.keys(services)
            let street: JSON = [
                "id": "urn:ngsi-ld:Building:L", "type": "Building", "street": ["type": "LanguageProperty", "languageMap": ["fr": "Grand Place", "nl": "Grote Markt"]],
            ]
            #expect(try await self.write(client, write, "/entities", street.text, type: "application/json").status == .created)
            // 018_07: one tag, a list, a list with weights, any; a tag with a region finds the language.
            for (lang, tag, value) in [
                ("fr", "fr", "Grand Place"), ("fr-CH,fr", "fr", "Grand Place"), ("fr-CH,fr;q=0.9,en;q=0.8,*;q=0.5", "fr", "Grand Place"), ("*", "fr", "Grand Place"),
                ("fr-BE", "fr", "Grand Place"), ("de,nl;q=0.5", "nl", "Grote Markt"), ("fr;q=0.2,nl", "nl", "Grote Markt"), ("NL", "nl", "Grote Markt"),
            ] {
                let query = lang.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let normalized = try NGSILDEntityTests.parsed(
                    try await client.execute(uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:Building:L?lang=" + query, method: .get, headers: NGSILDEntityTests.headers(read, type: nil)))
                #expect(normalized["street"] == ["type": "Property", "value": .string(value), "lang": .string(tag)], "\(lang)")
                let simple = try NGSILDEntityTests.parsed(
                    try await client.execute(
                        uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:Building:L?options=keyValues&lang=" + query, method: .get, headers: NGSILDEntityTests.headers(read, type: nil)))
                #expect(simple["street"] == .string(value), "\(lang)")
            }
            // No language asked for is there: the first one, named as such (not "@none").
            let other = try NGSILDEntityTests.parsed(
                try await client.execute(uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:Building:L?lang=de", method: .get, headers: NGSILDEntityTests.headers(read, type: nil)))
            #expect(other["street"]?["lang"] == "fr")
        }
    }

    @Test(arguments: TestEngine.all)
    func geoJSONCarriesItsContextAndQueriesLinkTheirPages(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let (write, read) = try await NGSILDEntityTests.keys(services)
            for (n, lon) in [(1, 13.3986), (2, 13.509818), (3, 13.215983)] {
                let entity: JSON = [
                    "id": .string("urn:ngsi-ld:Building:G\(n)"), "type": "Building", "name": ["type": "Property", "value": .string("Toà \(n)")],
                    "location": ["type": "GeoProperty", "value": ["type": "Point", "coordinates": [.number(lon), 52.5547]]],
                ]
                #expect(try await self.write(client, write, "/entities", entity.text, type: "application/json").status == .created)
            }
            // 018_05: a Feature, with the @context in it (GeoJSON has no Link to read it from).
            let feature = try NGSILDEntityTests.parsed(
                try await client.execute(
                    uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:Building:G1?options=keyValues", method: .get,
                    headers: NGSILDEntityTests.headers(read, type: nil, accept: "application/geo+json")))
            #expect(feature["type"] == "Feature" && feature["geometry"]?["type"] == "Point")
            #expect(feature["@context"] == .string(ContextLibrary.coreURL))
            #expect(feature["properties"]?["name"] == "Toà 1")
            // pick and omit project the entity's members, id and type too.
            func members(_ query: String) async throws -> Set<String> {
                let entity = try NGSILDEntityTests.parsed(
                    try await client.execute(uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:Building:G1?" + query, method: .get, headers: NGSILDEntityTests.headers(read, type: nil)))
                return Set(entity.object?.keys.map { $0 } ?? [])
            }
            #expect(try await members("pick=name") == ["name"])
            #expect(try await members("pick=id,name") == ["id", "name"])
            #expect(try await members("omit=type,location") == ["id", "name"])
            #expect(try await members("attrs=name") == ["id", "type", "name"])
            // 019_10_07: a Point contains the same Point.
            let contains = try await client.execute(
                uri: "/ngsi-ld/v1/entities?type=Building&georel=contains&geometry=Point&coordinates=%5B13.3986,52.5547%5D&count=true", method: .get,
                headers: NGSILDEntityTests.headers(read, type: nil))
            #expect(contains.headers[.ngsildResultsCount] == "1")
            // Pages: rel="next" while more follow, rel="prev" after the first, the rest of the query kept.
            func links(_ query: String) async throws -> (ids: [String], links: [String]) {
                let response = try await client.execute(uri: "/ngsi-ld/v1/entities?" + query, method: .get, headers: NGSILDEntityTests.headers(read, type: nil))
                let ids = try NGSILDEntityTests.parsed(response).array?.compactMap { $0["id"]?.string } ?? []
                return (ids, response.headers[values: .link].filter { !$0.contains("json-ld#context") })
            }
            let first = try await links("type=Building&limit=2")
            #expect(first.ids == ["urn:ngsi-ld:Building:G1", "urn:ngsi-ld:Building:G2"])
            #expect(first.links == [#"</ngsi-ld/v1/entities?type=Building&limit=2&offset=2>; rel="next"; type="application/ld+json""#])
            let last = try await links("type=Building&offset=2&limit=2")
            #expect(last.ids == ["urn:ngsi-ld:Building:G3"])
            #expect(last.links == [#"</ngsi-ld/v1/entities?type=Building&limit=2&offset=0>; rel="prev"; type="application/ld+json""#])
            let middle = try await links("type=Building&limit=1&offset=1&count=true")
            #expect(middle.ids == ["urn:ngsi-ld:Building:G2"] && middle.links.count == 2)
            // `q=!attr`: entities without the attribute.
            #expect(try await links("type=Building&q=!location").ids.isEmpty)
            #expect(try await links("type=Building&q=!height").ids.count == 3)
            let pattern = "name~=(?i)TOÀ 2".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await links("type=Building&q=" + pattern).ids == ["urn:ngsi-ld:Building:G2"])
            // 019_12: datasetId keeps those instances (@none the default one); attributes without any go.
            let named: JSON = [
                "id": "urn:ngsi-ld:Building:M", "type": "Building", "category": ["type": "Property", "value": "tourism"],
                "name": [
                    ["type": "Property", "value": "Eiffel Tower"], ["type": "Property", "value": "Tour Eiffel", "datasetId": "urn:ngsi-ld:Dataset:french-name"],
                    ["type": "Property", "value": "Eiffelturm", "datasetId": "urn:ngsi-ld:Dataset:german-name"],
                ],
            ]
            #expect(try await self.write(client, write, "/entities", named.text, type: "application/json").status == .created)
            func instances(_ query: String) async throws -> JSON {
                try NGSILDEntityTests.parsed(
                    try await client.execute(uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:Building:M?" + query, method: .get, headers: NGSILDEntityTests.headers(read, type: nil)))
            }
            let french = try await instances("datasetId=urn:ngsi-ld:Dataset:french-name")
            #expect(french["name"]?["value"] == "Tour Eiffel" && french["category"] == nil)
            let plain = try await instances("datasetId=@none")
            #expect(plain["name"]?["value"] == "Eiffel Tower" && plain["category"]?["value"] == "tourism")
            let both = try await instances("attrs=name&datasetId=urn:ngsi-ld:Dataset:german-name,urn:ngsi-ld:Dataset:spanish-name")
            #expect(both["name"]?["value"] == "Eiffelturm" && both["id"] == "urn:ngsi-ld:Building:M")
            #expect(try await instances("attrs=name&datasetId=urn:ngsi-ld:Dataset:spanish-name")["name"] == nil)
            // 045_02: of types with the same weight the spec's order wins; a weight decides first.
            for (accept, type) in [
                ("application/ld+json, application/json", "application/json"), ("application/geo+json, application/json", "application/json"),
                ("application/json;q=0.1, application/ld+json;q=0.9", "application/ld+json"), ("application/geo+json, application/ld+json", "application/ld+json"),
            ] {
                let response = try await client.execute(
                    uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:Building:G1", method: .get, headers: NGSILDEntityTests.headers(read, type: nil, accept: accept))
                #expect(response.headers[.contentType] == type, "\(accept)")
            }
            // 059_01: a parameter the operation does not have is an InvalidRequest.
            let unknown = try await client.execute(uri: "/ngsi-ld/v1/entities?type=Building&invalidParameter=1", method: .get, headers: NGSILDEntityTests.headers(read, type: nil))
            #expect(unknown.status == .badRequest)
            #expect(try NGSILDEntityTests.parsed(unknown)["type"] == "https://uri.etsi.org/ngsi-ld/errors/InvalidRequest")
            // What is not built answers OperationNotSupported, not a missing page.
            for (method, path) in [
                (HTTPRequest.Method.get, "/subscriptions"), (.post, "/subscriptions"), (.get, "/csourceRegistrations"),
                (.get, "/temporal/entityOperations/query"),
            ] {
                let response = try await client.execute(uri: "/ngsi-ld/v1" + path, method: method, headers: NGSILDEntityTests.headers(read, type: nil))
                #expect(response.status.code == 422, "\(path)")
                #expect(try NGSILDEntityTests.parsed(response)["type"] == "https://uri.etsi.org/ngsi-ld/errors/OperationNotSupported")
            }
        }
    }
}
