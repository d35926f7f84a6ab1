import CityIOCDomain
import Foundation
import Hummingbird
import HummingbirdCore

/// `POST /entityOperations/query` (clause 5.7.2 with a Query document, 5.2.23): the same query
/// as `GET /entities`, its terms in the body (`entities`, `attrs`, `pick`, `omit`, `q`, `geoQ`,
/// `scopeQ`, `lang`) and the page and the form of the answer in the URL; and its temporal
/// counterpart.
extension NGSILDController {
    static let queryDocumentMembers: Set<String> = ["type", "@context", "entities", "attrs", "pick", "omit", "q", "geoQ", "scopeQ", "lang"]

    @Sendable func queryDocument(_ request: Request, context: AppRequestContext) async throws -> Response {
        let url = request.uri.queryParameters
        try Self.allowOnly(url, ["limit", "offset", "count", "options", "format", "orderBy", "geometryProperty", "local"])
        let (payload, ldContext) = try await body(request, context)
        let q = try Self.queryParameters(payload, url: url, temporal: false)
        let tenant = try await readTenant(request)
        let (linkedUser, linked) = try linkedContext(request)
        return try await answer(q, request, tenant: tenant, user: payload["@context"] ?? linkedUser, linked: linked, ldContext: ldContext)
    }

    /// `POST /temporal/entityOperations/query` (clause 5.7.4 with a Query document): the same as
    /// `GET /temporal/entities`, with the temporal query as `temporalQ` (`timerel`, `timeAt`,
    /// `endTimeAt`, `lastN`, `timeproperty`).
    @Sendable func temporalQueryDocument(_ request: Request, context: AppRequestContext) async throws -> Response {
        let url = request.uri.queryParameters
        try Self.allowOnly(url, ["limit", "offset", "count", "options", "format", "local"])
        let (payload, ldContext) = try await body(request, context)
        let q = try Self.queryParameters(payload, url: url, temporal: true)
        let tenant = try await readTenant(request)
        let (linkedUser, linked) = try linkedContext(request)
        return try await temporalQueryAnswer(q, request, tenant: tenant, user: payload["@context"] ?? linkedUser, linked: linked, ldContext: ldContext)
    }

    /// A Query document's terms as the query parameters they stand for, with the URL's.
    static func queryParameters(_ payload: JSON, url: Parameters, temporal: Bool) throws -> Parameters {
        guard case .object(let members) = payload, payload["type"]?.string == "Query" else {
            throw NGSIError.badData("Send a Query document: {\"type\": \"Query\", \"entities\": […], \"q\": \"…\", …}.")
        }
        let allowed = temporal ? queryDocumentMembers.union(["temporalQ"]) : queryDocumentMembers
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            let known = ["temporalQ", "csf", "containedBy", "join", "joinLevel", "datasetId"]
            throw known.contains(unknown)
                ? NGSIError(.operationNotSupported, "\(unknown) is not supported by this server yet.") : NGSIError.badData("A Query has no member \(unknown).", unknown)
        }
        var terms: [(String, String)] = []
        try Self.selectors(payload["entities"], into: &terms)
        for name in ["attrs", "pick", "omit"] {
            guard let value = payload[name] else { continue }
            let names = value.array?.compactMap(\.string) ?? value.string.map { [$0] } ?? []
            guard !names.isEmpty, names.count == value.items.count else { throw NGSIError.badData("\(name) is a list of attribute names.", value.text) }
            terms.append((name, names.joined(separator: ",")))
        }
        for name in ["q", "scopeQ", "lang"] {
            guard let value = payload[name] else { continue }
            guard let text = value.string else { throw NGSIError.badData("\(name) is a string.", value.text) }
            terms.append((name, text))
        }
        if let geo = payload["geoQ"] {
            guard let georel = geo["georel"]?.string, let geometry = geo["geometry"]?.string, let coordinates = geo["coordinates"], coordinates.array != nil
            else { throw NGSIError.badData("geoQ needs georel, geometry and coordinates (a JSON array).", geo.text) }
            terms += [("georel", georel), ("geometry", geometry), ("coordinates", coordinates.text)]
            if let property = geo["geoproperty"]?.string { terms.append(("geoproperty", property)) }
        }
        if let temporalQ = payload["temporalQ"] {
            guard case .object(let window) = temporalQ else { throw NGSIError.badData("temporalQ is an object: {\"timerel\": …, \"timeAt\": …}.", temporalQ.text) }
            for (name, value) in window.sorted(by: { $0.key < $1.key }) {
                switch name {
                case "timerel", "timeAt", "endTimeAt", "timeproperty":
                    guard let text = value.string else { throw NGSIError.badData("\(name) of temporalQ is a string.", value.text) }
                    terms.append((name, text))
                case "lastN":
                    guard let number = value.number, number >= 1, number == number.rounded(), number < 1e9 else {
                        throw NGSIError.badData("lastN of temporalQ is a whole number, 1 or more.", value.text)
                    }
                    terms.append((name, String(Int(number))))
                case "aggrMethods", "aggrPeriodDuration":
                    throw NGSIError(.operationNotSupported, "Aggregated temporal values (\(name)) are not supported by this server yet.")
                default: throw NGSIError.badData("temporalQ has no member \(name).", name)
                }
            }
        }
        for (name, value) in url { terms.append((String(name), String(value))) }
        let text = terms.map { "\(Self.encoded($0.0))=\(Self.encoded($0.1))" }.joined(separator: "&")
        return URI("\(Self.base)/entities?\(text)").queryParameters
    }

    /// `entities`: selectors of `id`, `idPattern` and `type`. One selector is asked as it is;
    /// several must each name only a type, or only an id (any of them matches).
    static func selectors(_ value: JSON?, into terms: inout [(String, String)]) throws(NGSIError) {
        guard let value else { return }
        guard let selectors = value.array, !selectors.isEmpty, selectors.allSatisfy({ $0.object != nil }) else {
            throw .badData("entities is a list of {\"type\": …, \"id\": …, \"idPattern\": …}.", value.text)
        }
        for selector in selectors {
            if let member = selector.object?.keys.first(where: { !["id", "idPattern", "type"].contains($0) }) {
                throw .badData("An entity selector has id, idPattern and type only.", member)
            }
        }
        if selectors.count == 1 {
            for name in ["id", "idPattern", "type"] {
                guard let member = selectors[0][name] else { continue }
                guard let text = member.string else { throw .badData("\(name) of an entity selector is a string.", member.text) }
                terms.append((name, text))
            }
            return
        }
        for name in ["type", "id"] where selectors.allSatisfy({ $0.object?.keys.sorted() == [name] }) {
            let values = selectors.compactMap { $0[name]?.string }
            guard values.count == selectors.count else { throw .badData("\(name) of an entity selector is a string.", value.text) }
            terms.append((name, values.joined(separator: name == "type" ? "|" : ",")))
            return
        }
        throw NGSIError(.operationNotSupported, "Several entity selectors are supported when each names only a type, or each only an id.")
    }

    private static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
