import CityIOCDomain
import Foundation
import Hummingbird

/// `/api/v1`: areas, agencies, users, keys and the audit log as JSON. Machines authenticate
/// with `Authorization: Bearer cioc_…`; a browser session works too, with its CSRF token in
/// `X-CSRF-Token` for changes. Errors are RFC 9457 problem documents.
struct OrganisationAPI {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.on(.get, "/api/v1/me", .signedIn, use: me)
        router.on(.get, "/api/v1/areas", .anyone, use: areas)
        router.on(.get, "/api/v1/areas/:code", .anyone, use: area)
        router.on(.put, "/api/v1/areas/:code", .permission(.manageOrganisation), use: putArea)
        router.on(.get, "/api/v1/agencies", .permission(.viewOrganisation), use: agencies)
        router.on(.post, "/api/v1/agencies", .permission(.manageOrganisation), use: createAgency)
        router.on(.get, "/api/v1/agencies/:id", .permission(.viewOrganisation), use: agency)
        router.on(.patch, "/api/v1/agencies/:id", .permission(.manageOrganisation), use: patchAgency)
        router.on(.get, "/api/v1/agencies/:id/users", .permission(.viewUsers), use: agencyUsers)
        router.on(.get, "/api/v1/users", .permission(.viewUsers), use: users)
        router.on(.post, "/api/v1/users", .permission(.manageUsers), use: createUser)
        router.on(.get, "/api/v1/users/:id", .permission(.viewUsers), use: user)
        router.on(.patch, "/api/v1/users/:id", .permission(.manageUsers), use: patchUser)
        router.on(.get, "/api/v1/apikeys", .permission(.manageApiKeys), use: keys)
        router.on(.post, "/api/v1/apikeys", .permission(.manageApiKeys), use: createKey)
        router.on(.delete, "/api/v1/apikeys/:id", .permission(.manageApiKeys), use: revokeKey)
        router.on(.get, "/api/v1/audit", .permission(.readAudit), use: audit)
        router.on(.get, "/api/v1/calendar", .signedIn, use: calendarDays)
        router.on(.put, "/api/v1/calendar/:day", .permission(.manageOrganisation), use: putCalendarDay)
        router.on(.delete, "/api/v1/calendar/:day", .permission(.manageOrganisation), use: deleteCalendarDay)
    }

    struct Me: Encodable, Sendable {
        var kind: String
        var id: String
        var name: String
        var role: Role
        var agencyId: String?
        var language: Language
    }

    @Sendable func me(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Me> {
        let p = context.principal
        return JSONBody(Me(kind: p.kind.rawValue, id: p.id, name: p.name, role: p.role, agencyId: p.agencyID?.rawValue, language: context.language))
    }

    // MARK: Areas

    @Sendable func areas(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Page<Area>> {
        let q = request.uri.queryParameters
        let level = try q.choice("level", as: Area.Level.self)
        let query = AreaQuery(
            parent: q["parent"].map { Area.Code(String($0)) }, level: level, text: q["q"].map(String.init),
            includeInactive: q["inactive"] == "true")
        return JSONBody(Page(try await services.organisation.areas(query)))
    }

    @Sendable func area(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Area> {
        guard let area = try await services.organisation.area(Area.Code(try context.parameters.require("code"))) else {
            throw StoreError.notFound
        }
        return JSONBody(area)
    }

    struct AreaInput: Decodable {
        var name: String
        var level: Area.Level
        var parentCode: String?
        var latitude: Double?
        var longitude: Double?
        var areaKm2: Double?
        var active: Bool?
    }

    @Sendable func putArea(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Area> {
        let code = Area.Code(try context.parameters.require("code"))
        let input = try await request.decodeJSON(AreaInput.self, context: context)
        let existed = try await services.organisation.area(code) != nil
        let area = Area(
            code: code, name: input.name, level: input.level, parentCode: input.parentCode.map { Area.Code($0) },
            latitude: input.latitude, longitude: input.longitude, areaKm2: input.areaKm2, active: input.active ?? true)
        try area.validate()
        if let parent = area.parentCode, try await services.organisation.area(parent) == nil {
            throw ValidationError(field: "parent", reason: .unknownReference)
        }
        try await services.organisation.saveArea(area, context: context.changeContext)
        return JSONBody(area, status: existed ? .ok : .created)
    }

    // MARK: Agencies

    @Sendable func agencies(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Page<Agency>> {
        let q = request.uri.queryParameters
        let kind = try q.choice("kind", as: Agency.Kind.self)
        let query = AgencyQuery(
            kind: kind, area: q["area"].map { Area.Code(String($0)) }, text: q["q"].map(String.init),
            includeInactive: q["inactive"] == "true")
        return JSONBody(Page(try await services.organisation.agencies(query)))
    }

    @Sendable func agency(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Agency> {
        JSONBody(try await loadAgency(context))
    }

    func loadAgency(_ context: AppRequestContext) async throws -> Agency {
        guard let agency = try await services.organisation.agency(Agency.ID(try context.parameters.require("id"))) else {
            throw StoreError.notFound
        }
        return agency
    }

    struct AgencyInput: Decodable {
        var id: String?
        var name: String?
        var nameEn: String?
        var kind: Agency.Kind?
        var areaCode: String?
        var email: String?
        var phone: String?
        var active: Bool?
    }

    @Sendable func createAgency(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Agency> {
        let input = try await request.decodeJSON(AgencyInput.self, context: context)
        guard let id = input.id else { throw ValidationError(field: "id", reason: .required) }
        guard let kind = input.kind else { throw ValidationError(field: "kind", reason: .required) }
        guard let areaCode = input.areaCode else { throw ValidationError(field: "area", reason: .required) }
        let agency = Agency(
            id: Agency.ID(id), name: input.name ?? "", nameEn: input.nameEn ?? "", kind: kind, areaCode: Area.Code(areaCode),
            email: input.email, phone: input.phone, active: input.active ?? true)
        try agency.validate()
        guard try await services.organisation.area(agency.areaCode) != nil else {
            throw ValidationError(field: "area", reason: .unknownReference)
        }
        try await services.organisation.createAgency(agency, context: context.changeContext)
        return JSONBody(agency, status: .created)
    }

    @Sendable func patchAgency(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Agency> {
        var agency = try await loadAgency(context)
        let input = try await request.decodeJSON(AgencyInput.self, context: context)
        if let id = input.id, id != agency.id.rawValue { throw ValidationError(field: "id", reason: .notAllowed) }
        if let name = input.name { agency.name = name }
        if let nameEn = input.nameEn { agency.nameEn = nameEn }
        if let kind = input.kind { agency.kind = kind }
        if let areaCode = input.areaCode { agency.areaCode = Area.Code(areaCode) }
        if let email = input.email { agency.email = email }
        if let phone = input.phone { agency.phone = phone }
        if let active = input.active { agency.active = active }
        try agency.validate()
        guard try await services.organisation.area(agency.areaCode) != nil else {
            throw ValidationError(field: "area", reason: .unknownReference)
        }
        try await services.organisation.updateAgency(agency, context: context.changeContext)
        return JSONBody(agency)
    }

    /// An agency's staff: only for those who may read that agency's records.
    @Sendable func agencyUsers(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Page<User>> {
        let agency = try await loadAgency(context)
        guard AccessPolicy.canRead(context.principal, ownedBy: agency.id) else { throw AccessError.forbidden }
        let users = try await services.accounts.users(UserQuery(scope: AccessPolicy.scope(for: context.principal), agency: agency.id))
        return JSONBody(Page(users))
    }

    // MARK: Users

    @Sendable func users(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Page<User>> {
        let q = request.uri.queryParameters
        let role = try q.choice("role", as: Role.self)
        let query = UserQuery(
            scope: AccessPolicy.scope(for: context.principal), agency: q["agency"].map { Agency.ID(String($0)) }, role: role,
            text: q["q"].map(String.init))
        return JSONBody(Page(try await services.accounts.users(query)))
    }

    @Sendable func user(_ request: Request, context: AppRequestContext) async throws -> JSONBody<User> {
        guard let user = try await services.accounts.user(User.ID(try context.parameters.require("id"))) else {
            throw StoreError.notFound
        }
        guard AccessPolicy.canRead(context.principal, ownedBy: user.agencyID) else { throw AccessError.forbidden }
        return JSONBody(user)
    }

    struct UserInput: Decodable {
        var username: String?
        var displayName: String?
        var role: Role?
        var agencyId: String?
        var language: Language?
        var password: String?
        var active: Bool?
    }

    @Sendable func createUser(_ request: Request, context: AppRequestContext) async throws -> JSONBody<User> {
        let input = try await request.decodeJSON(UserInput.self, context: context)
        guard let role = input.role else { throw ValidationError(field: "role", reason: .required) }
        let user = try await services.administration.createUser(
            .init(
                username: input.username ?? "", displayName: input.displayName ?? "", role: role,
                agencyID: input.agencyId.map { Agency.ID($0) }, language: input.language, password: input.password ?? ""),
            context: context.changeContext)
        return JSONBody(user, status: .created)
    }

    @Sendable func patchUser(_ request: Request, context: AppRequestContext) async throws -> JSONBody<User> {
        guard var user = try await services.accounts.user(User.ID(try context.parameters.require("id"))) else {
            throw StoreError.notFound
        }
        let input = try await request.decodeJSON(UserInput.self, context: context)
        if let username = input.username, username != user.username { throw ValidationError(field: "username", reason: .notAllowed) }
        if let name = input.displayName { user.displayName = name }
        if let role = input.role { user.role = role }
        if let agency = input.agencyId { user.agencyID = agency.isEmpty ? nil : Agency.ID(agency) }
        if let language = input.language { user.language = language }
        if let active = input.active { user.active = active }
        try await services.administration.updateUser(user, context: context.changeContext)
        if let password = input.password {
            try await services.administration.resetPassword(user.id, to: password, context: context.changeContext)
        }
        return JSONBody(try await services.accounts.user(user.id) ?? user)
    }

    // MARK: Keys

    @Sendable func keys(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Page<ApiKey>> {
        JSONBody(Page(try await services.accounts.apiKeys()))
    }

    struct KeyInput: Decodable {
        var name: String
        var role: Role
        var agencyId: String?
    }

    struct CreatedKey: Encodable, Sendable {
        var key: ApiKey
        /// The secret, returned this once.
        var secret: String
    }

    @Sendable func createKey(_ request: Request, context: AppRequestContext) async throws -> JSONBody<CreatedKey> {
        let input = try await request.decodeJSON(KeyInput.self, context: context)
        let (key, secret) = try await services.administration.createApiKey(
            name: input.name, role: input.role, agencyID: input.agencyId.map { Agency.ID($0) }, context: context.changeContext)
        return JSONBody(CreatedKey(key: key, secret: secret), status: .created)
    }

    @Sendable func revokeKey(_ request: Request, context: AppRequestContext) async throws -> JSONBody<ApiKey> {
        JSONBody(try await services.accounts.revokeApiKey(ApiKey.ID(try context.parameters.require("id")), context: context.changeContext))
    }

    // MARK: Calendar

    @Sendable func calendarDays(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Page<CalendarDay>> {
        var year: Int?
        if let raw = request.uri.queryParameters["year"] {
            guard let parsed = Int(raw), (2000...2100).contains(parsed) else { throw ValidationError(field: "year", reason: .outOfRange) }
            year = parsed
        }
        return JSONBody(Page(try await services.calendar.calendarDays(year: year)))
    }

    struct CalendarInput: Decodable {
        var kind: CalendarDay.Kind
        var name: String
    }

    @Sendable func putCalendarDay(_ request: Request, context: AppRequestContext) async throws -> JSONBody<CalendarDay> {
        guard let day = CivilDay(try context.parameters.require("day")) else { throw ValidationError(field: "day", reason: .invalidValue) }
        let input = try await request.decodeJSON(CalendarInput.self, context: context)
        let entry = CalendarDay(day: day, kind: input.kind, name: input.name)
        try entry.validate()
        try await services.calendar.saveCalendarDay(entry, context: context.changeContext)
        return JSONBody(entry)
    }

    @Sendable func deleteCalendarDay(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let day = CivilDay(try context.parameters.require("day")) else { throw StoreError.notFound }
        try await services.calendar.deleteCalendarDay(day, context: context.changeContext)
        return Response(status: .noContent)
    }

    // MARK: Audit

    @Sendable func audit(_ request: Request, context: AppRequestContext) async throws -> JSONBody<Page<AuditEntry>> {
        let q = request.uri.queryParameters
        func date(_ name: String) throws -> Date? {
            guard let raw = q[Substring(name)] else { return nil }
            guard let parsed = SQLTimestamp.parse(String(raw)) ?? Format(language: .vi).day(String(raw)) else {
                throw ValidationError(field: name, reason: .invalidValue)
            }
            return parsed
        }
        var limit = 100
        if let raw = q["limit"] {
            guard let parsed = Int(raw), (1...500).contains(parsed) else { throw ValidationError(field: "limit", reason: .outOfRange) }
            limit = parsed
        }
        var before: Int64?
        if let raw = q["before"] {
            guard let parsed = Int64(raw) else { throw ValidationError(field: "before", reason: .invalidValue) }
            before = parsed
        }
        let filter = AuditFilter(
            actor: q["actor"].map(String.init), action: q["action"].map(String.init), entityType: q["entity_type"].map(String.init),
            entityID: q["entity_id"].map(String.init), since: try date("since"), until: try date("until"), beforeID: before,
            limit: limit)
        let entries = try await services.audit.auditEntries(filter)
        return JSONBody(Page(entries, next: entries.count == limit ? entries.last.map { String($0.id) } : nil))
    }
}

extension Parameters {
    /// A query parameter that must be one of an enumeration's values: absent is nil, anything
    /// else unknown is a 422 naming the field.
    func choice<Choice: RawRepresentable>(_ name: String, as type: Choice.Type) throws -> Choice? where Choice.RawValue == String {
        guard let raw = self[Substring(name)] else { return nil }
        guard let value = Choice(rawValue: String(raw)) else { throw ValidationError(field: name, reason: .invalidValue) }
        return value
    }
}
