import Foundation

extension Charts {
    /// One share of a whole: its label, its amount, and its colour (`fill`, a colour an
    /// attribute may carry — the content policy allows no inline style).
    struct Share: Sendable {
        var label: String
        var value: Double
        var fill: String
    }

    /// Columns of stacked shares (each column's shares in the same order as `series`), with a
    /// legend: days per VN_AQI band per month, say.
    static func stackedBars(_ columns: [(label: String, values: [Double])], series: [(name: String, fill: String)], caption: String, format: Format) -> HTML {
        let width = 960.0
        let height = 260.0
        let (left, right, top, bottom) = (56.0, 8.0, 10.0, 42.0)
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let maximum = Double(niceCeiling(Int((columns.map { $0.values.reduce(0, +) }.max() ?? 0).rounded(.up))))
        let slot = columns.isEmpty ? plotWidth : plotWidth / Double(columns.count)
        let barWidth = max(1, slot * 0.7)
        func y(_ value: Double) -> Double { top + plotHeight * (1 - value / maximum) }
        func number(_ value: Double) -> String { Charts.oneDecimal(value) }
        var parts: [HTML] = []
        for tick in 0...4 {
            let value = maximum * Double(tick) / 4
            let ty = number(y(value))
            parts.append(
                "<line class=\"grid\" x1=\"\(number(left))\" x2=\"\(number(width - right))\" y1=\"\(ty)\" y2=\"\(ty)\"/><text class=\"axis\" x=\"\(number(left - 6))\" y=\"\(ty)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(format.integer(Int(value.rounded())))</text>"
            )
        }
        for (index, column) in columns.enumerated() {
            let x = left + slot * Double(index) + (slot - barWidth) / 2
            var base = 0.0
            for (part, value) in column.values.enumerated() where value > 0 && part < series.count {
                parts.append(
                    "<rect x=\"\(number(x))\" y=\"\(number(y(base + value)))\" width=\"\(number(barWidth))\" height=\"\(number(y(base) - y(base + value)))\" fill=\"\(series[part].fill)\"><title>\(column.label) · \(series[part].name): \(format.decimal(value, places: 0))</title></rect>"
                )
                base += value
            }
            parts.append("<text class=\"axis\" x=\"\(number(x + barWidth / 2))\" y=\"\(number(height - bottom + 16))\" text-anchor=\"middle\">\(column.label)</text>")
        }
        let legend: [HTML] = series.map {
            "<span><svg class=\"key\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><rect width=\"10\" height=\"10\" fill=\"\($0.fill)\"/></svg>\($0.name)</span>"
        }
        return """
            <figure class="chart"><svg viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(caption)">\(HTML.join(parts))</svg><figcaption class="hint">\(caption)<span class="keys">\(HTML.join(legend))</span></figcaption></figure>
            """
    }

    /// A ring of shares with a figure in its hole: the indicators by standing, say.
    static func donut(_ shares: [Share], centre: String, caption: String, format: Format) -> HTML {
        let total = shares.reduce(0) { $0 + max(0, $1.value) }
        let (cx, cy, radius, thickness) = (60.0, 60.0, 46.0, 18.0)
        func number(_ value: Double) -> String { Charts.oneDecimal(value) }
        var parts: [HTML] = ["<circle cx=\"60\" cy=\"60\" r=\"\(number(radius))\" fill=\"none\" stroke=\"#e3e8ee\" stroke-width=\"\(number(thickness))\"/>"]
        if total > 0 {
            var start = -Double.pi / 2
            for share in shares where share.value > 0 {
                let sweep = 2 * .pi * share.value / total
                let tip = "\(share.label): \(format.decimal(share.value, places: 0)) (\(format.decimal(share.value / total * 100, places: 0)) %)"
                if sweep >= 2 * .pi - 1e-9 {
                    parts.append(
                        "<circle cx=\"60\" cy=\"60\" r=\"\(number(radius))\" fill=\"none\" stroke=\"\(share.fill)\" stroke-width=\"\(number(thickness))\"><title>\(tip)</title></circle>"
                    )
                } else {
                    let end = start + sweep
                    let (x1, y1) = (cx + radius * cos(start), cy + radius * sin(start))
                    let (x2, y2) = (cx + radius * cos(end), cy + radius * sin(end))
                    parts.append(
                        "<path d=\"M\(number(x1)) \(number(y1))A\(number(radius)) \(number(radius)) 0 \(sweep > .pi ? 1 : 0) 1 \(number(x2)) \(number(y2))\" fill=\"none\" stroke=\"\(share.fill)\" stroke-width=\"\(number(thickness))\"><title>\(tip)</title></path>"
                    )
                    start = end
                }
            }
        }
        parts.append("<text x=\"60\" y=\"60\" text-anchor=\"middle\" dominant-baseline=\"central\" class=\"donut-centre\">\(centre)</text>")
        let legend: [HTML] = shares.map {
            "<li><svg class=\"key\" viewBox=\"0 0 10 10\" aria-hidden=\"true\"><rect width=\"10\" height=\"10\" fill=\"\($0.fill)\"/></svg>\($0.label): <strong>\(format.decimal($0.value, places: 0))</strong></li>"
        }
        return """
            <figure class="chart donut"><svg viewBox="0 0 120 120" role="img" aria-label="\(caption)">\(HTML.join(parts))</svg><figcaption><ul class="keys">\(HTML.join(legend))</ul><span class="hint">\(caption)</span></figcaption></figure>
            """
    }

    /// A half dial from 0 to `maximum` with the value's arc and a tick at `mark` (a target).
    static func gauge(_ value: Double, maximum: Double, mark: Double?, fill: String, label: String, caption: String) -> HTML {
        let (cx, cy, radius, thickness) = (80.0, 80.0, 62.0, 18.0)
        func number(_ value: Double) -> String { Charts.oneDecimal(value) }
        func point(_ share: Double, _ r: Double) -> (String, String) {
            let angle = Double.pi * (1 - min(1, max(0, share)))
            return (number(cx + r * cos(angle)), number(cy - r * sin(angle)))
        }
        let top = maximum > 0 ? maximum : 1
        let (sx, sy) = point(0, radius)
        let (ex, ey) = point(1, radius)
        let (vx, vy) = point(value / top, radius)
        var parts: [HTML] = [
            "<path d=\"M\(sx) \(sy)A\(number(radius)) \(number(radius)) 0 0 1 \(ex) \(ey)\" fill=\"none\" stroke=\"#e3e8ee\" stroke-width=\"\(number(thickness))\"/>"
        ]
        if value > 0 {
            parts.append("<path d=\"M\(sx) \(sy)A\(number(radius)) \(number(radius)) 0 0 1 \(vx) \(vy)\" fill=\"none\" stroke=\"\(fill)\" stroke-width=\"\(number(thickness))\"/>")
        }
        if let mark {
            let (ix, iy) = point(mark / top, radius - thickness / 2 - 3)
            let (ox, oy) = point(mark / top, radius + thickness / 2 + 3)
            parts.append("<line x1=\"\(ix)\" y1=\"\(iy)\" x2=\"\(ox)\" y2=\"\(oy)\" stroke=\"#44546a\" stroke-width=\"2.5\"/>")
        }
        parts.append("<text x=\"80\" y=\"76\" text-anchor=\"middle\" class=\"gauge-value\">\(label)</text>")
        return """
            <figure class="chart gauge"><svg viewBox="0 0 160 92" role="img" aria-label="\(caption)">\(HTML.join(parts))</svg><figcaption class="hint">\(caption)</figcaption></figure>
            """
    }
}
