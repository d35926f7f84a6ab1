import CityIOCDomain
import Foundation
import Hummingbird

/// Loading wards' outlines from a GeoJSON file (from the province's land office, or OpenStreetMap's
/// administrative boundaries): `/admin/areas/boundaries` for admins in the browser, and
/// `PUT /api/v1/areas/boundaries?property=…` for scripts. A file is loaded whole or not at all:
/// a feature without a code, an outline that is not a polygon, a code that is no area of the
/// city, and nothing changes; the answer lists every one.
struct BoundaryPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/admin/areas/boundaries", .permission(.manageOrganisation), use: form)
        router.on(.post, "/admin/areas/boundaries", .permission(.manageOrganisation), use: upload)
        router.on(.put, "/api/v1/areas/boundaries", .permission(.manageOrganisation), use: apiPut)
    }

    struct Outcome: Encodable, Sendable {
        var loaded: [String]
        var problems: [String]
    }

    /// Reads and checks a file; stores it only when every feature is usable.
    func load(_ data: Data, property: String, context: AppRequestContext) async throws -> Outcome {
        let parsed: (found: [(code: String, boundary: Boundary)], problems: [Boundary.Problem])
        do {
            parsed = try Boundary.features(in: data, codeProperty: property)
        } catch {
            return Outcome(loaded: [], problems: ["not a GeoJSON Feature or FeatureCollection"])
        }
        var problems = parsed.problems.map { problem -> String in
            switch problem {
            case .notGeoJSON: "not a GeoJSON Feature or FeatureCollection"
            case .noCode(let feature): "feature \(feature): no \"\(property)\" property"
            case .notAPolygon(let feature): "feature \(feature): not a Polygon or MultiPolygon"
            case .badRing(let feature): "feature \(feature): a ring with fewer than 4 points or coordinates out of range"
            }
        }
        let areas = Set(try await services.organisation.areas(AreaQuery(includeInactive: true)).map(\.code.rawValue))
        problems += parsed.found.filter { !areas.contains($0.code) }.map { "area \($0.code) is not in the city's list" }
        if parsed.found.isEmpty, problems.isEmpty { problems.append("no features") }
        guard problems.isEmpty else { return Outcome(loaded: [], problems: problems) }
        try await services.boundaries.saveBoundaries(parsed.found.map { (Area.Code($0.code), $0.boundary) }, context: context.changeContext)
        return Outcome(loaded: parsed.found.map(\.code).sorted(), problems: [])
    }

    @Sendable func apiPut(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Outcome> {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/geo+json") || type.hasPrefix("application/json") else {
            throw ClientError(.unsupportedMediaType, Text(vi: "Gửi tệp GeoJSON (application/geo+json).", en: "Send a GeoJSON file (application/geo+json)."))
        }
        var body = request
        let data = Data(buffer: try await body.collectBody(upTo: context.maxUploadSize))
        let property = request.uri.queryParameters["property"].map(String.init) ?? "code"
        let outcome = try await load(data, property: property, context: context)
        return JSONBody(outcome, status: outcome.problems.isEmpty ? .ok : .unprocessableContent)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> HTML {
        try await page(context, flash: nil, outcome: nil)
    }

    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        guard let file = form.files["geojson"]?.first else {
            let message = Text(vi: "Hãy chọn một tệp GeoJSON.", en: "Please choose a GeoJSON file.")
            return try await page(context, flash: Flash(kind: .error, message: message(context.language)), outcome: nil).response(status: .unprocessableContent)
        }
        let outcome = try await load(file.data, property: form.text("property") ?? "code", context: context)
        let message =
            outcome.problems.isEmpty
            ? Text(vi: "Đã nạp ranh giới của \(outcome.loaded.count) địa bàn.", en: "Outlines of \(outcome.loaded.count) areas loaded.")
            : Text(vi: "Tệp chưa được nạp: sửa các lỗi dưới đây rồi gửi lại.", en: "The file was not loaded: fix the problems below and send it again.")
        return try await page(context, flash: Flash(kind: outcome.problems.isEmpty ? .ok : .error, message: message(context.language)), outcome: outcome)
            .response(status: outcome.problems.isEmpty ? .ok : .unprocessableContent)
    }

    func page(_ context: AppRequestContext, flash: Flash?, outcome: Outcome?) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/areas")
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(chrome.language) }
        let wards = try await services.organisation.areas(AreaQuery()).filter { $0.level.isCommuneLevel }
        let outlined = try await services.boundaries.areasWithBoundaries()
        let missing = wards.filter { !outlined.contains($0.code) }.sorted { $0.name < $1.name }
        let problems: [HTML] = (outcome?.problems ?? []).prefix(200).map { "<li>\($0)</li>" }
        let problemList: HTML = problems.isEmpty ? "" : "<div class=\"panel\"><ul>\(problems)</ul></div>"
        let missingList: HTML =
            missing.isEmpty
            ? "<p>\(t("Mọi phường, xã đã có ranh giới.", "Every ward and commune has an outline."))</p>"
            : "<p class=\"hint\">\(t("Chưa có ranh giới", "No outline yet")): \(missing.map(\.name).joined(separator: ", "))</p>"
        let body: HTML = """
            <h1>\(t("Ranh giới phường, xã", "Ward outlines"))</h1>
            <p>\(t("Có ranh giới", "With an outline")): <strong>\(outlined.count)</strong> / \(wards.count). \(t("Phản ánh có tọa độ được gán cho phường, xã chứa điểm đó; nơi chưa có ranh giới thì theo trung tâm gần nhất.", "A report with coordinates goes to the ward whose outline holds its point; where there is none yet, to the nearest ward centre."))</p>
            \(missingList)
            \(problemList)
            <form class="stack panel" method="post" action="/admin/areas/boundaries" enctype="multipart/form-data">\(chrome.csrfField)
            <label>\(t("Tệp GeoJSON (FeatureCollection các Polygon/MultiPolygon, tọa độ WGS 84)", "GeoJSON file (a FeatureCollection of Polygons/MultiPolygons, WGS 84)"))<input type="file" name="geojson" accept=".geojson,.json,application/geo+json,application/json" required></label>
            <label>\(t("Thuộc tính chứa mã phường, xã (5 chữ số)", "Property holding the ward's code (5 digits)"))<input name="property" value="code" required maxlength="100"></label>
            <button type="submit">\(t("Nạp ranh giới", "Load the outlines"))</button>
            </form>
            """
        return Layout(chrome: chrome, title: t("Ranh giới", "Outlines"), flash: flash, body: body).render()
    }
}
