import CityIOCDomain
import Foundation
import Hummingbird

/// Where an agency's clerk sends its figures: a form with the agency's own indicators and the
/// period now due for each (the last whole one), and a CSV import that is checked first — every
/// refused row shown with its reason — and written only when the clerk confirms (all rows or
/// only the valid ones, as chosen). Admins see every indicator that is entered.
struct IndicatorEntryPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/indicators/entry", .permission(.enterIndicatorValues), use: form)
        router.on(.post, "/indicators/entry", .permission(.enterIndicatorValues), use: save)
        router.on(.get, "/indicators/entry/template.csv", .permission(.enterIndicatorValues), use: template)
        router.on(.get, "/indicators/entry/template.xlsx", .permission(.enterIndicatorValues), use: template)
        router.on(.post, "/indicators/import", .permission(.enterIndicatorValues), use: importFile)
    }

    /// What a clerk should hear on signing in: how many of the agency's figures are due within
    /// `dueSoonDays` or late, and the earliest deadline among them; nil when none.
    func reminder(_ context: AppRequestContext) async throws -> (count: Int, deadline: CivilDay, late: Bool)? {
        guard AccessPolicy.allows(context.principal, .enterIndicatorValues), context.principal.agencyID != nil else { return nil }
        let today = try await services.calendar.workingCalendar().civilDay(of: Date())
        var pressing: [(CivilDay, Bool)] = []
        for item in try await due(context) {
            switch IndicatorDeadlines.standing(item.period, value: item.value, today: today) {
            case .sent: continue
            case .dueIn(let days) where days <= IndicatorDeadlines.dueSoonDays: pressing.append((item.period.reportingDeadline(day: IndicatorDeadlines.dueDay), false))
            case .late: pressing.append((item.period.reportingDeadline(day: IndicatorDeadlines.dueDay), true))
            case .dueIn: continue
            }
        }
        guard let first = pressing.map(\.0).min() else { return nil }
        return (pressing.count, first, pressing.contains { $0.1 })
    }

    /// The indicators this principal may send values of, with the period due and its value if sent.
    func due(_ context: AppRequestContext) async throws -> [(indicator: Indicator, period: Period, value: IndicatorValue?)] {
        let mine = try await services.indicators.indicators(includeInactive: false).filter {
            $0.method != .computed && AccessPolicy.canSetValues(context.principal, of: $0)
        }
        let today = try await services.calendar.workingCalendar().civilDay(of: Date())
        let province = try await province()
        let values = try await services.indicators.values(IndicatorValueQuery(indicators: mine.map(\.code), areas: [province.code]))
        return mine.map { indicator in
            let period = Period(indicator.frequency, containing: today).previous
            return (indicator, period, values.first { $0.indicator == indicator.code && $0.period == period })
        }
    }

    func province() async throws -> Area {
        let areas = try await services.organisation.areas(AreaQuery(level: .province))
        guard let province = areas.first else { throw StoreError.notFound }
        return province
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let saved = request.uri.queryParameters["saved"].flatMap { Int($0) }
        let flash = saved.map {
            Flash(kind: .ok, message: Text(vi: "Đã lưu \($0) giá trị.", en: "\($0) values saved.")(context.language))
        }
        return try await page(context, flash: flash, entered: [:], rejected: [], check: nil)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        let due = try await due(context)
        let province = try await province()
        var rows: [IndicatorRow] = []
        var entered: [String: String] = [:]
        for (number, item) in due.enumerated() {
            let code = item.indicator.code.rawValue
            guard let text = form.text("value.\(code)"), !text.isEmpty else { continue }
            entered[code] = text
            rows.append(
                IndicatorRow(
                    number: number + 1, indicator: code, area: province.code.rawValue, period: item.period.description, value: text,
                    note: form.text("note.\(code)")))
        }
        let checked = try await check(rows, context)
        if !checked.rejected.isEmpty {
            let message = Text(vi: "Chưa lưu: sửa các ô được đánh dấu rồi gửi lại.", en: "Not saved: correct the marked fields and send again.")
            return try await page(context, flash: Flash(kind: .error, message: message(context.language)), entered: entered, rejected: checked.rejected, check: nil)
                .response(status: .unprocessableContent)
        }
        let summary = try await services.indicators.setValues(checked.accepted, context: context.changeContext)
        return .seeOther("/indicators/entry?saved=\(summary.created + summary.corrected)")
    }

    func check(_ rows: [IndicatorRow], _ context: AppRequestContext) async throws -> CheckedRows {
        let catalogue = Dictionary(uniqueKeysWithValues: try await services.indicators.indicators(includeInactive: false).map { ($0.code, $0) })
        let areas = Set(try await services.organisation.areas(AreaQuery(includeInactive: true)).map(\.code))
        return CheckedRows(rows, catalogue: catalogue, areas: areas, writer: context.principal)
    }

    /// A sheet to fill in, as CSV or .xlsx: one row per indicator due, for the province, with the
    /// header the import reads.
    @Sendable func template(_ request: Request, context: AppRequestContext) async throws -> Response {
        let format: Spreadsheet.Format = request.uri.path.hasSuffix(".xlsx") ? .xlsx : .csv
        let province = try await province()
        var sheet = Spreadsheet(name: "Chỉ tiêu", header: ["chi_tieu", "dia_ban", "ky", "gia_tri", "don_vi", "ghi_chu"])
        for item in try await due(context) {
            sheet.rows.append([
                .text(item.indicator.code.rawValue), .text(province.code.rawValue), .text(item.period.description), .empty,
                .text(item.indicator.unit), .empty,
            ])
        }
        return try sheet.response(format, filename: "cityioc-chi-tieu")
    }

    /// The import's two steps: `check` reads the file (CSV or .xlsx) and shows what would be
    /// written and what not; `commit` (the file sent back from the check's form) writes it.
    @Sendable func importFile(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormData(request: request, context: context)
        let language = context.language
        let validOnly = form["mode"] == "valid-only"
        func refuse(_ message: String) async throws -> Response {
            try await page(context, flash: Flash(kind: .error, message: message), entered: [:], rejected: [], check: nil).response(status: .unprocessableContent)
        }
        let upload: SheetUpload
        if let file = form.files["file"]?.first?.data, !file.isEmpty {
            if SheetUpload.isOldExcel(file) {
                return try await refuse(
                    Text(
                        vi: "Tệp .xls (Excel 97–2003) chưa đọc được: hãy lưu lại thành .xlsx hoặc CSV.",
                        en: "An .xls file (Excel 97–2003) cannot be read: save it as .xlsx or CSV.")(language))
            }
            upload = SheetUpload(file)
        } else if let text = form["csv"], !text.isEmpty {
            upload = .csv(text)
        } else if let encoded = form["xlsx"], let data = Data(base64Encoded: encoded), !data.isEmpty {
            upload = .xlsx(data)
        } else {
            return try await refuse(Text(vi: "Hãy chọn tệp CSV hoặc Excel (.xlsx).", en: "Please choose a CSV or Excel (.xlsx) file.")(language))
        }
        let table: CSVTable
        switch upload.table() {
        case .success(let read): table = read
        case .failure(let problem): return try await refuse(problem.message(language))
        }
        if let problem = IndicatorRow.headerProblem(table.header, language: language) { return try await refuse(problem) }
        guard table.rows.count <= 100_000 else {
            return try await refuse(Text(vi: "Tối đa 100.000 dòng một lần.", en: "At most 100,000 rows at a time.")(language))
        }
        let checked = try await check(IndicatorRow.rows(table), context)
        if form["step"] == "commit" && (checked.rejected.isEmpty || validOnly) && !checked.accepted.isEmpty {
            let summary = try await services.indicators.setValues(checked.accepted, context: context.changeContext)
            return .seeOther("/indicators/entry?saved=\(summary.created + summary.corrected)")
        }
        let review = Review(upload: upload, accepted: checked.accepted.count, rejected: checked.rejected, validOnly: validOnly)
        return try await page(context, flash: nil, entered: [:], rejected: [], check: review).response(status: checked.rejected.isEmpty ? .ok : .unprocessableContent)
    }

    /// The deadline, and whether it is met, near or past, in the clerk's language.
    static func deadlineTag(_ period: Period, value: IndicatorValue?, today: CivilDay, _ chrome: Chrome) -> HTML {
        let language = chrome.language
        let deadline = period.reportingDeadline(day: IndicatorDeadlines.dueDay)
        let date = chrome.format.day(deadline)
        switch IndicatorDeadlines.standing(period, value: value, today: today) {
        case .sent: return "\(date) <span class=\"tag ok\">\(Text(vi: "đã gửi", en: "sent")(language))</span>"
        case .dueIn(let days) where days <= IndicatorDeadlines.dueSoonDays:
            return "\(date) <span class=\"tag warn\">\(Text(vi: "còn \(days) ngày", en: days == 1 ? "1 day left" : "\(days) days left")(language))</span>"
        case .dueIn: return "\(date)"
        case .late(let days):
            return "\(date) <span class=\"tag bad\">\(Text(vi: "quá hạn \(days) ngày", en: days == 1 ? "1 day late" : "\(days) days late")(language))</span>"
        }
    }

    struct Review {
        var upload: SheetUpload
        var accepted: Int
        var rejected: [RejectedRow]
        var validOnly: Bool

        /// The file, carried in the confirming form so that what is written is what was checked.
        var carried: HTML {
            switch upload {
            case .csv(let text): "<textarea name=\"csv\" hidden>\(text)</textarea>"
            case .xlsx(let data): "<textarea name=\"xlsx\" hidden>\(data.base64EncodedString())</textarea>"
            }
        }
    }

    func page(_ context: AppRequestContext, flash: Flash?, entered: [String: String], rejected: [RejectedRow], check: Review?) async throws -> HTML {
        let chrome = services.chrome(context, "/indicators")
        let language = chrome.language
        let f = chrome.format
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(language) }
        let due = try await due(context)
        let today = try await services.calendar.workingCalendar().civilDay(of: Date())
        let catalogue = Dictionary(uniqueKeysWithValues: due.map { ($0.indicator.code, $0.indicator) })
        let problems = Dictionary(rejected.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
        let rows: [HTML] = due.enumerated().map { number, item in
            let code = item.indicator.code.rawValue
            let problem = problems[number + 1]
            let shown = entered[code] ?? item.value.map { f.decimal($0.value, places: item.indicator.decimals) } ?? ""
            let message: HTML = problem.map { "<span class=\"error\" role=\"alert\">\($0.message(language, indicator: item.indicator))</span>" } ?? ""
            return """
                <tr\(HTML(raw: problem == nil ? "" : " class=\"invalid\""))><td><a href="/indicators/\(code)">\(item.indicator.name(language))</a><br><small class="hint">\(item.indicator.unit)</small></td><td>\(item.period.label(language))</td>
                <td><input name="value.\(code)" value="\(shown)" inputmode="decimal" aria-label="\(item.indicator.name(language))" maxlength="40">\(message)</td>
                <td><input name="note.\(code)" value="\(item.value?.note ?? "")" maxlength="500" aria-label="\(t("Ghi chú", "Note"))"></td>
                <td>\(item.value.map { "\($0.setBy), \(f.dateTime($0.setAt))" } ?? t("chưa nhập", "not sent"))</td>
                <td>\(Self.deadlineTag(item.period, value: item.value, today: today, chrome))</td></tr>
                """
        }
        let table: HTML =
            due.isEmpty
            ? "<p>\(t("Cơ quan của bạn chưa được giao chỉ tiêu nào để cập nhật.", "Your agency has no indicators to update yet."))</p>"
            : """
            <form method="post" action="/indicators/entry">\(chrome.csrfField)
            <div class="table-wrap"><table class="data"><thead><tr><th>\(t("Chỉ tiêu", "Indicator"))</th><th>\(t("Kỳ", "Period"))</th><th>\(t("Giá trị", "Value"))</th><th>\(t("Ghi chú", "Note"))</th><th>\(t("Đã cập nhật", "Last sent"))</th><th>\(t("Hạn gửi", "Due by"))</th></tr></thead><tbody>\(rows)</tbody></table></div>
            <p><button type="submit">\(t("Lưu", "Save"))</button> <span class="hint">\(t("Số thập phân viết 12,5 hoặc 12.5. Ô để trống không thay đổi.", "Decimals as 12,5 or 12.5. Empty fields change nothing."))</span></p>
            </form>
            """
        var review: HTML = ""
        if let check {
            let refused: [HTML] = check.rejected.prefix(500).map {
                "<tr><td class=\"num\">\($0.number)</td><td>\($0.field)</td><td>\($0.message(language, indicator: $0.indicator.flatMap { catalogue[$0] }))</td></tr>"
            }
            let canCommit = check.accepted > 0 && (check.rejected.isEmpty || check.validOnly)
            review = """
                <section class="panel" id="review"><h2>\(t("Kết quả kiểm tra tệp", "The file checked"))</h2>
                <p>\(t("Dòng hợp lệ", "Valid rows")): <strong>\(f.integer(check.accepted))</strong> · \(t("Dòng bị từ chối", "Rows refused")): <strong>\(f.integer(check.rejected.count))</strong></p>
                \(refused.isEmpty ? "" : HTML(raw: "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th class=\"num\">\(HTML.escape(t("Dòng", "Line")))</th><th>\(HTML.escape(t("Cột", "Column")))</th><th>\(HTML.escape(t("Lý do", "Reason")))</th></tr></thead><tbody>\(HTML.join(refused).raw)</tbody></table></div>"))
                \(canCommit ? HTML(raw: """
                <form method="post" action="/indicators/import">\(chrome.csrfField.raw)<input type="hidden" name="step" value="commit"><input type="hidden" name="mode" value="\(check.validOnly ? "valid-only" : "all-or-nothing")">\(check.carried.raw)
                <button type="submit">\(HTML.escape(check.rejected.isEmpty ? t("Ghi \(check.accepted) dòng", "Write \(check.accepted) rows") : t("Chỉ ghi \(check.accepted) dòng hợp lệ", "Write the \(check.accepted) valid rows only")))</button></form>
                """) : HTML(raw: "<p>\(HTML.escape(t("Không ghi gì: sửa tệp rồi gửi lại, hoặc chọn “chỉ ghi dòng hợp lệ”.", "Nothing written: correct the file and send it again, or choose “valid rows only”.")))</p>"))
                </section>
                """
        }
        let body: HTML = """
            <p><a href="/indicators">← \(t("Chỉ tiêu", "Indicators"))</a></p>
            <h1>\(t("Cập nhật số liệu chỉ tiêu", "Send indicator values"))</h1>
            \(review)
            \(table)
            <h2>\(t("Nhập từ tệp Excel hoặc CSV", "Import an Excel or CSV file"))</h2>
            <form class="stack panel" method="post" action="/indicators/import" enctype="multipart/form-data">\(chrome.csrfField)
            <input type="hidden" name="step" value="check">
            <label>\(t("Tệp .xlsx hoặc CSV (cột: chi_tieu, dia_ban, ky, gia_tri, don_vi, ghi_chu; trang tính đầu tiên; CSV dùng dấu phẩy hoặc chấm phẩy)", "An .xlsx or CSV file (columns: indicator, area, period, value, unit, note; the first sheet; CSV with commas or semicolons)"))<input type="file" name="file" accept=".xlsx,.csv,text/csv,\(Spreadsheet.Format.xlsx.contentType)" required></label>
            <label>\(t("Khi có dòng lỗi", "When some rows are wrong")) <select name="mode"><option value="all-or-nothing">\(t("không ghi gì", "write nothing"))</option><option value="valid-only">\(t("chỉ ghi dòng hợp lệ (sau khi xác nhận)", "write the valid rows (after confirming)"))</option></select></label>
            <p><button type="submit">\(t("Kiểm tra tệp", "Check the file"))</button> \(t("Mẫu của cơ quan", "Your agency's template")): <a href="/indicators/entry/template.xlsx" download>Excel (.xlsx)</a> · <a href="/indicators/entry/template.csv" download>CSV</a></p>
            </form>
            """
        return Layout(chrome: chrome, title: t("Cập nhật số liệu", "Send values"), flash: flash, body: body).render()
    }
}
