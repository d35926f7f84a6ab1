import CityIOCDomain
import Foundation
import Hummingbird

/// The indicator catalogue, values and targets as JSON: what dashboards, agencies' systems and
/// integrators read and send. Staff and machines read; admins edit the catalogue; values are
/// sent by admins and by the staff and keys of the agency that owns each indicator.
struct IndicatorAPI {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/api/v1/indicators", .permission(.viewIndicators), use: list)
        router.on(.get, "/api/v1/indicators/:code", .permission(.viewIndicators), use: one)
        router.on(.put, "/api/v1/indicators/:code", .permission(.manageIndicators), use: put)
        router.on(.get, "/api/v1/indicators/:code/values", .permission(.viewIndicators), use: values)
        router.on(.get, "/api/v1/indicators/:code/history", .permission(.viewIndicators), use: history)
        router.on(.post, "/api/v1/indicator-values", .permission(.enterIndicatorValues), use: send)
        router.on(.get, "/api/v1/indicators/:code/targets", .permission(.viewIndicators), use: targets)
        router.on(.put, "/api/v1/indicators/:code/targets", .permission(.manageIndicators), use: putTargets)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Page<Indicator>> {
        var all = try await services.indicators.indicators(includeInactive: true)
        if let sector = request.uri.queryParameters["sector"].map(String.init) {
            guard let wanted = Indicator.Sector(rawValue: sector) else { throw ValidationError(field: "sector", reason: .invalidValue) }
            all = all.filter { $0.sector == wanted }
        }
        if let agency = request.uri.queryParameters["agency"].map(String.init) { all = all.filter { $0.agency?.rawValue == agency } }
        if let q = request.uri.queryParameters["q"].map(String.init), !q.isEmpty {
            // Every word, diacritics and case folded: "nuoc sach ho gia dinh" finds "Tỷ lệ hộ gia đình dùng nước sạch".
            let words = TextFolding.searchKey(q).split(separator: " ")
            all = all.filter { indicator in
                let text = TextFolding.searchKey([indicator.code.rawValue, indicator.name, indicator.nameEn, indicator.source].joined(separator: " "))
                return words.allSatisfy { text.contains($0) }
            }
        }
        return JSONBody(Page(all))
    }

