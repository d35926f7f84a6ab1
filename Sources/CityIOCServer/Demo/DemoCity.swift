import CityIOCDomain
import Foundation

/// A realistic city to try CityIOC on: Quảng Ninh province (home of the Hạ Long IOC) with its
/// 54 wards, communes and special zones as they are since 1 July 2025, its departments, the
/// ward People's Committees, police, utilities, a hospital and a school, and one account per
/// role. The administrative units come from `Resources/demo/quang-ninh-units.json` (see
/// `docs/data-sources.md`).
public struct DemoCity: Sendable {
    let organisation: any OrganisationStore
    let accounts: any AccountStore
    let administration: AccountAdministration
    let catalogue: any ServiceCatalogStore
    let calendar: any CalendarStore
    let reports: any ReportStore
    let routing: any RoutingStore
    let entities: any EntityStore
    let contexts: ContextLibrary
    let indicators: any IndicatorStore

    public init(services: AppServices) {
        organisation = services.organisation
        accounts = services.accounts
        administration = services.administration
        catalogue = services.catalogue
        calendar = services.calendar
        reports = services.reports
        routing = services.routing
        entities = services.entities
        contexts = services.contexts
        indicators = services.indicators
    }

    /// One sign-in printed for people trying the demo.
    public struct Credential: Sendable {
        public var role: Role
        public var username: String
        public var secret: String
        public var agency: String?
    }

    struct UnitFile: Decodable {
        struct Province: Decodable {
            var code: String
            var name: String
            var latitude: Double
            var longitude: Double
        }
        struct Unit: Decodable {
            var code: String
            var name: String
            var shortName: String
            var kind: String
            var latitude: Double
            var longitude: Double
            var areaKm2: Double?
        }
        var province: Province
        var units: [Unit]
    }

    static func loadUnits() throws -> UnitFile {
        guard
            let url = Bundle.module.url(forResource: "quang-ninh-units", withExtension: "json", subdirectory: "Resources/demo")
                ?? Bundle.module.url(forResource: "quang-ninh-units", withExtension: "json")
        else { throw ConfigurationError("the demo data is missing from the installation (Resources/demo)") }
        return try JSONDecoder().decode(UnitFile.self, from: Data(contentsOf: url))
    }

    struct HolidayFile: Decodable {
        var days: [CalendarDay]
    }

    static func loadHolidays() throws -> [CalendarDay] {
        guard
            let url = Bundle.module.url(forResource: "vn-public-holidays", withExtension: "json", subdirectory: "Resources/calendar")
                ?? Bundle.module.url(forResource: "vn-public-holidays", withExtension: "json")
        else { throw ConfigurationError("the holiday data is missing from the installation (Resources/calendar)") }
        return try JSONDecoder().decode(HolidayFile.self, from: Data(contentsOf: url)).days
    }

    static let departments: [(String, String, String, Agency.Kind)] = [
        ("van-phong-ubnd", "Văn phòng UBND tỉnh Quảng Ninh", "Office of the Provincial People's Committee", .peoplesCommittee),
        ("trung-tam-ioc", "Trung tâm Điều hành thông minh tỉnh", "Provincial Intelligent Operations Center", .other),
        ("so-tai-chinh", "Sở Tài chính", "Department of Finance", .department),
        ("so-noi-vu", "Sở Nội vụ", "Department of Home Affairs", .department),
        ("so-tu-phap", "Sở Tư pháp", "Department of Justice", .department),
        ("so-xay-dung", "Sở Xây dựng", "Department of Construction", .department),
        ("so-cong-thuong", "Sở Công Thương", "Department of Industry and Trade", .department),
        ("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment", .department),
        ("so-khoa-hoc-cong-nghe", "Sở Khoa học và Công nghệ", "Department of Science and Technology", .department),
        ("so-van-hoa-the-thao", "Sở Văn hóa và Thể thao", "Department of Culture and Sports", .department),
        ("so-du-lich", "Sở Du lịch", "Department of Tourism", .department),
        ("so-giao-duc-dao-tao", "Sở Giáo dục và Đào tạo", "Department of Education and Training", .department),
        ("so-y-te", "Sở Y tế", "Department of Health", .department),
        ("so-dan-toc-ton-giao", "Sở Dân tộc và Tôn giáo", "Department of Ethnic Minorities and Religion", .department),
        ("thanh-tra-tinh", "Thanh tra tỉnh", "Provincial Inspectorate", .department),
        ("cong-an-tinh", "Công an tỉnh Quảng Ninh", "Quảng Ninh Provincial Police", .police),
        ("cap-nuoc", "Công ty Cổ phần Nước sạch Quảng Ninh", "Quảng Ninh Clean Water JSC", .utility),
        ("dien-luc", "Công ty Điện lực Quảng Ninh", "Quảng Ninh Power Company", .utility),
        ("moi-truong-do-thi", "Đơn vị vệ sinh môi trường đô thị", "Urban sanitation service", .utility),
        ("benh-vien-da-khoa-tinh", "Bệnh viện Đa khoa tỉnh Quảng Ninh", "Quảng Ninh General Hospital", .hospital),
        ("cdc-tinh", "Trung tâm Kiểm soát bệnh tật tỉnh", "Provincial Centre for Disease Control", .hospital),
        ("thpt-hon-gai", "Trường THPT Hòn Gai", "Hòn Gai High School", .school),
    ]

