import CityIOCDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import CityIOCServer

/// The temporal API's reads: an entity's attribute history as every write recorded it, in a
/// time window, the newest N, as instances or as `[value, time]` pairs; queries over several
/// entities; bad parameters refused.
@Suite struct NGSILDTemporalTests {
    typealias E = NGSILDEntityTests
    static let id = "urn:ngsi-ld:AirQualityObserved:QN-TEMP-01"
    static let path = "/ngsi-ld/v1/temporal/entities/" + NGSILDController.pathSegment(id)
    static let times = ["2026-12-01T07:00:00.000Z", "2026-12-01T08:00:00.000Z", "2026-12-01T09:00:00.000Z"]

    /// A station whose PM2.5 was read three times, an hour apart, and which has a name too.
    static func seed(_ client: some TestClientProtocol, write: String) async throws {
        let station: JSON = [
            "id": .string(id), "type": "AirQualityObserved", "name": ["type": "Property", "value": "Trạm Hạ Long"],
            "pm25": ["type": "Property", "value": 10, "unitCode": "GQ", "observedAt": .string(times[0])],
        ]
        #expect(try await client.execute(uri: "/ngsi-ld/v1/entities", method: .post, headers: E.headers(write), body: E.body(station)).status == .created)
        for (value, time) in [(20, times[1]), (30, times[2])] {
            let update: JSON = ["pm25": ["type": "Property", "value": .number(Double(value)), "unitCode": "GQ", "observedAt": .string(time)]]
            let patched = try await client.execute(
                uri: "/ngsi-ld/v1/entities/" + NGSILDController.pathSegment(id) + "/attrs", method: .patch, headers: E.headers(write), body: E.body(update))
            #expect(patched.status == .noContent)
        }
    }

    static func values(_ entity: JSON, _ name: String = "pm25") -> [Double] {
        (entity[name]?.array ?? []).compactMap { $0["value"]?.number }
    }

