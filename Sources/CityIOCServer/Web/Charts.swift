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

    /// `12.3` for an SVG coordinate, written directly: `String(format:)` parses its format on
    /// every call, and a dashboard of 300 sparklines writes some 8,000 of them.
    static func oneDecimal(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int((value * 10).rounded())
        let whole = tenths / 10
        let rest = abs(tenths % 10)
        return (tenths < 0 && whole == 0 ? "-" : "") + "\(whole).\(rest)"
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
        func number(_ value: Double) -> String { Charts.oneDecimal(value) }
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

extension Charts {
    /// A small line of the last periods, for a row of a dashboard: no axes, its last point marked.
    static func sparkline(_ values: [Double?], label: String, width: Double = 120, height: Double = 28) -> HTML {
        let present = values.compactMap { $0 }
        guard present.count >= 2, let low = present.min(), let high = present.max() else {
            return "<svg class=\"spark\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(label)\"></svg>"
        }
        let span = high - low == 0 ? 1 : high - low
        let step = values.count > 1 ? (width - 4) / Double(values.count - 1) : 0
        func number(_ value: Double) -> String { Charts.oneDecimal(value) }
        var points: [String] = []
        var last: (Double, Double)?
        for (index, value) in values.enumerated() {
            guard let value else { continue }
            let x = 2 + step * Double(index)
            let y = 2 + (height - 4) * (1 - (value - low) / span)
            points.append("\(number(x)),\(number(y))")
            last = (x, y)
        }
        let dot: HTML = last.map { "<circle cx=\"\(number($0.0))\" cy=\"\(number($0.1))\" r=\"2.5\"/>" } ?? ""
        return """
            <svg class="spark" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(label)"><polyline points="\(points.joined(separator: " "))"/>\(dot)</svg>
            """
    }

    /// A line over periods with the targets as dashes, values labelled on hover; for an
    /// indicator's own page.
    static func line(_ points: [(label: String, value: Double?, target: Double?)], caption: String, format: Format, decimals: Int) -> HTML {
        let width = 960.0
        let height = 280.0
        let (left, right, top, bottom) = (64.0, 12.0, 12.0, 42.0)
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let all = points.flatMap { [$0.value, $0.target].compactMap { $0 } }
        guard let highest = all.max(), let lowest = all.min() else { return "<p class=\"hint\">\(caption)</p>" }
        // From zero unless the values sit far above it (a price index around 104).
        let floor = lowest > 0 && lowest > highest * 0.6 ? lowest - (highest - lowest) * 0.2 : min(0, lowest)
        let ceiling = highest + (highest - floor) * 0.08 + (highest == floor ? 1 : 0)
        let step = points.count > 1 ? plotWidth / Double(points.count - 1) : 0
        func x(_ index: Int) -> Double { left + step * Double(index) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (value - floor) / (ceiling - floor)) }
        func number(_ value: Double) -> String { Charts.oneDecimal(value) }
        var parts: [HTML] = []
        for tick in 0...4 {
            let value = floor + (ceiling - floor) * Double(tick) / 4
            parts.append(
                "<line class=\"grid\" x1=\"\(number(left))\" x2=\"\(number(width - right))\" y1=\"\(number(y(value)))\" y2=\"\(number(y(value)))\"/><text class=\"axis\" x=\"\(number(left - 6))\" y=\"\(number(y(value)))\" text-anchor=\"end\" dominant-baseline=\"middle\">\(format.decimal(value, places: decimals))</text>"
            )
        }
        let line = points.enumerated().compactMap { index, point in point.value.map { "\(number(x(index))),\(number(y($0)))" } }
        parts.append("<polyline class=\"series\" points=\"\(line.joined(separator: " "))\"/>")
        let every = max(1, Int((Double(points.count) / 12).rounded(.up)))
        for (index, point) in points.enumerated() {
            if let target = point.target {
                parts.append(
                    "<line class=\"target\" x1=\"\(number(x(index) - 6))\" x2=\"\(number(x(index) + 6))\" y1=\"\(number(y(target)))\" y2=\"\(number(y(target)))\"/>")
            }
            if let value = point.value {
                parts.append(
                    "<g><title>\(point.label): \(format.decimal(value, places: decimals))</title><circle class=\"point\" cx=\"\(number(x(index)))\" cy=\"\(number(y(value)))\" r=\"3\"/></g>"
                )
            }
            // Every `every`-th label, and the last unless it would run into the one before (a
            // label of a day, `2026-11-30`, is some 80 units wide; a month's some 56).
            let room = Double(index % every) * step >= Double(point.label.count) * 8
            if index % every == 0 || (index == points.count - 1 && room) {
                parts.append("<text class=\"axis\" x=\"\(number(x(index)))\" y=\"\(number(height - bottom + 16))\" text-anchor=\"middle\">\(point.label)</text>")
            }
        }
        return """
            <figure class="chart"><svg viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(caption)" preserveAspectRatio="xMidYMid meet">\(HTML.join(parts))</svg><figcaption class="hint">\(caption)</figcaption></figure>
            """
    }
}