    /// The accounts of the demo: username, name, role, agency.
    static let people: [(String, String, Role, String?)] = [
        ("admin", "Quản trị hệ thống", .admin, "trung-tam-ioc"),
        ("lanhdao", "Lãnh đạo UBND tỉnh", .leader, "van-phong-ubnd"),
        ("dieuhanh", "Điều hành viên IOC", .operator, "trung-tam-ioc"),
        ("canbo.honggai", "Cán bộ UBND phường Hồng Gai", .agencyStaff, "ubnd-06685"),
        ("canbo.xaydung", "Cán bộ Sở Xây dựng", .agencyStaff, "so-xay-dung"),
        ("nguoidan", "Người dân (thử nghiệm)", .public, nil),
    ]

    static let integratorKeyName = "Demo: hệ thống tích hợp / integrator"

    /// Loads what is missing and gives every demo account a fresh password (and the demo
    /// integrator a fresh key), so the printed credentials always work. Audited as `system:demo`.
    public func load(hasher: PasswordHasher, now: Date = Date()) async throws -> [Credential] {
        let context = ChangeContext(principal: .system("demo"), now: now)
        let file = try Self.loadUnits()
        let provinceCode = Area.Code(file.province.code)
        try await organisation.saveArea(
            Area(
                code: provinceCode, name: file.province.name, level: .province, parentCode: nil,
                latitude: file.province.latitude, longitude: file.province.longitude),
            context: context)
        for unit in file.units {
            let level: Area.Level = unit.kind == "ward" ? .ward : unit.kind == "commune" ? .commune : .specialZone
            try await organisation.saveArea(
                Area(
                    code: Area.Code(unit.code), name: unit.name, level: level, parentCode: provinceCode,
                    latitude: unit.latitude, longitude: unit.longitude, areaKm2: unit.areaKm2),
                context: context)
        }
        var agencies = Self.departments.map { id, name, nameEn, kind in
            Agency(id: Agency.ID(id), name: name, nameEn: nameEn, kind: kind, areaCode: provinceCode)
        }
        for unit in file.units {
            let (kindVi, kindEn) =
                unit.kind == "ward" ? ("phường", "Ward") : unit.kind == "commune" ? ("xã", "Commune") : ("đặc khu", "Special Zone")
            agencies.append(
                Agency(
                    id: Agency.ID("ubnd-\(unit.code)"), name: "UBND \(kindVi) \(unit.shortName)",
                    nameEn: "People's Committee of \(unit.shortName) \(kindEn)", kind: .wardCommittee,
                    areaCode: Area.Code(unit.code)))
        }
        for index in agencies.indices where ["benh-vien-da-khoa-tinh", "thpt-hon-gai"].contains(agencies[index].id.rawValue) {
            agencies[index].areaCode = "06685"
        }
        for agency in agencies where try await organisation.agency(agency.id) == nil {
            try await organisation.createAgency(agency, context: context)
        }

        for service in DemoCatalogue.services {
            try await catalogue.saveService(service, context: context)
        }

        // Encroachment on pavements is each ward's own business: one rule per ward, only while
        // an admin has not set any rule.
        if try await routing.routingRules().isEmpty {
            for unit in file.units {
                try await routing.saveRoutingRule(
                    RoutingRule(service: "lan-chiem-via-he", area: Area.Code(unit.code), agency: Agency.ID("ubnd-\(unit.code)")), context: context)
            }
        }

        // Shipped holidays go in only for years an admin has not touched yet.
        let shipped = try Self.loadHolidays()
        let kept = Set(try await calendar.calendarDays(year: nil).map(\.day.year))
        for day in shipped where !kept.contains(day.day.year) {
            try await calendar.saveCalendarDay(day, context: context)
        }

        // The subsystems' entities, where none with their id is stored yet (readings that a
        // sensor gateway has since updated are left alone).
        let sensors = try DemoSensors.entities(
            units: file.units.map { ($0.code, $0.shortName, $0.latitude, $0.longitude) }, context: contexts.core, now: now)
        _ = try await entities.writeEntities(sensors.map(\.id), tenant: "", action: "entity.batch.create", context: context) { index, stored in
            stored == nil ? .store(sensors[index]) : .keep
        }

        // The shipped indicator catalogue, and three years of values with this year's targets
        // while the catalogue's first indicator has none.
        try await DefaultIndicators.installIfEmpty(indicators, organisation: organisation, context: context)
        // A catalogue installed before the demo's agencies existed gets its shipped owners.
        for shipped in try DefaultIndicators.load() {
            guard let owner = shipped.agency, var stored = try await indicators.indicator(shipped.code), stored.agency == nil,
                try await organisation.agency(owner) != nil
            else { continue }
            stored.agency = owner
            try await indicators.saveIndicator(stored, context: context)
        }
        let catalogue = try await indicators.indicators(includeInactive: false)
        if let first = catalogue.first, try await indicators.values(IndicatorValueQuery(indicators: [first.code])).isEmpty {
            let today = try await calendar.workingCalendar().civilDay(of: now)
            let made = DemoIndicators(
                indicators: catalogue, province: provinceCode, wards: file.units.map { Area.Code($0.code) }, today: today
            ).values()
            _ = try await indicators.setValues(made.values, context: context)
            try await indicators.setTargets(made.targets, context: context)
        }

        var credentials: [Credential] = []
        for (username, name, role, agency) in Self.people {
            let password = Secret.token(bytes: 9)
            if let existing = try await accounts.credentials(username: username) {
                try await accounts.setPassword(existing.user.id, hash: try await hasher.hash(password), context: context)
            } else {
                try await administration.createUser(
                    .init(username: username, displayName: name, role: role, agencyID: agency.map { Agency.ID($0) }, password: password),
                    context: context)
            }
            credentials.append(Credential(role: role, username: username, secret: password, agency: agency))
        }
        for key in try await accounts.apiKeys() where key.name == Self.integratorKeyName && key.isActive {
            _ = try await accounts.revokeApiKey(key.id, context: context)
        }
        let (_, secret) = try await administration.createApiKey(
            name: Self.integratorKeyName, role: .integrator, agencyID: nil, context: context)
        credentials.append(Credential(role: .integrator, username: "Authorization: Bearer", secret: secret, agency: nil))
        return credentials
    }