    @Test(arguments: TestEngine.all)
    func aStationsReadingsComeBackInTimeOrderWindowedAndAsPairs(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let (write, read) = try await E.keys(services)
            try await Self.seed(client, write: write)
            func get(_ query: String) async throws -> JSON {
                let response = try await client.execute(uri: Self.path + query, method: .get, headers: E.headers(read, type: nil))
                #expect(response.status == .ok, "\(query)")
                return try E.parsed(response)
            }

            // The whole evolution: every reading in time order, each with a stable instanceId.
            let all = try await get("")
            #expect(all["id"] == .string(Self.id) && all["type"] == "AirQualityObserved")
            #expect(Self.values(all) == [10, 20, 30])
            #expect(all["pm25"]?.array?.map { $0["observedAt"] } == Self.times.map { JSON.string($0) })
            let ids = all["pm25"]?.array?.compactMap { $0["instanceId"]?.string } ?? []
            #expect(ids.count == 3 && Set(ids).count == 3 && ids.allSatisfy { $0.hasPrefix("urn:ngsi-ld:Instance:") })
            #expect(try await get("")["pm25"]?.array?.compactMap { $0["instanceId"]?.string } == ids)
            // The name was written once, without observedAt: its write time stands in (a system attribute).
            #expect(all["name"]?.array?.count == 1 && all["name"]?.array?.first?["modifiedAt"] == nil)
            let system = try await get("?options=sysAttrs&attrs=name")
            #expect(system["name"]?.array?.first?["modifiedAt"]?.string != nil && system["pm25"] == nil)

            // Windows: after includes timeAt, before leaves it out, between is [timeAt, endTimeAt).
            #expect(Self.values(try await get("?timerel=after&timeAt=\(Self.times[1])&attrs=pm25")) == [20, 30])
            #expect(Self.values(try await get("?timerel=before&timeAt=\(Self.times[1])&attrs=pm25")) == [10])
            #expect(Self.values(try await get("?timerel=between&timeAt=\(Self.times[0])&endTimeAt=\(Self.times[2])")) == [10, 20])
            #expect(try await get("?timerel=after&timeAt=2027-01-01T00:00:00Z")["pm25"] == nil)
            // The newest two, oldest first; only the attributes asked for.
            let newest = try await get("?lastN=2&attrs=pm25")
            #expect(Self.values(newest) == [20, 30] && newest["name"] == nil)

            // As pairs (format or option): [value, observedAt].
            for query in ["?options=temporalValues&attrs=pm25", "?format=temporalValues&attrs=pm25", "?format=simplified&attrs=pm25"] {
                let pairs = try await get(query)
                #expect(pairs["pm25"]?["type"] == "Property", "\(query)")
                #expect(pairs["pm25"]?["values"] == .array(zip([10.0, 20, 30], Self.times).map { JSON.array([.number($0), .string($1)]) }), "\(query)")
            }

            // A query over entities answers each one's evolution.
            let listed = try await client.execute(
                uri: "/ngsi-ld/v1/temporal/entities?type=AirQualityObserved&timerel=after&timeAt=\(Self.times[2])&count=true", method: .get,
                headers: E.headers(read, type: nil))
            #expect(listed.status == .ok && listed.headers[.ngsildResultsCount] == "1")
            let entities = try E.parsed(listed)
            #expect(entities.array?.count == 1 && Self.values(entities.array?.first ?? .null) == [30])
            #expect(try E.parsed(try await client.execute(uri: "/ngsi-ld/v1/temporal/entities?type=WaterLevel", method: .get, headers: E.headers(read, type: nil))) == [])

            // The same query as a Query document, its window in temporalQ; a read key may ask.
            func document(_ temporalQ: JSON) -> ByteBuffer {
                E.body(["type": "Query", "entities": [["type": "AirQualityObserved"]], "attrs": ["pm25"], "temporalQ": temporalQ])
            }
            let posted = try await client.execute(
                uri: "/ngsi-ld/v1/temporal/entityOperations/query?count=true", method: .post, headers: E.headers(read),
                body: document(["timerel": "after", "timeAt": .string(Self.times[1])]))
            #expect(posted.status == .ok && posted.headers[.ngsildResultsCount] == "1")
            let queried = try E.parsed(posted)
            #expect(Self.values(queried.array?.first ?? .null) == [20, 30] && queried.array?.first?["name"] == nil)
            let newestOne = try E.parsed(
                try await client.execute(
                    uri: "/ngsi-ld/v1/temporal/entityOperations/query", method: .post, headers: E.headers(read), body: document(["lastN": 1])))
            #expect(Self.values(newestOne.array?.first ?? .null) == [30])
            for (bad, status) in [
                (JSON.object(["lastN": 0.5]), 400), (["lastN": 0], 400), (["timerel": "between", "timeAt": .string(Self.times[0])], 400), (["timerel": 5], 400),
                (["colour": "red"], 400), (["aggrMethods": ["avg"], "aggrPeriodDuration": "PT1H"], 422),
            ] {
                let refused = try await client.execute(
                    uri: "/ngsi-ld/v1/temporal/entityOperations/query", method: .post, headers: E.headers(read), body: document(bad))
                #expect(refused.status.code == status, "\(bad.text)")
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func badTemporalParametersAreRefusedInTheSpecsErrors(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let (write, read) = try await E.keys(services)
            try await Self.seed(client, write: write)
            let bad = "https://uri.etsi.org/ngsi-ld/errors/BadRequestData"
            let invalid = "https://uri.etsi.org/ngsi-ld/errors/InvalidRequest"
            let unsupported = "https://uri.etsi.org/ngsi-ld/errors/OperationNotSupported"
            for (query, status, type) in [
                ("?timerel=during&timeAt=\(Self.times[0])", 400, bad), ("?timerel=after", 400, bad), ("?timerel=between&timeAt=\(Self.times[0])", 400, bad),
                ("?timerel=between&timeAt=\(Self.times[2])&endTimeAt=\(Self.times[0])", 400, bad), ("?timerel=after&timeAt=yesterday", 400, bad),
                ("?timeAt=\(Self.times[0])", 400, bad), ("?lastN=0", 400, bad), ("?lastN=many", 400, bad), ("?options=temporalValue", 400, bad),
                ("?colour=red", 400, invalid), ("?aggrMethods=avg&aggrPeriodDuration=PT1H", 422, unsupported), ("?timeproperty=modifiedAt", 422, unsupported),
                ("?timeproperty=whenever", 400, bad),
            ] {
                let response = try await client.execute(uri: Self.path + query, method: .get, headers: E.headers(read, type: nil))
                #expect(response.status.code == status, "\(query)")
                #expect(try E.parsed(response)["type"] == .string(type), "\(query)")
            }
            // No such entity, no such tenant, no key.
            let missing = try await client.execute(uri: "/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:X:none", method: .get, headers: E.headers(read, type: nil))
            #expect(missing.status == .notFound)
            let tenant = try await client.execute(uri: Self.path, method: .get, headers: E.headers(read, type: nil, tenant: "elsewhere"))
            #expect(tenant.status == .notFound)
            #expect(try E.parsed(tenant)["type"] == "https://uri.etsi.org/ngsi-ld/errors/NonexistentTenant")
            #expect(try await client.execute(uri: Self.path, method: .get).status == .unauthorized)
            // An instanceId that is none of this attribute's: nothing found, nothing changed.
            let instance = try await client.execute(
                uri: Self.path + "/attrs/pm25/urn:ngsi-ld:Instance:1", method: .patch, headers: E.headers(write),
                body: E.body(["type": "Property", "value": 1]))
            #expect(instance.status == .notFound)
            #expect(try E.parsed(instance)["type"] == "https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound")
            #expect(Self.values(try E.parsed(try await client.execute(uri: Self.path, method: .get, headers: E.headers(read, type: nil)))) == [10, 20, 30])
        }
    }

    /// The ETSI suite's vehicle (its test data 2020-08-vehicle-temporal-representation): a
    /// temporal representation posted whole, read back, added to, and deleted.
    static let vehicle: JSON = [
        "id": "urn:ngsi-ld:Vehicle:T1", "type": "Vehicle",
        "speed": [
            ["type": "Property", "value": 120, "observedAt": "2020-08-01T12:03:00Z"], ["type": "Property", "value": 80, "observedAt": "2020-08-01T12:05:00Z"],
            ["type": "Property", "value": 100, "observedAt": "2020-08-01T12:07:00Z"],
        ],
        "fuelLevel": [
            ["type": "Property", "value": 67, "observedAt": "2020-08-01T12:03:00Z"], ["type": "Property", "value": 53, "observedAt": "2020-08-01T13:05:00Z"],
            ["type": "Property", "value": 40, "observedAt": "2020-08-01T14:07:00Z"],
        ],
    ]

    @Test(arguments: TestEngine.all)
    func aTemporalRepresentationIsPostedReadAddedToAndDeleted(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let (write, read) = try await E.keys(services)
            let path = "/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:Vehicle:T1"
            // Posted whole: 201 with its address; read back, instances in time order.
            let created = try await client.execute(uri: "/ngsi-ld/v1/temporal/entities", method: .post, headers: E.headers(write), body: E.body(Self.vehicle))
            #expect(created.status == .created && created.headers[.location] == path)
            let back = try E.parsed(try await client.execute(uri: path, method: .get, headers: E.headers(read, type: nil)))
            #expect(back["type"] == "Vehicle" && Self.values(back, "speed") == [120, 80, 100] && Self.values(back, "fuelLevel") == [67, 53, 40])
            #expect(back["speed"]?.array?.map { $0["observedAt"] } == ["2020-08-01T12:03:00.000Z", "2020-08-01T12:05:00.000Z", "2020-08-01T12:07:00.000Z"])
            // The entity's current state is the newest instance of each attribute.
            let current = try E.parsed(try await client.execute(uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:T1", method: .get, headers: E.headers(read, type: nil)))
            #expect(current["speed"]?["value"] == 100 && current["fuelLevel"]?["value"] == 40)

            // Posted again with another instant: 204, added to the history.
            let again: JSON = ["id": "urn:ngsi-ld:Vehicle:T1", "type": "Vehicle", "speed": [["type": "Property", "value": 90, "observedAt": "2020-08-01T12:09:00Z"]]]
            #expect(try await client.execute(uri: "/ngsi-ld/v1/temporal/entities", method: .post, headers: E.headers(write), body: E.body(again)).status == .noContent)
            // Added to through /attrs: an older instance joins the history but leaves the current value.
            let older: JSON = ["speed": [["type": "Property", "value": 60, "observedAt": "2020-08-01T12:01:00Z"]]]
            #expect(try await client.execute(uri: path + "/attrs", method: .post, headers: E.headers(write), body: E.body(older)).status == .noContent)
            let grown = try E.parsed(try await client.execute(uri: path + "?attrs=speed", method: .get, headers: E.headers(read, type: nil)))
            #expect(Self.values(grown, "speed") == [60, 120, 80, 100, 90])
            let now = try E.parsed(try await client.execute(uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:T1", method: .get, headers: E.headers(read, type: nil)))
            #expect(now["speed"]?["value"] == 90)

            // An instance whose value is urn:ngsi-ld:null records the attribute's deletion at its
            // time (4.5.7): kept in the history, and the entity no longer has the attribute.
            let deleted: JSON = ["fuelLevel": [["type": "Property", "value": "urn:ngsi-ld:null", "observedAt": "2020-08-01T15:00:00Z"]]]
            #expect(try await client.execute(uri: path + "/attrs", method: .post, headers: E.headers(write), body: E.body(deleted)).status == .noContent)
            let afterDeletion = try E.parsed(try await client.execute(uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:T1", method: .get, headers: E.headers(read, type: nil)))
            #expect(afterDeletion["fuelLevel"] == nil && afterDeletion["speed"]?["value"] == 90)
            let fuel = try E.parsed(try await client.execute(uri: path + "?attrs=fuelLevel", method: .get, headers: E.headers(read, type: nil)))
            #expect(fuel["fuelLevel"]?.array?.last?["value"] == "urn:ngsi-ld:null" && fuel["fuelLevel"]?.array?.count == 4)

            // Bad input changes nothing: an instance that is not an object, a wrong shape, no
            // attributes, an id that is not a URI, another entity in the body of an append, a
            // missing entity, a read key.
            for bad: JSON in [
                ["id": "urn:ngsi-ld:Vehicle:T1", "type": "Vehicle", "speed": [["type": "Property", "value": 1, "observedAt": "2020-08-02T00:00:00Z"], 5]],
                ["id": "urn:ngsi-ld:Vehicle:T1", "type": "Vehicle", "speed": [["type": "Relationship", "value": 1]]],
                ["id": "urn:ngsi-ld:Vehicle:T1", "type": "Vehicle"], ["id": "not a uri", "type": "Vehicle", "speed": [["type": "Property", "value": 1]]],
                ["id": "urn:ngsi-ld:Vehicle:T1", "type": "Vehicle", "speed": []],
            ] {
                let refused = try await client.execute(uri: "/ngsi-ld/v1/temporal/entities", method: .post, headers: E.headers(write), body: E.body(bad))
                #expect(refused.status == .badRequest, "\(bad.text)")
            }
            let elsewhere: JSON = ["id": "urn:ngsi-ld:Vehicle:T2", "speed": [["type": "Property", "value": 1]]]
            #expect(try await client.execute(uri: path + "/attrs", method: .post, headers: E.headers(write), body: E.body(elsewhere)).status == .badRequest)
            #expect(
                try await client.execute(uri: "/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:Vehicle:none/attrs", method: .post, headers: E.headers(write), body: E.body(older))
                    .status == .notFound)
            #expect(try await client.execute(uri: "/ngsi-ld/v1/temporal/entities", method: .post, headers: E.headers(read), body: E.body(Self.vehicle)).status == .forbidden)
            #expect(
                Self.values(try E.parsed(try await client.execute(uri: path + "?attrs=speed", method: .get, headers: E.headers(read, type: nil))), "speed") == [
                    60, 120, 80, 100, 90,
                ])
            // Every write is audited.
            let audited = try await services.audit.auditEntries(AuditFilter(entityType: "context-entity", entityID: "urn:ngsi-ld:Vehicle:T1"))
            #expect(Set(audited.map(\.action)).isSuperset(of: ["entity.temporal.create", "entity.temporal.append"]))

            // One instance changed, one deleted, by their instanceIds.
            let ids = grown["speed"]?.array?.compactMap { $0["instanceId"]?.string } ?? []
            #expect(ids.count == 5)
            let changed: JSON = ["type": "Property", "value": 65, "observedAt": "2020-08-01T12:01:00Z"]
            #expect(try await client.execute(uri: path + "/attrs/speed/" + ids[0], method: .patch, headers: E.headers(write), body: E.body(changed)).status == .noContent)
            #expect(try await client.execute(uri: path + "/attrs/speed/" + ids[2], method: .delete, headers: E.headers(write, type: nil)).status == .noContent)
            let edited = try E.parsed(try await client.execute(uri: path + "?attrs=speed", method: .get, headers: E.headers(read, type: nil)))
            #expect(Self.values(edited, "speed") == [65, 120, 100, 90])
            #expect(edited["speed"]?.array?.first?["instanceId"] == .string(ids[0]))
            for unknown in [ids[2], "urn:ngsi-ld:Instance:nothing", "urn:ngsi-ld:Instance:0000000000000000-1596283260000"] {
                #expect(try await client.execute(uri: path + "/attrs/speed/" + unknown, method: .delete, headers: E.headers(write, type: nil)).status == .notFound)
            }
            let wrong: JSON = ["type": "Relationship", "value": 1]
            #expect(try await client.execute(uri: path + "/attrs/speed/" + ids[0], method: .patch, headers: E.headers(write), body: E.body(wrong)).status == .badRequest)
            // An attribute's whole history, and its current value, deleted.
            #expect(try await client.execute(uri: path + "/attrs/fuelLevel", method: .delete, headers: E.headers(write, type: nil)).status == .noContent)
            #expect(try E.parsed(try await client.execute(uri: path, method: .get, headers: E.headers(read, type: nil)))["fuelLevel"] == nil)
            let withoutFuel = try E.parsed(try await client.execute(uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:T1", method: .get, headers: E.headers(read, type: nil)))
            #expect(withoutFuel["fuelLevel"] == nil && withoutFuel["speed"]?["value"] == 90)
            #expect(try await client.execute(uri: path + "/attrs/fuelLevel", method: .delete, headers: E.headers(write, type: nil)).status == .notFound)

            // Deleted: the entity and its history.
            #expect(try await client.execute(uri: path, method: .delete, headers: E.headers(write, type: nil)).status == .noContent)
            #expect(try await client.execute(uri: path, method: .get, headers: E.headers(read, type: nil)).status == .notFound)
            #expect(try await client.execute(uri: "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:T1", method: .get, headers: E.headers(read, type: nil)).status == .notFound)
            #expect(try await client.execute(uri: path, method: .delete, headers: E.headers(write, type: nil)).status == .notFound)
            #expect(
                try await services.history.temporalReadings(tenant: "", entities: ["urn:ngsi-ld:Vehicle:T1"], attributes: nil, from: nil, to: nil, lastN: nil, limit: 10).isEmpty)
        }
    }

    @Test(arguments: TestEngine.all)
    func aLongHistoryComesInPartsThatSayWhichTimesTheyHold(engine: TestEngine) async throws {
        try await withApp(engine) { services, client in
            let (write, read) = try await E.keys(services)
            try await Self.seed(client, write: write)
            // A gateway's backlog: a reading a minute for a week and more (past the 10,000 of one answer).
            let start = try #require(CityStore.instant("2026-11-01T00:00:00Z"))
            let count = NGSILDController.temporalInstanceLimit + 50
            let attribute = "https://uri.etsi.org/ngsi-ld/default-context/no2"
            let backlog = (0..<count).map { minute in
                AttributeReading(
                    entityID: Self.id, attribute: attribute, observedAt: start.addingTimeInterval(Double(minute) * 60), number: Double(minute),
                    instance: [
                        "type": "Property", "value": .number(Double(minute)), "observedAt": .string(Timestamp.utcMilliseconds(start.addingTimeInterval(Double(minute) * 60))),
                    ])
            }
            try await services.history.recordReadings(backlog, tenant: "", context: system)

            let first = try await client.execute(uri: Self.path + "?attrs=no2", method: .get, headers: E.headers(read, type: nil))
            #expect(first.status == .partialContent)
            let last = Timestamp.utcMilliseconds(start.addingTimeInterval(Double(NGSILDController.temporalInstanceLimit - 1) * 60))
            #expect(first.headers[.contentRange] == "date-time 2026-11-01T00:00:00.000Z-\(last)/*")
            #expect(Self.values(try E.parsed(first), "no2").count == NGSILDController.temporalInstanceLimit)
            // The next part starts where the first one ended, and is the whole rest.
            let next = Timestamp.utcMilliseconds(start.addingTimeInterval(Double(NGSILDController.temporalInstanceLimit) * 60))
            let rest = try await client.execute(uri: Self.path + "?attrs=no2&timerel=after&timeAt=\(next)", method: .get, headers: E.headers(read, type: nil))
            #expect(rest.status == .ok && rest.headers[.contentRange] == nil)
            #expect(Self.values(try E.parsed(rest), "no2") == (NGSILDController.temporalInstanceLimit..<count).map(Double.init))
            // The newest five only.
            #expect(
                Self.values(try E.parsed(try await client.execute(uri: Self.path + "?attrs=no2&lastN=5", method: .get, headers: E.headers(read, type: nil))), "no2")
                    == (count - 5..<count).map(Double.init))
        }
    }
}
