import CityIOCDomain
import Foundation

/// Everything the routes use, built once by `buildApplication` and passed in; nothing global.
public struct AppServices: Sendable {
    public let database: any SQLDatabase
    public let organisation: any OrganisationStore
    public let accounts: any AccountStore
    public let audit: any AuditStore
    public let catalogue: any ServiceCatalogStore
    public let calendar: any CalendarStore
    public let reports: any ReportStore
    public let statistics: any ReportStatisticsStore
    public let routing: any RoutingStore
    public let intakeLimits: any IntakeLimitStore
    public let outbox: any OutboxStore
    public let hasher: PasswordHasher
    public let sessions: SessionPolicy
    public let reportPolicy: ReportPolicy
    let assets: Assets

    public init(database: any SQLDatabase, hasher: PasswordHasher, sessions: SessionPolicy, reports: ReportPolicy = ReportPolicy()) throws {
        self.reportPolicy = reports
        let store = CityStore(database: database)
        self.database = database
        self.organisation = store
        self.accounts = store
        self.audit = store
        self.catalogue = store
        self.calendar = store
        self.reports = store
        self.statistics = store
        self.routing = store
        self.intakeLimits = store
        self.outbox = store
        self.hasher = hasher
        self.sessions = sessions
        self.assets = try Assets()
    }

    func chrome(_ context: AppRequestContext, _ path: String) -> Chrome {
        Chrome(context: context, path: path, assets: assets)
    }
}

/// How the city handles citizen reports, set when the server starts.
public struct ReportPolicy: Sendable {
    /// Days after publication during which the reporter may reopen a report.
    public var reopenWithinDays: Int
    /// Reports one address may send through the public form in an hour (0: no limit).
    public var publicReportsPerHour: Int
    /// Take the client's address from the last `X-Forwarded-For` hop (behind a reverse proxy).
    public var trustProxy: Bool
    /// The secret messaging platforms sign their webhooks with; the channel is off without it.
    public var messagingSecret: String?

    public init(reopenWithinDays: Int = 7, publicReportsPerHour: Int = 10, trustProxy: Bool = false, messagingSecret: String? = nil) {
        self.reopenWithinDays = reopenWithinDays
        self.publicReportsPerHour = publicReportsPerHour
        self.trustProxy = trustProxy
        self.messagingSecret = messagingSecret
    }
}
