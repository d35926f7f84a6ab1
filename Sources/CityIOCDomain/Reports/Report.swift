import Foundation

/// A citizen's field report ("phản ánh hiện trường"): what, where, through which channel, who
/// sent it (kept private), and its workflow. Its id is what the hotline reads out
/// (`20261122-K7Q2MX`); its follow-up token is the citizen's key to it.
public struct Report: Sendable, Equatable, Codable {
    public typealias ID = Identifier<Report>

    public enum Channel: String, CaseIterable, Sendable, Codable {
        case web, app, hotline, email, messaging, open311
    }

    /// Who sent the report. Never shown publicly; agency staff see it for their own cases only.
    public struct Reporter: Sendable, Equatable, Codable {
        public var name: String?
        public var phone: String?
        public var email: String?

        public init(name: String? = nil, phone: String? = nil, email: String? = nil) {
            self.name = name
            self.phone = phone
            self.email = email
        }
    }

    public var id: ID
    public var service: Service.Code
    public var description: String
    public var latitude: Double?
    public var longitude: Double?
    public var address: String?
    public var addressID: String?
    /// The ward or commune the report is in, found from its coordinates.
    public var wardCode: Area.Code?
    public var channel: Channel
    public var reporter: Reporter
    /// Answers to the service's questions, by attribute code.
    public var attributes: [String: [String]]
    public var mediaURL: String?
    public var requestedAt: Date
    public var updatedAt: Date
    public var workflow: ReportWorkflow

    public init(
        id: ID, service: Service.Code, description: String, latitude: Double?, longitude: Double?, address: String?,
        addressID: String?, wardCode: Area.Code?, channel: Channel, reporter: Reporter, attributes: [String: [String]],
        mediaURL: String?, requestedAt: Date, workflow: ReportWorkflow
    ) {
        self.id = id
        self.service = service
        self.description = description
        self.latitude = latitude
        self.longitude = longitude
        self.address = address
        self.addressID = addressID
        self.wardCode = wardCode
        self.channel = channel
        self.reporter = reporter
        self.attributes = attributes
        self.mediaURL = mediaURL
        self.requestedAt = requestedAt
        self.updatedAt = requestedAt
        self.workflow = workflow
    }

    public static let maximumDescription = 4000

    /// A new id: the day in the city and six characters that are easy to read out over the
    /// phone (no 0/O, 1/I/L).
    public static func newID(at date: Date, calendar: WorkingCalendar) -> ID {
        let day = calendar.civilDay(of: date)
        let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<6).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        return ID(day.year.zeroPadded(4) + day.month.zeroPadded(2) + day.day.zeroPadded(2) + "-" + suffix)
    }
}

/// Finds the ward a point is in when only ward centres are known: the nearest centre, within a
/// limit (a point far out at sea or in another province belongs to none).
public enum NearestArea {
    /// Great-circle distance in kilometres.
    public static func distance(_ a: (Double, Double), _ b: (Double, Double)) -> Double {
        let radius = 6371.0
        let (lat1, lon1) = (a.0 * .pi / 180, a.1 * .pi / 180)
        let (lat2, lon2) = (b.0 * .pi / 180, b.1 * .pi / 180)
        let h = pow(sin((lat2 - lat1) / 2), 2) + cos(lat1) * cos(lat2) * pow(sin((lon2 - lon1) / 2), 2)
        return 2 * radius * asin(min(1, sqrt(h)))
    }

    public static func find(latitude: Double, longitude: Double, in areas: [Area], withinKm limit: Double = 30) -> Area? {
        var best: (Area, Double)?
        for area in areas where area.level.isCommuneLevel && area.active {
            guard let lat = area.latitude, let lon = area.longitude else { continue }
            let d = distance((latitude, longitude), (lat, lon))
            if d <= limit, best == nil || d < best!.1 { best = (area, d) }
        }
        return best?.0
    }
}