    /// Adds `count` made-up past reports (see `ReportHistory`) received over the last `months`,
    /// in transactions of 5,000; `progress` hears how many are stored so far.
    public func loadHistory(
        count: Int, months: Int, seed: UInt64 = 2025, now: Date = Date(), progress: @Sendable (Int) -> Void = { _ in }
    ) async throws {
        let calendar = try await self.calendar.workingCalendar()
        let history = ReportHistory(
            catalogue: try await catalogue.services(includeInactive: false), wards: try await organisation.areas(AreaQuery()),
            calendar: calendar, end: now, months: months)
        let context = ChangeContext(principal: .system("demo"), now: now)
        var start = 0
        while start < count {
            let range = start..<min(start + 5000, count)
            try await reports.importReports(history.reports(range, seed: seed), calendar: calendar, context: context)
            start = range.upperBound
            progress(start)
        }
    }

    /// The credentials as a block for the terminal.
    public static func describe(_ credentials: [Credential], url: String) -> String {
        var lines = ["", "CityIOC demo city: Quảng Ninh — \(url)", "Tài khoản thử nghiệm / demo accounts (mật khẩu mới mỗi lần chạy / new passwords on every run):"]
        for credential in credentials {
            let role = credential.role.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)
            if credential.role == .integrator {
                lines.append("  \(role) API key: \(credential.secret)")
            } else {
                let user = credential.username.padding(toLength: 15, withPad: " ", startingAt: 0)
                lines.append("  \(role) \(user) \(credential.secret)\(credential.agency.map { "   (\($0))" } ?? "")")
            }
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }
}
