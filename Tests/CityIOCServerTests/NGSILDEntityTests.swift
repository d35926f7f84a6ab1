import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CityIOCServer

/// The NGSI-LD entity operations through the HTTP API, on both engines: what a FIWARE-style
/// client does, and every way its request can be wrong.
@Suite struct NGSILDEntityTests {
    static let userContext = "https://smartdatamodels.org/context.jsonld"
    static let station: JSON = [
        "id": "urn:ngsi-ld:AirQualityObserved:QN-HL-01",
        "type": "AirQualityObserved",
        "pm25": ["type": "Property", "value": 38.5, "unitCode": "GQ", "observedAt": "2026-12-01T07:00:00Z"],
        "name": ["type": "LanguageProperty", "languageMap": ["vi": "Trạm Hạ Long", "en": "Ha Long station"]],
        "location": ["type": "GeoProperty", "value": ["type": "Point", "coordinates": [107.08, 20.95]]],
        "refDevice": ["type": "Relationship", "object": "urn:ngsi-ld:Device:QN-HL-01-S"],
    ]

    static func keys(_ services: AppServices) async throws -> (write: String, read: String) {
        let write = try await services.administration.createApiKey(name: "Cổng cảm biến", role: .integrator, agencyID: nil, context: system).1
        let read = try await services.administration.createApiKey(name: "Màn hình", role: .leader, agencyID: nil, context: system).1
        return (write, read)
    }

    static func headers(_ key: String, type: String? = "application/json", tenant: String? = nil, accept: String? = nil) -> HTTPFields {
        var headers = bearer(key)
        if let type { headers[.contentType] = type }
        if let tenant { headers[.ngsildTenant] = tenant }
        if let accept { headers[.accept] = accept }
        return headers
    }

    static func body(_ json: JSON) -> ByteBuffer { ByteBuffer(string: json.text) }

    static func parsed(_ response: TestResponse) throws -> JSON { try #require(JSON.parse(response.body.readableBytesView)) }

    @Test(arguments: TestEngine.all)
    func aClientCreatesReadsQueriesChangesAndDeletesAnEntity(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let (write, read) = try await Self.keys(services)
            let id = "urn:ngsi-ld:AirQualityObserved:QN-HL-01"
            let path = "/ngsi-ld/v1/entities/" + NGSILDController.pathSegment(id)

            // when a station is created
            let created = try await client.execute(uri: "/ngsi-ld/v1/entities", method: .post, headers: Self.headers(write), body: Self.body(Self.station))
            #expect(created.status == .created)
            #expect(created.headers[.location] == path)
            // then it reads back, normalized, with the core context linked
            let fetched = try await client.execute(uri: path, method: .get, headers: Self.headers(read, type: nil))
            #expect(fetched.status == .ok)
            #expect(fetched.headers[.link]?.contains("ngsi-ld-core-context-v1.8.jsonld") == true)
            let entity = try Self.parsed(fetched)
            #expect(entity["type"] == "AirQualityObserved")
            #expect(entity["pm25"]?["value"] == 38.5 && entity["pm25"]?["unitCode"] == "GQ")
            #expect(entity["pm25"]?["observedAt"] == "2026-12-01T07:00:00.000Z")
            #expect(entity["refDevice"]?["object"] == "urn:ngsi-ld:Device:QN-HL-01-S")
            #expect(entity["pm25"]?["createdAt"] == nil)
            // keyValues, a language, system attributes, picking attributes
            let simple = try Self.parsed(try await client.execute(uri: path + "?format=keyValues&lang=vi", method: .get, headers: Self.headers(read, type: nil)))
            #expect(simple["pm25"] == 38.5 && simple["name"] == "Trạm Hạ Long")
            let system = try Self.parsed(try await client.execute(uri: path + "?options=sysAttrs&attrs=pm25", method: .get, headers: Self.headers(read, type: nil)))
            #expect(system["createdAt"]?.string != nil && system["pm25"]?["modifiedAt"]?.string != nil && system["name"] == nil)
            // JSON-LD carries its @context; GeoJSON gives a feature
            let ld = try Self.parsed(try await client.execute(uri: path, method: .get, headers: Self.headers(read, type: nil, accept: "application/ld+json")))
            #expect(ld["@context"]?.string?.contains("ngsi-ld-core-context") == true)
            let geo = try Self.parsed(try await client.execute(uri: path, method: .get, headers: Self.headers(read, type: nil, accept: "application/geo+json")))
            #expect(geo["type"] == "Feature" && geo["geometry"]?["type"] == "Point")

            // a query by type and by attribute, with the count
            let listed = try await client.execute(uri: "/ngsi-ld/v1/entities?type=AirQualityObserved&count=true", method: .get, headers: Self.headers(read, type: nil))
            #expect(listed.headers[.ngsildResultsCount] == "1")
            #expect(try Self.parsed(listed).array?.first?["id"] == .string(id))
            let none = try await client.execute(uri: "/ngsi-ld/v1/entities?type=WaterLevel", method: .get, headers: Self.headers(read, type: nil))
            #expect(try Self.parsed(none) == [])
            let byAttribute = try await client.execute(uri: "/ngsi-ld/v1/entities?attrs=refDevice", method: .get, headers: Self.headers(read, type: nil))
            #expect(try Self.parsed(byAttribute).array?.count == 1)

            // partial update of one attribute, then an update of several, one unknown (207)
            let patched = try await client.execute(
                uri: path + "/attrs/pm25", method: .patch, headers: Self.headers(write), body: Self.body(["value": 41.0]))
            #expect(patched.status == .noContent)
            let updated = try await client.execute(
                uri: path + "/attrs", method: .patch, headers: Self.headers(write),
                body: Self.body(["pm25": ["type": "Property", "value": 42], "no2": ["type": "Property", "value": 12]]))
            #expect(updated.status.code == 207)
            #expect(try Self.parsed(updated)["notUpdated"]?.array?.first?["attributeName"] == "no2")
            // append adds the new one; with noOverwrite an existing one is kept
            let appended = try await client.execute(
                uri: path + "/attrs?options=noOverwrite", method: .post, headers: Self.headers(write), body: Self.body(["no2": 12, "pm25": 99]))
            #expect(appended.status.code == 207)
            let now = try Self.parsed(try await client.execute(uri: path + "?format=keyValues", method: .get, headers: Self.headers(read, type: nil)))
            #expect(now["pm25"] == 42 && now["no2"] == 12)
            // merge removes with null and adds; delete one attribute
            #expect(
                try await client.execute(uri: path, method: .patch, headers: Self.headers(write, type: "application/merge-patch+json"), body: Self.body(["no2": .null, "o3": 30]))
                    .status == .noContent)
            #expect(try await client.execute(uri: path + "/attrs/refDevice", method: .delete, headers: Self.headers(write, type: nil)).status == .noContent)
            let merged = try Self.parsed(try await client.execute(uri: path + "?format=keyValues", method: .get, headers: Self.headers(read, type: nil)))
            #expect(merged["no2"] == nil && merged["o3"] == 30 && merged["refDevice"] == nil && merged["pm25"] == 42)
            // a merge that only adds a type is a change too
            #expect(
                try await client.execute(
                    uri: path, method: .patch, headers: Self.headers(write, type: "application/merge-patch+json"), body: Self.body(["type": "Sensor"])
                ).status == .noContent)
            let typed = try Self.parsed(try await client.execute(uri: path + "?format=keyValues", method: .get, headers: Self.headers(read, type: nil)))
            #expect(typed["type"] == ["AirQualityObserved", "Sensor"])

