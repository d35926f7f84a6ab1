import CityIOCDomain
import Foundation

/// A made-up but plausible past of citizen reports for the demo city and the benchmarks: every
/// report goes through the real workflow (classified, routed, accepted, answered late or on
/// time, published, rated, sometimes refused, merged, returned or escalated) at times that
/// follow the working calendar, so the desk, the deadlines and the statistics have something
/// true to show. The same seed gives the same history.
public struct ReportHistory: Sendable {
    let catalogue: [Service]
    let wards: [Area]
    let calendar: WorkingCalendar
    let end: Date
    let months: Int

    public init(catalogue: [Service], wards: [Area], calendar: WorkingCalendar, end: Date, months: Int) {
        self.catalogue = catalogue.filter(\.active)
        self.wards = wards.filter { $0.level.isCommuneLevel && $0.active && $0.latitude != nil }
        self.calendar = calendar
        self.end = end
        self.months = max(1, months)
    }

    /// Small, fast and reproducible (SplitMix64); not for secrets.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
        mutating func pick<T>(_ items: [(T, Int)]) -> T {
            var roll = Int.random(in: 0..<items.reduce(0) { $0 + $1.1 }, using: &self)
            for (item, weight) in items {
                if roll < weight { return item }
                roll -= weight
            }
            return items[items.count - 1].0
        }
    }

    static let streets = [
        "Lê Thánh Tông", "Hạ Long", "Trần Hưng Đạo", "Nguyễn Văn Cừ", "Cao Xanh", "Bến Đoan", "Trần Phú", "Quang Trung", "Lê Lợi",
        "Hoàng Quốc Việt", "Kênh Liêm", "Giếng Đồn", "Cái Dăm", "Tuệ Tĩnh", "Nguyễn Văn Linh",
    ]
    static let surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
    static let givenNames = ["Văn An", "Thị Bình", "Minh Châu", "Đức Dũng", "Thu Hà", "Quang Huy", "Thị Lan", "Hoài Nam", "Thanh Tâm", "Văn Toàn"]
    static let details = [
        "đã nhiều ngày chưa được xử lý", "gây nguy hiểm cho người đi đường", "ảnh hưởng đến sinh hoạt của nhiều hộ dân",
        "đề nghị cơ quan chức năng kiểm tra", "xảy ra vào buổi tối", "gần trường học", "trước cổng chợ",
    ]

    /// Reports number `range` of the history (each drawn from its own number and the seed, so a
    /// large history is made in batches), received over the `months` up to `end`.
    public func reports(_ range: Range<Int>, seed: UInt64) -> [(Report, tokenHash: String)] {
        let span = end.timeIntervalSince(calendar.start(of: YearMonth(calendar.civilDay(of: end)).adding(months: -(months - 1)).firstDay) ?? end)
        let desk = Principal(kind: .user, id: "demo-desk", name: "dieuhanh", role: .operator, agencyID: nil)
        var result: [(Report, tokenHash: String)] = []
        result.reserveCapacity(range.count)
        guard !catalogue.isEmpty, !wards.isEmpty else { return [] }
        for index in range {
            var random = Random(state: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
            let service = catalogue[Int.random(in: 0..<catalogue.count, using: &random)]
            let ward = wards[Int.random(in: 0..<wards.count, using: &random)]
            // Fewer reports at night: half of the night-time draws move into the day.
            var received = end.addingTimeInterval(-Double.random(in: 0..<span, using: &random))
            let hour = calendar.calendar.component(.hour, from: received)
            if (hour < 6 || hour >= 22) && random.chance(0.7) { received.addTimeInterval(Double(12 - hour) * 3600) }
            if received > end { received = end.addingTimeInterval(-60) }
            let channel: Report.Channel = random.pick([(.hotline, 35), (.web, 25), (.app, 18), (.open311, 10), (.email, 6), (.messaging, 6)])
            let street = Self.streets[Int.random(in: 0..<Self.streets.count, using: &random)]
            let detail = Self.details[Int.random(in: 0..<Self.details.count, using: &random)]
            let reporter = Report.Reporter(
                name: "\(Self.surnames[Int.random(in: 0..<Self.surnames.count, using: &random)]) \(Self.givenNames[Int.random(in: 0..<Self.givenNames.count, using: &random)])",
                phone: String(format: "09%08d", Int.random(in: 0..<100_000_000, using: &random)), email: nil)
            var answers: [String: [String]] = [:]
            for attribute in service.attributes where attribute.required {
                if let value = attribute.values.first { answers[attribute.code] = [value.key] }
            }
            let id = Report.ID(Self.day(received, calendar) + String(format: "-%07d", index))
            var report = Report(
                id: id, service: service.code, description: "\(service.name) tại đường \(street), \(ward.name): \(detail).",
                latitude: ward.latitude.map { $0 + Double.random(in: -0.004...0.004, using: &random) },
                longitude: ward.longitude.map { $0 + Double.random(in: -0.004...0.004, using: &random) }, address: "Đường \(street), \(ward.name)",
                addressID: nil, wardCode: ward.code, channel: channel, reporter: reporter, attributes: answers, mediaURL: nil,
                requestedAt: received, workflow: ReportWorkflow(receivedAt: received, by: channel == .hotline ? desk : .anonymous, priority: service.priority))
            // A duplicate goes into the report made just before it in this batch (one that exists).
            play(&report, service: service, ward: ward, desk: desk, duplicateOf: result.last?.0.id, random: &random)
            result.append((report, tokenHash: Secret.sha256("history-\(seed)-\(index)")))
        }
        return result
    }

    static func day(_ date: Date, _ calendar: WorkingCalendar) -> String {
        let day = calendar.civilDay(of: date)
        return String(format: "%04d%02d%02d", day.year, day.month, day.day)
    }

    /// Takes the report through its steps, each at a plausible time, stopping at `end`.
    /// `duplicateOf` is the report a duplicate is merged into (an earlier one of the history).
    func play(_ report: inout Report, service: Service, ward: Area, desk: Principal, duplicateOf: Report.ID?, random: inout Random) {
        var now = report.requestedAt
        func later(workingMinutes minutes: Int) -> Date { calendar.adding(workingMinutes: max(1, minutes), to: now) }
        func step(_ event: ReportWorkflow.Event, by actor: Principal, at time: Date, reporter: Bool = false) -> Bool {
            guard time <= end else { return false }
            let context = ReportWorkflow.Context(actor: actor, actorIsReporter: reporter, now: time, calendar: calendar, terms: service.terms)
            guard (try? report.workflow.apply(event, context)) != nil else { return false }
            now = time
            report.updatedAt = time
            return true
        }
        guard step(.classify(service: service.code.rawValue, priority: service.priority), by: desk, at: later(workingMinutes: Int.random(in: 5...90, using: &random)))
        else { return }
        if random.chance(0.06) {
            _ = step(.refuse(reason: "Nội dung không thuộc phạm vi tiếp nhận / not for the city to handle"), by: desk, at: later(workingMinutes: 10))
            return
        }
        if let duplicateOf, random.chance(0.03) {
            _ = step(.merge(into: duplicateOf.rawValue), by: desk, at: later(workingMinutes: 15))
            return
        }
        let wardCommittee = Agency.ID("ubnd-\(ward.code.rawValue)")
        var agency = service.defaultAgency.map { random.chance(0.7) ? $0 : wardCommittee } ?? wardCommittee
        guard step(.assign(agency: agency), by: desk, at: later(workingMinutes: Int.random(in: 5...60, using: &random))) else { return }
        var staff = Principal(kind: .user, id: "demo-\(agency.rawValue)", name: "canbo.\(agency.rawValue)", role: .agencyStaff, agencyID: agency)
        if random.chance(0.04) {
            // Not theirs: back to the centre, routed to the ward's committee.
            guard step(.returnToOperator(reason: "Không thuộc thẩm quyền / not in our remit"), by: staff, at: later(workingMinutes: 120)) else { return }
            agency = agency == wardCommittee ? (service.defaultAgency ?? wardCommittee) : wardCommittee
            staff = Principal(kind: .user, id: "demo-\(agency.rawValue)", name: "canbo.\(agency.rawValue)", role: .agencyStaff, agencyID: agency)
            guard step(.classify(service: service.code.rawValue, priority: service.priority), by: desk, at: later(workingMinutes: 30)),
                step(.assign(agency: agency), by: desk, at: later(workingMinutes: 10))
            else { return }
        }
        let acceptWithin = service.terms.acceptWithin.minutes(in: calendar)
        let acceptAfter = random.chance(0.12) ? Int(Double(acceptWithin) * Double.random(in: 1.05...3, using: &random)) : Int.random(in: 10...acceptWithin, using: &random)
        guard step(.accept, by: staff, at: later(workingMinutes: acceptAfter)) else { return }
        let resolveWithin = service.terms.resolveWithin(report.workflow.priority).minutes(in: calendar)
        if random.chance(0.5) { guard step(.start, by: staff, at: later(workingMinutes: Int.random(in: 10...max(10, resolveWithin / 4), using: &random))) else { return } }
        let late = random.chance(0.15)
        let share = late ? Double.random(in: 1.05...2.5, using: &random) : Double.random(in: 0.1...0.95, using: &random)
        let resolveAfter = Int(Double(resolveWithin) * share)
        let deadline = report.workflow.openDeadline
        let resolveAt = deadline.map { calendar.adding(workingMinutes: max(1, resolveAfter), to: $0.startedAt) } ?? later(workingMinutes: resolveAfter)
        guard step(.resolve(answer: "Đã kiểm tra và xử lý xong / checked and dealt with"), by: staff, at: max(now, resolveAt)) else { return }
        guard random.chance(0.92), step(.publish, by: desk, at: later(workingMinutes: Int.random(in: 10...240, using: &random))) else { return }
        guard random.chance(0.6) else { return }
        let stars = random.pick([(5, 35), (4, 30), (3, 15), (2, 10), (1, 10)])
        _ = step(.rate(stars: stars, comment: nil), by: .anonymous, at: now.addingTimeInterval(Double.random(in: 3600...(3 * 86400), using: &random)), reporter: true)
    }
}
