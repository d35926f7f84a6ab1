import CityIOCDomain
import Foundation

/// The province drawn by the server, with no tiles and no network: its wards' outlines when
/// admins have loaded them (GeoJSON on /admin/areas/boundaries), otherwise a circle at each
/// ward's centre. Equirectangular, shrunk east–west by the cosine of the middle latitude — at
/// a province's size the difference from a proper projection is below a pixel.
struct AreaMap {
    var south: Double
    var west: Double
    var north: Double
    var east: Double
    var width: Double
    var height: Double

    /// The frame that holds every point and outline given, padded a little; nil when there is nothing to draw.
    init?(points: [(latitude: Double, longitude: Double)], boundaries: [Boundary] = [], height: Double = 420, padding: Double = 0.03) {
        var box = (south: 90.0, west: 180.0, north: -90.0, east: -180.0)
        for point in points {
            box = (min(box.south, point.latitude), min(box.west, point.longitude), max(box.north, point.latitude), max(box.east, point.longitude))
        }
        for boundary in boundaries {
            let outline = boundary.box
            box = (min(box.south, outline.south), min(box.west, outline.west), max(box.north, outline.north), max(box.east, outline.east))
        }
        guard box.south <= box.north, box.west <= box.east else { return nil }
        (south, west, north, east) = (box.south - padding, box.west - padding, box.north + padding, box.east + padding)
        self.height = height
        width = (height * (east - west) * cos((south + north) / 2 * .pi / 180) / (north - south)).rounded()
    }

    func x(_ longitude: Double) -> Double { (longitude - west) / (east - west) * width }
    func y(_ latitude: Double) -> Double { (north - latitude) / (north - south) * height }

    func xy(_ latitude: Double, _ longitude: Double) -> (String, String) {
        (Charts.oneDecimal(x(longitude)), Charts.oneDecimal(y(latitude)))
    }

    /// An outline as an SVG path: each ring closed, points nearer than half a pixel to the last
    /// one kept left out (a ward's survey outline has thousands the map cannot show).
    func path(_ boundary: Boundary) -> String {
        var path = ""
        for polygon in boundary.polygons {
            for ring in polygon {
                var last: (Double, Double)?
                var kept = 0
                for point in ring where point.count >= 2 {
                    let here = (x(point[0]), y(point[1]))
                    if let last, abs(here.0 - last.0) < 0.5 && abs(here.1 - last.1) < 0.5 { continue }
                    path += (kept == 0 ? "M" : "L") + Charts.oneDecimal(here.0) + " " + Charts.oneDecimal(here.1)
                    last = here
                    kept += 1
                }
                if kept > 0 { path += "Z" }
            }
        }
        return path
    }

    /// One area on a map of values: its name, where it is, and what it shows.
    struct Place {
        var area: Area
        var boundary: Boundary?
        /// 0 (worst) to 4 (best), nil without a value.
        var heat: Int?
        var label: String
        var link: String
    }

    /// A map of areas coloured by their heat, each linking to its page, with a legend.
    func choropleth(_ places: [Place], caption: String, legend: (worse: String, better: String)) -> HTML {
        var shapes: [HTML] = []
        for place in places {
            let kind = place.heat.map { "heat-\($0)" } ?? "no-value"
            let title = "\(place.area.name): \(place.label)"
            if let boundary = place.boundary {
                shapes.append("<a href=\"\(place.link)\"><path class=\"area \(kind)\" d=\"\(path(boundary))\"><title>\(title)</title></path></a>")
            } else if let latitude = place.area.latitude, let longitude = place.area.longitude {
                let (cx, cy) = xy(latitude, longitude)
                shapes.append("<a href=\"\(place.link)\"><circle class=\"area \(kind)\" cx=\"\(cx)\" cy=\"\(cy)\" r=\"11\"><title>\(title)</title></circle></a>")
            }
        }
        let scale: [HTML] = (0...4).map { "<span class=\"swatch heat-\($0)\"></span>" }
        return """
            <figure class="chart map values"><svg viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(caption)">\(HTML.join(shapes))</svg>
            <figcaption class="hint">\(caption) <span class="scale">\(legend.worse) \(HTML.join(scale)) \(legend.better)</span></figcaption></figure>
            """
    }
}