            // The indexes follow the changes: the type added, the attributes added and removed.
            func count(_ query: String) async throws -> Int? {
                try Self.parsed(try await client.execute(uri: "/ngsi-ld/v1/entities?\(query)", method: .get, headers: Self.headers(read, type: nil))).array?.count
            }
            let counts = [try await count("type=Sensor"), try await count("attrs=o3"), try await count("attrs=no2"), try await count("attrs=refDevice")]
            #expect(counts == [1, 1, 0, 0])
            // A moved station is found where it is now, not where it was.
            #expect(
                try await client.execute(
                    uri: path + "/attrs", method: .patch, headers: Self.headers(write),
                    body: Self.body(["location": ["type": "GeoProperty", "value": ["type": "Point", "coordinates": [107.3, 21.1]]]])
                ).status == .noContent)
            let near = "georel=near;maxDistance==1000&geometry=Point&coordinates="
            #expect([try await count(near + "%5B107.3,21.1%5D"), try await count(near + "%5B107.08,20.95%5D")] == [1, 0])

            // every change is audited, with what it changed before and after
            let audit = try await services.audit.auditEntries(AuditFilter(entityType: "context-entity"))
            #expect(
                Set(audit.map(\.action)).isSuperset(of: ["entity.create", "entity.attribute.update", "entity.update", "entity.append", "entity.merge", "entity.attribute.delete"]))
            let partial = try #require(audit.first { $0.action == "entity.attribute.update" })
            let (was, became) = (try #require(partial.before.flatMap { JSON.parse(Array($0.utf8)) }), try #require(partial.after.flatMap { JSON.parse(Array($0.utf8)) }))
            #expect(was["attributes"]?.object?.keys.sorted() == [LDContext.defaultVocabulary + "pm25"])
            #expect(was["attributes"]?[LDContext.defaultVocabulary + "pm25"]?.array?.first?["value"] == 38.5)
            #expect(became["attributes"]?[LDContext.defaultVocabulary + "pm25"]?.array?.first?["value"] == 41)

            // delete, then it is gone
            #expect(try await client.execute(uri: path, method: .delete, headers: Self.headers(write, type: nil)).status == .noContent)
            let gone = try await client.execute(uri: path, method: .get, headers: Self.headers(read, type: nil))
            #expect(gone.status == .notFound)
            #expect(try Self.parsed(gone)["type"] == "https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound")
        }
    }

    @Test(arguments: TestEngine.all)
    func aClientsOwnContextExpandsItsTermsAndTenantsAreApart(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let (write, read) = try await Self.keys(services)
            // A client with its own context, inline in an ld+json body.
            let context: JSON = ["aq": "https://smartdatamodels.org/dataModel.Environment/", "pm10": "aq:pm10", "Station": "aq:AirQualityObserved"]
            let entity: JSON = ["@context": context, "id": "urn:ngsi-ld:Station:1", "type": "Station", "pm10": 20]
            let created = try await client.execute(
                uri: "/ngsi-ld/v1/entities", method: .post, headers: Self.headers(write, type: "application/ld+json", tenant: "halong"), body: Self.body(entity))
            #expect(created.status == .created)
            let stored = try #require(try await services.entities.entity("urn:ngsi-ld:Station:1", tenant: "halong"))
            #expect(stored.types == ["https://smartdatamodels.org/dataModel.Environment/AirQualityObserved"])
            #expect(stored.attributes["https://smartdatamodels.org/dataModel.Environment/pm10"] != nil)
            // Without the client's context the names come back as full IRIs.
            let plain = try Self.parsed(
                try await client.execute(uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:Station:1?format=keyValues", method: .get, headers: Self.headers(read, type: nil, tenant: "halong"))
            )
            #expect(plain["type"] == "https://smartdatamodels.org/dataModel.Environment/AirQualityObserved")
            #expect(plain["https://smartdatamodels.org/dataModel.Environment/pm10"] == 20)
            // The other tenant does not see it, and an unknown tenant is refused on reads.
            let other = try await client.execute(uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:Station:1", method: .get, headers: Self.headers(read, type: nil))
            #expect(other.status == .notFound)
            let unknown = try await client.execute(uri: "/ngsi-ld/v1/entities?type=Station", method: .get, headers: Self.headers(read, type: nil, tenant: "nowhere"))
            #expect(try Self.parsed(unknown)["type"] == "https://uri.etsi.org/ngsi-ld/errors/NonexistentTenant")
            // A context named by a URL this server does not hold is LdContextNotAvailable.
            var linked = Self.headers(read, type: nil, tenant: "halong")
            linked[.link] = "<\(Self.userContext)>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\""
            let unavailable = try await client.execute(uri: "/ngsi-ld/v1/entities?type=Station", method: .get, headers: linked)
            #expect(unavailable.status == .serviceUnavailable)
            #expect(try Self.parsed(unavailable)["type"] == "https://uri.etsi.org/ngsi-ld/errors/LdContextNotAvailable")
        }
    }

    @Test(arguments: TestEngine.all)
    func badRequestsGetTheSpecsProblemsAndChangeNothing(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let (write, read) = try await Self.keys(services)
            func problem(_ method: HTTPRequest.Method, _ uri: String, _ headers: HTTPFields, _ body: String? = nil) async throws -> (Int, String) {
                let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
                let type = JSON.parse(response.body.readableBytesView)?["type"]?.string
                return (Int(response.status.code), type?.replacingOccurrences(of: "https://uri.etsi.org/ngsi-ld/errors/", with: "") ?? "")
            }
            let post = "/ngsi-ld/v1/entities"
            let cases: [(HTTPRequest.Method, String, HTTPFields, String?, Int, String)] = [
                (.post, post, Self.headers(write), #"{"id": "not a uri", "type": "T"}"#, 400, "BadRequestData"),
                (.post, post, Self.headers(write), #"{"id": "urn:x:1"}"#, 400, "BadRequestData"),
                (.post, post, Self.headers(write), #"{"id": "urn:x:1", "type": "T", "bad name": 1}"#, 400, "BadRequestData"),
                (.post, post, Self.headers(write), #"{"id": "urn:x:1", "type": "T", "a": {"type": "Relationship", "object": "no uri"}}"#, 400, "BadRequestData"),
                (
                    .post, post, Self.headers(write), #"{"id": "urn:x:1", "type": "T", "loc": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [200, 95]}}}"#, 400,
                    "BadRequestData"
                ),
                (.post, post, Self.headers(write), #"{"id": "urn:x:1", "type": "T", "a": {"type": "Unknown", "value": 1}}"#, 400, "BadRequestData"),
                // Another kind's value member, or one only the server writes (4.5.2.2).
                (.post, post, Self.headers(write), #"{"id": "urn:x:1", "type": "T", "a": {"type": "Property", "value": 1, "object": "urn:x:2"}}"#, 400, "BadRequestData"),
                (.post, post, Self.headers(write), #"{"id": "urn:x:1", "type": "T", "a": {"type": "Relationship", "object": "urn:x:2", "value": 1}}"#, 400, "BadRequestData"),
                (.post, post, Self.headers(write), #"{"id": "urn:x:1", "type": "T", "a": {"type": "Property", "value": 1, "previousValue": 0}}"#, 400, "BadRequestData"),
                (.post, post, Self.headers(write), #"{"id": "urn:x:1", "type": "T", "a": {"type": "Property", "value": 1, "observedAt": "yesterday"}}"#, 400, "BadRequestData"),
                (.post, post, Self.headers(write), "{not json", 400, "InvalidRequest"),
                (.post, post, Self.headers(write, type: "text/plain"), #"{"id": "urn:x:1", "type": "T"}"#, 415, "UnsupportedMediaType"),
                (.post, post, Self.headers(write, type: "application/ld+json"), #"{"id": "urn:x:1", "type": "T"}"#, 400, "BadRequestData"),
                (.post, post, Self.headers(write), #"{"@context": {}, "id": "urn:x:1", "type": "T"}"#, 400, "BadRequestData"),
                (.post, post, Self.headers(read), #"{"id": "urn:x:1", "type": "T"}"#, 403, "Forbidden"),
                (.post, post, HTTPFields([HTTPField(name: .contentType, value: "application/json")]), #"{"id": "urn:x:1", "type": "T"}"#, 401, "Unauthorized"),
                (.get, "/ngsi-ld/v1/entities", Self.headers(read, type: nil), nil, 400, "BadRequestData"),
                (.get, "/ngsi-ld/v1/entities?type=T&colour=red", Self.headers(read, type: nil), nil, 400, "InvalidRequest"),
                (.get, "/ngsi-ld/v1/entities?type=T&limit=5000", Self.headers(read, type: nil), nil, 403, "TooManyResults"),
                (.get, "/ngsi-ld/v1/entities?type=T&limit=-1", Self.headers(read, type: nil), nil, 400, "BadRequestData"),
                (.get, "/ngsi-ld/v1/entities?type=T", Self.headers(read, type: nil, accept: "text/html"), nil, 406, "NotAcceptable"),
                (.get, "/ngsi-ld/v1/entities?type=T", Self.headers(read, type: nil, tenant: "bad tenant!"), nil, 400, "BadRequestData"),
                (.get, "/ngsi-ld/v1/entities/not-a-uri", Self.headers(read, type: nil), nil, 400, "BadRequestData"),
                (.delete, "/ngsi-ld/v1/entities/urn:x:none", Self.headers(write, type: nil), nil, 404, "ResourceNotFound"),
                (.patch, "/ngsi-ld/v1/entities/urn:x:none/attrs/a", Self.headers(write), #"{"value": 1}"#, 404, "ResourceNotFound"),
            ]
            for (method, uri, headers, body, status, type) in cases {
                let (got, kind) = try await problem(method, uri, headers, body)
                #expect(got == status && kind == type, "\(method) \(uri) \(body ?? "")")
            }
            // A second create of the same id is AlreadyExists; nothing of the refused ones was stored.
            let entity = #"{"id": "urn:x:1", "type": "T", "a": 1}"#
            #expect(try await problem(.post, post, Self.headers(write), entity).0 == 201)
            #expect(try await problem(.post, post, Self.headers(write), entity) == (409, "AlreadyExists"))
            #expect(try await services.entities.entities(EntityQuery(types: [LDContext.defaultVocabulary + "T"], count: true), tenant: "").count == 1)
            // A partial update with a bad value changes nothing.
            #expect(try await problem(.patch, "/ngsi-ld/v1/entities/urn:x:1/attrs/a", Self.headers(write), #"{"type": "Relationship", "object": 5}"#).0 == 400)
            let kept = try #require(try await services.entities.entity("urn:x:1", tenant: ""))
            #expect(kept.attributes[LDContext.defaultVocabulary + "a"]?.first?["value"] == 1)
        }
    }

    @Test(arguments: TestEngine.all)
    func batchesSucceedOrFailPerEntityAndDiscoveryListsWhatIsStored(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let (write, read) = try await Self.keys(services)
            func post(_ operation: String, _ body: JSON) async throws -> TestResponse {
                try await client.execute(uri: "/ngsi-ld/v1/entityOperations/\(operation)", method: .post, headers: Self.headers(write), body: Self.body(body))
            }
            func sensor(_ n: Int, level: Double) -> JSON {
                ["id": .string("urn:ngsi-ld:WaterLevel:\(n)"), "type": "WaterLevel", "level": ["type": "Property", "value": .number(level), "unitCode": "MTR"]]
            }
            // create: two good, one bad, one already there
            #expect(try await post("create", [sensor(1, level: 1.2)]).status == .created)
            let created = try await post("create", [sensor(2, level: 0.8), ["id": "not a uri", "type": "WaterLevel"], sensor(1, level: 9), sensor(3, level: 2.1)])
            #expect(created.status.code == 207)
            let result = try Self.parsed(created)
            #expect(result["success"] == ["urn:ngsi-ld:WaterLevel:2", "urn:ngsi-ld:WaterLevel:3"])
            #expect(
                result["errors"]?.array?.compactMap { $0["error"]?["type"]?.string }.sorted() == [
                    "https://uri.etsi.org/ngsi-ld/errors/AlreadyExists", "https://uri.etsi.org/ngsi-ld/errors/BadRequestData",
                ])
            let first = try #require(try await services.entities.entity("urn:ngsi-ld:WaterLevel:1", tenant: ""))
            #expect(first.attributes[LDContext.defaultVocabulary + "level"]?.first?["value"] == 1.2)
            // upsert: one new (201 with its id), one replaced
            let upserted = try await post("upsert", [sensor(1, level: 1.5), sensor(4, level: 0.3)])
            #expect(upserted.status == .created)
            #expect(try Self.parsed(upserted) == ["urn:ngsi-ld:WaterLevel:4"])
            #expect(try await post("upsert", [sensor(1, level: 1.6)]).status == .noContent)
            // update with noOverwrite keeps what is there and adds what is not
            let update: JSON = [["id": "urn:ngsi-ld:WaterLevel:2", "level": 7, "battery": 0.9]]
            #expect(
                try await client.execute(
                    uri: "/ngsi-ld/v1/entityOperations/update?options=noOverwrite", method: .post, headers: Self.headers(write), body: Self.body(update)
                ).status == .noContent)
            let second = try Self.parsed(
                try await client.execute(uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:WaterLevel:2?format=keyValues", method: .get, headers: Self.headers(read, type: nil)))
            #expect(second["level"] == 0.8 && second["battery"] == 0.9)
            // discovery
            let types = try Self.parsed(try await client.execute(uri: "/ngsi-ld/v1/types", method: .get, headers: Self.headers(read, type: nil)))
            #expect(types["typeList"] == ["WaterLevel"])
            let info = try Self.parsed(try await client.execute(uri: "/ngsi-ld/v1/types/WaterLevel", method: .get, headers: Self.headers(read, type: nil)))
            #expect(info["entityCount"] == 4)
            #expect(info["attributeDetails"]?.array?.compactMap { $0["attributeName"]?.string } == ["battery", "level"])
            let attribute = try Self.parsed(try await client.execute(uri: "/ngsi-ld/v1/attributes/level", method: .get, headers: Self.headers(read, type: nil)))
            #expect(attribute["attributeCount"] == 4 && attribute["attributeTypes"] == ["Property"] && attribute["typeNames"] == ["WaterLevel"])
            let names = try Self.parsed(try await client.execute(uri: "/ngsi-ld/v1/attributes", method: .get, headers: Self.headers(read, type: nil)))
            #expect(names["attributeList"] == ["battery", "level"])
            // delete: one missing is an error of its own, the others go
            let deleted = try await post("delete", ["urn:ngsi-ld:WaterLevel:3", "urn:ngsi-ld:WaterLevel:99"])
            #expect(deleted.status.code == 207)
            #expect(try Self.parsed(deleted)["success"] == ["urn:ngsi-ld:WaterLevel:3"])
            #expect(try await services.entities.entity("urn:ngsi-ld:WaterLevel:3", tenant: "") == nil)
            #expect(try await post("delete", []).status == .badRequest)
            #expect(try await post("create", ["id": "urn:x:1", "type": "T"]).status == .badRequest)

            // A large batch of new entities (written many rows to a statement), one named twice:
            // the second occurrence is what is stored, with its own attributes and place.
            func buoy(_ n: Int, _ extra: String? = nil) -> JSON {
                var buoy: [String: JSON] = [
                    "id": .string("urn:ngsi-ld:Buoy:\(n)"), "type": "Buoy", "depth": .number(Double(n)),
                    "location": ["type": "GeoProperty", "value": ["type": "Point", "coordinates": [.number(107 + Double(n) / 1000), 20.9]]],
                ]
                if let extra { buoy[extra] = 1 }
                return .object(buoy)
            }
            let buoys: JSON = .array((0..<300).map { buoy($0) } + [buoy(7, "salinity")])
            #expect(try await post("upsert", buoys).status == .created)
            let count = try await client.execute(uri: "/ngsi-ld/v1/entities?type=Buoy&count=true&limit=0", method: .get, headers: Self.headers(read, type: nil))
            #expect(count.headers[.ngsildResultsCount] == "300")
            let twice = try Self.parsed(
                try await client.execute(uri: "/ngsi-ld/v1/entities?attrs=salinity&format=keyValues", method: .get, headers: Self.headers(read, type: nil)))
            #expect(twice.array?.map { $0["id"] } == ["urn:ngsi-ld:Buoy:7"])
            let near = try Self.parsed(
                try await client.execute(
                    uri: "/ngsi-ld/v1/entities?type=Buoy&georel=near;maxDistance==50&geometry=Point&coordinates=%5B107.299,20.9%5D",
                    method: .get, headers: Self.headers(read, type: nil)))
            #expect(near.array?.map { $0["id"] } == ["urn:ngsi-ld:Buoy:299"])
        }
    }

    @Test(arguments: TestEngine.all)
    func theDemoCityHasItsSubsystemsAsEntitiesOnce(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            let city = DemoCity(services: services)
            _ = try await city.load(hasher: testHasher)
            let types = try await services.entities.entityTypes(tenant: "").map { services.contexts.core.compact($0.type) }
            #expect(types == ["AirQualityObserved", "Device", "FloodMonitoring", "OffStreetParking", "TrafficFlowObserved"])
            let stations = try await services.entities.entities(
                EntityQuery(types: [LDContext.defaultVocabulary + "AirQualityObserved"], limit: 100, count: true), tenant: "")
            #expect(stations.count == DemoSensors.wards)
            let station = try #require(stations.entities.first)
            #expect(station.attributes[LDContext.coreLocation]?.first?["type"] == "GeoProperty")
            #expect(station.attributes[LDContext.defaultVocabulary + "pm25"]?.first?["unitCode"] == "GQ")
            // A second start keeps what is there (a gateway may have updated it) and adds nothing.
            let before = try await services.audit.auditEntries(AuditFilter(entityType: "context-entity")).count
            _ = try await city.load(hasher: testHasher)
            #expect(try await services.audit.auditEntries(AuditFilter(entityType: "context-entity")).count == before)
        }
    }

    @Test(arguments: TestEngine.all)
    func queriesFilterByValueByPlaceAndById(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let (write, read) = try await Self.keys(services)
            func station(_ n: Int, _ pm25: Double, _ lon: Double, _ lat: Double) -> JSON {
                [
                    "id": .string("urn:ngsi-ld:AirQualityObserved:S\(n)"), "type": "AirQualityObserved", "pm25": .number(pm25),
                    "location": ["type": "GeoProperty", "value": ["type": "Point", "coordinates": [.number(lon), .number(lat)]]],
                ]
            }
            let batch: JSON = [station(1, 12, 107.08, 20.95), station(2, 55, 107.085, 20.95), station(3, 35, 106.70, 21.10), station(4, 80, 107.081, 20.951)]
            #expect(
                try await client.execute(uri: "/ngsi-ld/v1/entityOperations/upsert", method: .post, headers: Self.headers(write), body: Self.body(batch)).status
                    == .created)
            func ids(_ query: String) async throws -> [String] {
                let response = try await client.execute(uri: "/ngsi-ld/v1/entities?" + query, method: .get, headers: Self.headers(read, type: nil))
                #expect(response.status == .ok, "\(query): \(response.text)")
                return try Self.parsed(response).array?.compactMap { $0["id"]?.string?.split(separator: ":").last.map(String.init) } ?? []
            }
            #expect(try await ids("type=AirQualityObserved&q=pm25%3E30") == ["S2", "S3", "S4"])
            // The same queries as Query documents (POST /entityOperations/query), the page in the URL.
            func posted(_ document: JSON, _ url: String = "") async throws -> [String] {
                let response = try await client.execute(
                    uri: "/ngsi-ld/v1/entityOperations/query" + url, method: .post, headers: Self.headers(read), body: Self.body(document))
                #expect(response.status == .ok, "\(document.text): \(response.text)")
                return try Self.parsed(response).array?.compactMap { $0["id"]?.string?.split(separator: ":").last.map(String.init) } ?? []
            }
            let stations: JSON = [["type": "AirQualityObserved"]]
            #expect(try await posted(["type": "Query", "entities": stations, "q": "pm25>30"]) == ["S2", "S3", "S4"])
            #expect(try await posted(["type": "Query", "entities": stations, "q": "pm25>30"], "?limit=1&offset=1") == ["S3"])
            #expect(
                try await posted([
                    "type": "Query", "entities": stations, "geoQ": ["georel": "near;maxDistance==700", "geometry": "Point", "coordinates": [107.08, 20.95]],
                ]) == ["S1", "S2", "S4"])
            #expect(
                try await posted(["type": "Query", "entities": [["id": "urn:ngsi-ld:AirQualityObserved:S3"], ["id": "urn:ngsi-ld:AirQualityObserved:S1"]]])
                    == ["S1", "S3"])
            for bad: JSON in [
                ["type": "Entity"], ["type": "Query", "nonsense": 1], ["type": "Query", "q": 5], ["type": "Query", "entities": "AirQualityObserved"],
                ["type": "Query", "geoQ": ["georel": "near;maxDistance==10"]], ["type": "Query", "temporalQ": ["timerel": "after"]],
            ] {
                let refused = try await client.execute(
                    uri: "/ngsi-ld/v1/entityOperations/query", method: .post, headers: Self.headers(read), body: Self.body(bad))
                #expect([400, 422].contains(refused.status.code), "\(bad.text)")
            }
            #expect(try await ids("q=pm25%3E30;pm25%3C60") == ["S2", "S3"])
            #expect(try await ids("type=AirQualityObserved&georel=near;maxDistance==700&geometry=Point&coordinates=%5B107.08,20.95%5D") == ["S1", "S2", "S4"])
            #expect(
                try await ids("georel=near;maxDistance==700&geometry=Point&coordinates=%5B107.08,20.95%5D&q=pm25%3E50&limit=1&offset=1") == ["S4"])
            #expect(try await ids("idPattern=S%5B13%5D$") == ["S1", "S3"])
            // Type expressions: ; is and, | and , are or, parentheses group.
            let devices: JSON = [
                ["id": "urn:ngsi-ld:Device:D1", "type": ["AirQualityObserved", "Device"], "pm25": 5],
                ["id": "urn:ngsi-ld:Device:D2", "type": "Device", "pm25": 90],
            ]
            #expect(
                try await client.execute(uri: "/ngsi-ld/v1/entityOperations/create", method: .post, headers: Self.headers(write), body: Self.body(devices)).status
                    == .created)
            #expect(try await ids("type=AirQualityObserved;Device") == ["D1"])
            #expect(try await ids("type=(Device%7CWaterLevel)") == ["D1", "D2"])
            #expect(try await ids("type=Device,WaterLevel&q=pm25%3E50") == ["D2"])
            #expect(try await ids("type=(AirQualityObserved;Device)%7CWaterLevel&count=true") == ["D1"])
            // Scopes: a path, # for everything below, + for one level.
            let scoped: JSON = [
                ["id": "urn:ngsi-ld:Device:D3", "type": "Device", "scope": "/QuangNinh/HaLong/HongGai"],
                ["id": "urn:ngsi-ld:Device:D4", "type": "Device", "scope": ["/QuangNinh/CamPha", "/Flood"]],
            ]
            #expect(
                try await client.execute(uri: "/ngsi-ld/v1/entityOperations/create", method: .post, headers: Self.headers(write), body: Self.body(scoped)).status
                    == .created)
            #expect(try await ids("scopeQ=/QuangNinh/%23") == ["D3", "D4"])
            #expect(try await ids("type=Device&scopeQ=/QuangNinh/%2B/HongGai") == ["D3"])
            #expect(try await ids("scopeQ=/Flood;/QuangNinh/%23") == ["D4"])
            let counted = try await client.execute(
                uri: "/ngsi-ld/v1/entities?q=pm25%3E30&count=true&limit=1", method: .get, headers: Self.headers(read, type: nil))
            #expect(counted.headers[.ngsildResultsCount] == "4")  // S2, S3, S4 and D2
            // What the database tests of q never loses a match: several instances (one matching),
            // a list, a number in text (no match), an attribute's existence, or-branches it cannot test.
            let odd: JSON = [
                [
                    "id": "urn:ngsi-ld:Device:D5", "type": "Device",
                    "pm25": [["type": "Property", "value": 10], ["type": "Property", "value": 70, "datasetId": "urn:ngsi-ld:Dataset:b"]],
                ],
                ["id": "urn:ngsi-ld:Device:D6", "type": "Device", "pm25": ["type": "Property", "value": [10, 65]]],
                ["id": "urn:ngsi-ld:Device:D7", "type": "Device", "pm25": ["type": "Property", "value": "75"], "no2": 3],
                ["id": "urn:ngsi-ld:Device:D8", "type": "Device", "pm25": ["type": "Property", "value": ["@type": "Number", "@value": 66]]],
            ]
            #expect(
                try await client.execute(uri: "/ngsi-ld/v1/entityOperations/create", method: .post, headers: Self.headers(write), body: Self.body(odd)).status
                    == .created)
            #expect(try await ids("type=Device&q=pm25%3E60") == ["D2", "D5", "D6", "D8"])
            #expect(try await ids("type=Device&q=pm25==10") == ["D5", "D6"])
            #expect(try await ids("type=Device&q=pm25==5..12") == ["D1", "D5", "D6"])
            #expect(try await ids("type=Device&q=no2") == ["D7"])
            #expect(try await ids("type=Device&q=pm25==%2275%22") == ["D7"])
            #expect(try await ids("type=Device&q=pm25%3E80%7Cno2") == ["D2", "D7"])
            #expect(try await ids("type=Device&q=(pm25%3C6%7Cpm25%3E85);pm25!=5") == ["D2"])
            #expect(try await ids("type=Device&q=pm25%3E60&limit=2&offset=1") == ["D5", "D6"])
            // orderBy: by value, numbers before text before the rest, the entities without it last.
            #expect(try await ids("type=AirQualityObserved&orderBy=pm25;desc") == ["S4", "S2", "S3", "S1", "D1"])
            #expect(try await ids("type=AirQualityObserved&orderBy=pm25&limit=2&offset=1") == ["S1", "S3"])
            #expect(try await ids("type=Device&orderBy=pm25;asc") == ["D1", "D5", "D8", "D2", "D7", "D6", "D3", "D4"])
            #expect(try await ids("type=AirQualityObserved&orderBy=id;desc") == ["D1", "S4", "S3", "S2", "S1"])
            let around = "type=AirQualityObserved&georel=near;maxDistance==700&geometry=Point&coordinates=%5B107.08,20.95%5D&orderBy=location;"
            #expect(try await ids(around + "dist-asc") == ["S1", "S4", "S2"])
            #expect(try await ids(around + "dist-desc&limit=1") == ["S2"])
            let ordered = try await client.execute(
                uri: "/ngsi-ld/v1/entities?type=AirQualityObserved&orderBy=pm25;desc&count=true&limit=1", method: .get, headers: Self.headers(read, type: nil))
            let first = try Self.parsed(ordered).array?.first?["id"]
            #expect(ordered.headers[.ngsildResultsCount] == "5" && first == "urn:ngsi-ld:AirQualityObserved:S4")
            for bad in [
                "type=A;;B", "type=(A", "type=A%7C", "q=pm25%3E%3E1", "georel=near&geometry=Point&coordinates=%5B107,20%5D", "georel=within&geometry=Point", "idPattern=(",
                "scopeQ=a", "orderBy=pm25;sideways", "orderBy=pm25;desc;x", "orderBy=,pm25", "orderBy=location;dist-asc",
            ] {
                let query = bad.hasPrefix("type=") ? bad : "type=AirQualityObserved&" + bad
                let response = try await client.execute(uri: "/ngsi-ld/v1/entities?" + query, method: .get, headers: Self.headers(read, type: nil))
                #expect([400, 422].contains(response.status.code), "\(bad)")
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func contextsHostedHereOrPreloadedResolveWithoutTheNetwork(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let (write, read) = try await Self.keys(services)
            func linked(_ url: String, _ key: String, type: String? = nil) -> HTTPFields {
                var headers = Self.headers(key, type: type)
                headers[.link] = "<\(url)>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\""
                return headers
            }
            // A client stores its context here and names it by its URL.
            let own: JSON = ["@context": ["aq": "https://smartdatamodels.org/dataModel.Environment/", "Station": "aq:AirQualityObserved", "pm10": "aq:pm10"]]
            let hosted = try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts", method: .post, headers: Self.headers(write), body: Self.body(own))
            #expect(hosted.status == .created)
            let url = try #require(hosted.headers[.location])
            #expect(url.contains("/ngsi-ld/v1/jsonldContexts/"))
            let entity: JSON = ["id": "urn:ngsi-ld:Station:9", "type": "Station", "pm10": 20]
            #expect(
                try await client.execute(uri: "/ngsi-ld/v1/entities", method: .post, headers: linked(url, write, type: "application/json"), body: Self.body(entity))
                    .status == .created)
            let stored = try #require(try await services.entities.entity("urn:ngsi-ld:Station:9", tenant: ""))
            #expect(stored.types == ["https://smartdatamodels.org/dataModel.Environment/AirQualityObserved"])
            let back = try Self.parsed(try await client.execute(uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:Station:9?format=keyValues", method: .get, headers: linked(url, read)))
            #expect(back["type"] == "Station" && back["pm10"] == 20)
            // The document is public; the list names it beside the core context.
            let id = String(url.split(separator: "/").last!)
            let document = try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts/\(id)", method: .get)
            #expect(document.status == .ok)
            #expect(try Self.parsed(document) == own)
            #expect(document.headers[.contentType] == "application/json")
            let list = try Self.parsed(try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts", method: .get, headers: Self.headers(read, type: nil)))
            #expect(list.array?.contains(.string(url)) == true && list.array?.contains(.string(ContextLibrary.coreURL)) == true)
            // With details=true: its entry, by its id or by its URL percent-encoded in the path.
            let encoded = url.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            for key in [id, encoded] {
                let entry = try Self.parsed(try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts/\(key)?details=true", method: .get))
                #expect(entry["URL"] == .string(url) && entry["localId"] == .string(id) && entry["kind"] == "Hosted")
                #expect(Set(entry.object.map { Array($0.keys) } ?? []) == ["URL", "localId", "kind", "createdAt"])
                #expect(entry["createdAt"]?.string?.hasSuffix("Z") == true)
            }
            #expect(try Self.parsed(try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts/\(encoded)", method: .get)) == own)
            #expect(try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts/\(id)?details=maybe", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts/\(id)?detail=true", method: .get).status == .badRequest)
            // The core context is served too (it is built in), listed as Cached, and cannot be deleted;
            // reloading it keeps the built-in copy.
            let core = ContextLibrary.coreURL.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let coreDocument = try Self.parsed(try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts/\(core)", method: .get))
            #expect(coreDocument["@context"]?["Property"] == "ngsi-ld:Property")
            let coreEntry = try Self.parsed(try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts/\(core)?details=true", method: .get))
            #expect(coreEntry["kind"] == "Cached" && coreEntry["URL"] == .string(ContextLibrary.coreURL))
            let detailed = try Self.parsed(
                try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts?details=true", method: .get, headers: Self.headers(read, type: nil)))
            #expect(detailed.array?.contains { $0["URL"] == .string(ContextLibrary.coreURL) && $0["kind"] == "Cached" } == true)
            #expect(detailed.array?.contains { $0["URL"] == .string(url) && $0["kind"] == "Hosted" } == true)
            let hostedOnly = try Self.parsed(
                try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts?kind=Hosted", method: .get, headers: Self.headers(read, type: nil)))
            #expect(hostedOnly.array == [.string(url)])
            let coreDelete = try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts/\(core)", method: .delete, headers: Self.headers(write, type: nil))
            #expect(coreDelete.status == .badRequest)
            #expect(try Self.parsed(coreDelete)["type"] == "https://uri.etsi.org/ngsi-ld/errors/BadRequestData")
            #expect(
                try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts/\(core)?reload=true", method: .delete, headers: Self.headers(write, type: nil)).status
                    == .noContent)
            #expect(try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts/\(core)", method: .get).status == .ok)
            // Once deleted, naming it is LdContextNotAvailable.
            #expect(try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts/\(id)", method: .delete, headers: Self.headers(write, type: nil)).status == .noContent)
            #expect(try await client.execute(uri: "/ngsi-ld/v1/entities?type=Station", method: .get, headers: linked(url, read)).status == .serviceUnavailable)
            // A context that names an unknown one, or is not term definitions, is refused.
            for bad: JSON in [["@context": "https://example.org/none.jsonld"], ["@context": 5], ["nothing": true]] {
                let refused = try await client.execute(uri: "/ngsi-ld/v1/jsonldContexts", method: .post, headers: Self.headers(write), body: Self.body(bad))
                #expect([400, 503].contains(refused.status.code), "\(bad.text)")
            }

            // Preloaded from a folder: the URL a client names resolves to the file, with no network.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("contexts-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let remote = "https://smartdatamodels.org/context.jsonld"
            try Data(JSON.object([remote: "sdm.jsonld"]).text.utf8).write(to: folder.appendingPathComponent("index.json"))
            try Data(own.text.utf8).write(to: folder.appendingPathComponent("sdm.jsonld"))
            #expect(try await services.preloadContexts(folder: folder.path) == 1)
            #expect(try await services.preloadContexts(folder: folder.path) == 0)
            let found = try await client.execute(uri: "/ngsi-ld/v1/entities?type=Station&format=keyValues", method: .get, headers: linked(remote, read))
            #expect(try Self.parsed(found).array?.first?["id"] == "urn:ngsi-ld:Station:9")
        }
    }

    @Test(arguments: TestEngine.all)
    func staffBrowseTheEntitiesByTypeAndWard(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let (write, _) = try await Self.keys(services)
            func sensor(_ n: Int, _ ward: String, _ type: String) -> JSON {
                [
                    "id": .string("urn:ngsi-ld:\(type):\(n)"), "type": .string(type), "wardCode": .string(ward),
                    "name": ["type": "LanguageProperty", "languageMap": ["vi": .string("Cảm biến số \(n)"), "en": .string("Sensor \(n)")]],
                    "level": ["type": "Property", "value": 1.25, "unitCode": "MTR", "observedAt": "2026-12-01T07:00:00Z"],
                ]
            }
            let batch: JSON = [sensor(1, "06685", "FloodMonitoring"), sensor(2, "06994", "FloodMonitoring"), sensor(3, "06685", "Device")]
            #expect(
                try await client.execute(uri: "/ngsi-ld/v1/entityOperations/create", method: .post, headers: Self.headers(write), body: Self.body(batch)).status
                    == .created)
            var browser = Browser(client)
            try await browser.signIn("dieuhanh")
            let all = try await browser.get("/entities")
            #expect(all.status == .ok && all.text.contains("Cảm biến số 1") && all.text.contains("Cảm biến số 3"))
            let flooding = try await browser.get("/entities?type=FloodMonitoring&ward=06685")
            #expect(flooding.text.contains("urn:ngsi-ld:FloodMonitoring:1") && !flooding.text.contains("urn:ngsi-ld:FloodMonitoring:2"))
            #expect(!flooding.text.contains("urn:ngsi-ld:Device:3"))
            let detail = try await browser.get("/entities/urn:ngsi-ld:FloodMonitoring:1")
            #expect(detail.status == .ok && detail.text.contains("Phường Hồng Gai") && detail.text.contains("MTR") && detail.text.contains("1,25"))
            // One reading draws no line; with later readings the level's recent line is drawn.
            #expect(!detail.text.contains("<polyline"))
            for (hour, level) in [(8, 1.5), (9, 2.0)] {
                let reading: JSON = ["level": ["type": "Property", "value": .number(level), "unitCode": "MTR", "observedAt": .string("2026-12-01T0\(hour):00:00Z")]]
                #expect(
                    try await client.execute(
                        uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:FloodMonitoring:1/attrs", method: .patch, headers: Self.headers(write), body: Self.body(reading)
                    ).status == .noContent)
            }
            let drawn = try await browser.get("/entities/urn:ngsi-ld:FloodMonitoring:1")
            #expect(drawn.text.contains("<polyline") && drawn.text.contains("3 lần đo gần nhất của level"))
            let english = try await browser.get("/entities/urn:ngsi-ld:FloodMonitoring:1", headers: HTTPFields([HTTPField(name: .acceptLanguage, value: "en")]))
            #expect(english.text.contains("Sensor 1"))
            #expect(try await browser.get("/entities/urn:ngsi-ld:Nothing:1").status == .notFound)
            // Citizens do not see it.
            var visitor = Browser(client)
            #expect(try await visitor.get("/entities").status != .ok)
        }
    }
}
