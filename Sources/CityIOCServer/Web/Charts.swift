import Foundation

/// Charts drawn by the server as inline SVG: no script, no library, readable offline and in
/// print. Colours come from the stylesheet (`.chart …`), so a dark wall theme can restyle them.
enum Charts {
    struct Bar: Sendable {
        var label: String
        var value: Int
        /// The part of the value drawn darker (still open of those received…).
        var part: Int
    }

    /// A round number at or above `value` for the top of an axis: 1, 2 or 5 times a power of ten.
    static func niceCeiling(_ value: Int) -> Int {
        guard value > 0 else { return 1 }
        var step = 1
        while true {
            for factor in [1, 2, 5] where step * factor >= value { return step * factor }
            step *= 10
        }
    }

    static func bars(_ bars: [Bar], caption: String, format: Format) -> HTML {
        let width = 960.0
        let height = 260.0
        let (left, right, top, bottom) = (56.0, 8.0, 10.0, 42.0)
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let maximum = niceCeiling(bars.map(\.value).max() ?? 0)
        let slot = bars.isEmpty ? plotWidth : plotWidth / Double(bars.count)
        let barWidth = max(1, slot * 0.8)
        func y(_ value: Int) -> Double { top + plotHeight * (1 - Double(value) / Double(maximum)) }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        var parts: [HTML] = []
        for tick in 0...4 {
            let value = maximum * tick / 4
            let ty = number(y(value))
            parts.append(
                "<line class=\"grid\" x1=\"\(number(left))\" x2=\"\(number(width - right))\" y1=\"\(ty)\" y2=\"\(ty)\"/><text class=\"axis\" x=\"\(number(left - 6))\" y=\"\(ty)\" text-anchor=\"end\" dominant-baseline=\"middle\">\(format.integer(value))</text>"
            )
        }
        // At most about twelve labels under the bars, evenly spread.
        let every = max(1, Int((Double(bars.count) / 12).rounded(.up)))
        for (index, bar) in bars.enumerated() {
            let x = left + slot * Double(index) + (slot - barWidth) / 2
            let tip = "\(bar.label): \(format.integer(bar.value)) (\(format.integer(bar.part)))"
            parts.append(
                "<g><title>\(tip)</title><rect class=\"bar\" x=\"\(number(x))\" y=\"\(number(y(bar.value)))\" width=\"\(number(barWidth))\" height=\"\(number(y(0) - y(bar.value)))\"/><rect class=\"part\" x=\"\(number(x))\" y=\"\(number(y(bar.part)))\" width=\"\(number(barWidth))\" height=\"\(number(y(0) - y(bar.part)))\"/></g>"
            )
            if index % every == 0 {
                parts.append(
                    "<text class=\"axis\" x=\"\(number(x + barWidth / 2))\" y=\"\(number(height - bottom + 16))\" text-anchor=\"middle\">\(bar.label)</text>")
            }
        }
        return """
            <figure class="chart"><svg viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(caption)" preserveAspectRatio="xMidYMid meet">\(HTML.join(parts))</svg><figcaption class="hint">\(caption)</figcaption></figure>
            """
    }
}