    @Sendable func one(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Indicator> {
        JSONBody(try await indicator(context))
    }

    @Sendable func put(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Indicator> {
        let indicator = try await request.decodeJSON(Indicator.self, context: context)
        guard indicator.code.rawValue == (try context.parameters.require("code")) else { throw ValidationError(field: "code", reason: .invalidValue) }
        try indicator.validate()
        if let agency = indicator.agency, try await services.organisation.agency(agency) == nil {
            throw ValidationError(field: "agency", reason: .unknownReference)
        }
        try DerivedIndicators.check(indicator, catalogue: try await services.indicators.indicators(includeInactive: true))
        let existed = try await services.indicators.indicator(indicator.code) != nil
        try await services.indicators.saveIndicator(indicator, context: context.changeContext)
        return JSONBody(indicator, status: existed ? .ok : .created)
    }

    @Sendable func values(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Page<IndicatorValue>> {
        let indicator = try await indicator(context)
        return JSONBody(Page(try await services.indicators.values(try query(request, indicator))))
    }

    @Sendable func targets(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Page<IndicatorTarget>> {
        let indicator = try await indicator(context)
        return JSONBody(Page(try await services.indicators.targets(try query(request, indicator))))
    }

    /// `?area=&period=`: the values a correction replaced, newest first.
    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Page<IndicatorValue>> {
        let indicator = try await indicator(context)
        guard let area = request.uri.queryParameters["area"].map(String.init) else { throw ValidationError(field: "area", reason: .required) }
        guard let period = request.uri.queryParameters["period"].flatMap({ Period(String($0), as: indicator.frequency) }) else {
            throw ValidationError(field: "period", reason: .invalidValue)
        }
        return JSONBody(Page(try await services.indicators.history(indicator.code, area: Area.Code(area), period: period)))
    }

    /// A set of values, for any indicators the caller may write: JSON (`values`, `mode`), or a
    /// sheet as an import reads it — `text/csv` or an .xlsx workbook, with `?mode=` — its rows
    /// numbered by their lines. All or nothing by default: one refused row refuses the set (422,
    /// every refused row listed). `valid-only` writes the rows that pass and lists the others.
    @Sendable func send(_ request: Request, context: AppRequestContext) async throws -> JSONBody<SentValues> {
        let (rows, validOnly) = try await incoming(request, context: context)
        guard rows.count <= 100_000 else {
            throw ClientError(.contentTooLarge, Text(vi: "Tối đa 100.000 dòng một lần.", en: "At most 100,000 rows at a time."))
        }
        let catalogue = Dictionary(uniqueKeysWithValues: try await services.indicators.indicators(includeInactive: false).map { ($0.code, $0) })
        let areas = Set(try await services.organisation.areas(AreaQuery(includeInactive: true)).map(\.code))
        let checked = CheckedRows(rows, catalogue: catalogue, areas: areas, writer: context.principal)
        if !checked.rejected.isEmpty && !validOnly {
            var error = ClientError(
                .unprocessableContent,
                Text(
                    vi: "\(checked.rejected.count) dòng không hợp lệ; không dòng nào được ghi.",
                    en: "\(checked.rejected.count) rows were refused; nothing was written."))
            error.rows = checked.rejected
            error.rowIndicators = catalogue
            throw error
        }
        let summary = try await services.indicators.setValues(checked.accepted, context: context.changeContext)
        return JSONBody(
            SentValues(
                created: summary.created, corrected: summary.corrected, unchanged: summary.unchanged,
                rejected: checked.rejected.map { ProblemDetails.RowProblem($0, context.language, catalogue: catalogue) }))
    }

    /// The rows a request sends, and whether only the valid ones are to be written.
    func incoming(_ request: Request, context: AppRequestContext) async throws -> (rows: [IndicatorRow], validOnly: Bool) {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        let sheet = contentType.hasPrefix("text/csv") || contentType.hasPrefix(Spreadsheet.Format.xlsx.contentType)
        guard sheet else {
            let body = try await request.decodeJSON(ValueSet.self, context: context)
            let rows = body.values.enumerated().map { place, row in
                IndicatorRow(
                    number: place + 1, indicator: row.indicator, area: row.area, period: row.period, value: row.value.text, unit: row.unit,
                    note: row.note)
            }
            return (rows, body.mode == .validOnly)
        }
        let mode = request.uri.queryParameters["mode"].map(String.init)
        guard mode == nil || mode == "all-or-nothing" || mode == "valid-only" else {
            throw ValidationError(field: "mode", reason: .invalidValue)
        }
        var request = request
        let data = Data(buffer: try await request.collectBody(upTo: context.maxUploadSize))
        let upload: SheetUpload = contentType.hasPrefix("text/csv") ? .csv(String(decoding: data, as: UTF8.self)) : .xlsx(data)
        switch upload.table() {
        case .failure(let problem):
            throw ClientError(.unprocessableContent, problem.message)
        case .success(let table):
            if let problem = IndicatorRow.headerProblem(table.header, language: context.language) {
                throw ClientError(.unprocessableContent, Text(vi: problem, en: problem))
            }
            return (IndicatorRow.rows(table), mode == "valid-only")
        }
    }

    @Sendable func putTargets(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Page<IndicatorTarget>> {
        let indicator = try await indicator(context)
        let body = try await request.decodeJSON([TargetRow].self, context: context)
        let areas = Set(try await services.organisation.areas(AreaQuery(includeInactive: true)).map(\.code))
        var targets: [IndicatorTarget] = []
        for row in body {
            guard areas.contains(Area.Code(row.area)) else { throw ValidationError(field: "area", reason: .unknownReference) }
            guard let period = Period(row.period, as: indicator.frequency) else { throw ValidationError(field: "period", reason: .invalidValue) }
            guard row.target.isFinite else { throw ValidationError(field: "target", reason: .invalidValue) }
            targets.append(IndicatorTarget(indicator: indicator.code, area: Area.Code(row.area), period: period, target: row.target))
        }
        try await services.indicators.setTargets(targets, context: context.changeContext)
        return JSONBody(Page(targets))
    }

    func indicator(_ context: AppRequestContext) async throws -> Indicator {
        guard let indicator = try await services.indicators.indicator(Indicator.Code(try context.parameters.require("code"))) else {
            throw StoreError.notFound
        }
        return indicator
    }

    /// `?area=a,b&from=&to=`, the periods in the indicator's own form.
    func query(_ request: Request, _ indicator: Indicator) throws -> IndicatorValueQuery {
        let parameters = request.uri.queryParameters
        func period(_ name: String) throws -> Period? {
            guard let text = parameters[Substring(name)].map(String.init), !text.isEmpty else { return nil }
            guard let period = Period(text, as: indicator.frequency) else { throw ValidationError(field: name, reason: .invalidValue) }
            return period
        }
        let areas = parameters["area"].map { $0.split(separator: ",").map { Area.Code(String($0)) } }
        return IndicatorValueQuery(indicators: [indicator.code], areas: areas, from: try period("from"), to: try period("to"))
    }
}

/// The body of `POST /api/v1/indicator-values`.
struct ValueSet: Decodable, Sendable {
    enum Mode: String, Decodable, Sendable {
        case allOrNothing = "all-or-nothing"
        case validOnly = "valid-only"
    }

    struct Row: Decodable, Sendable {
        var indicator: String
        var area: String
        var period: String
        var value: Figure
        var unit: String?
        var note: String?
    }

    /// A value as a JSON number or as text (`"12,5"` from a spreadsheet).
    struct Figure: Decodable, Sendable {
        var text: String
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                text = "\(number)"
            } else {
                text = try container.decode(String.self)
            }
        }
    }

    var values: [Row]
    var mode: Mode?
}

struct SentValues: Encodable, Sendable {
    var created: Int
    var corrected: Int
    var unchanged: Int
    var rejected: [ProblemDetails.RowProblem]
}

struct TargetRow: Decodable, Sendable {
    var area: String
    var period: String
    var target: Double
}
