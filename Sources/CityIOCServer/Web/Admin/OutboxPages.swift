import CityIOCDomain
import Foundation
import Hummingbird

/// The notification outbox for admins: what was sent, what waits for a retry and why, what was
/// given up on.
struct OutboxPages {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/admin/outbox", .permission(.readAudit), use: list)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let chrome = services.chrome(context, "/admin/outbox")
        let language = chrome.language
        let t = { (vi: String, en: String) in Text(vi: vi, en: en)(language) }
        let messages = try await services.outbox.outbox(limit: 200)
        let rows: [HTML] = messages.map { message in
            let state: HTML
            if message.deliveredAt != nil, message.lastError == "no address" {
                state = "<span class=\"tag\">\(t("Không có địa chỉ để gửi", "No address to send to"))</span>"
            } else if message.deliveredAt != nil {
                state = "<span class=\"tag ok\">\(t("Đã gửi", "Sent"))</span>"
            } else if message.failedAt != nil {
                state = "<span class=\"tag bad\">\(t("Bỏ sau 8 lần", "Given up after 8 tries"))</span>"
            } else {
                state = "<span class=\"tag warn\">\(t("Đang chờ", "Waiting"))</span>"
            }
            let audience: String
            switch message.audience {
            case .reporter: audience = t("Người phản ánh", "Reporter")
            case .agency: audience = message.agencyID?.rawValue ?? ""
            case .reminder: audience = (message.agencyID?.rawValue ?? "") + " · " + t("nhắc hạn", "due-soon reminder")
            case .indicators: audience = (message.agencyID?.rawValue ?? "") + " · " + t("hạn gửi số liệu chỉ tiêu", "indicator figures due")
            }
            let subject: HTML =
                message.reportID.map { "<a href=\"/reports/\($0.rawValue)\">\($0.rawValue)</a>" }
                ?? "<a href=\"/indicators/entry\">\(t("Chỉ tiêu", "Indicators"))</a>"
            let about = message.status.map { Text.status($0)(language) } ?? message.deadline.map { chrome.format.day($0) } ?? ""
            return """
                <tr><td>\(chrome.format.dateTime(message.createdAt))</td><td>\(subject)</td>
                <td>\(audience)</td><td>\(about)</td><td>\(state)</td><td class="num">\(message.attempts)</td><td>\(message.lastError ?? "")</td></tr>
                """
        }
        let title = t("Thông báo", "Notifications")
        let body: HTML = """
            <h1>\(title)</h1>
            <p class="hint">\(t("Thông báo cho người phản ánh (thư, tin nhắn) và cho đơn vị được giao, gửi qua cổng thư/tin nhắn cấu hình bằng --notify-webhook; thử lại sau 1 phút, 5 phút, 30 phút, 2 giờ, rồi mỗi 6 giờ.", "Notifications to reporters (e-mail, SMS) and to agencies given a report, sent through the gateway set with --notify-webhook; retried after 1 min, 5 min, 30 min, 2 h, then every 6 h."))</p>
            <div class="table-wrap"><table>
            <thead><tr><th>\(t("Lúc", "At"))</th><th>\(t("Phản ánh", "Report"))</th><th>\(t("Gửi cho", "To"))</th><th>\(chrome.t(.status))</th><th></th><th class="num">\(t("Lần thử", "Tries"))</th><th>\(t("Lỗi gần nhất", "Last error"))</th></tr></thead>
            <tbody>\(rows.isEmpty ? Widgets.empty(language, columns: 7) : HTML.join(rows))</tbody>
            </table></div>
            """
        return Layout(chrome: chrome, title: title, flash: nil, body: body).render()
    }
}
