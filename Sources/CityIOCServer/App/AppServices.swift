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
    public let attachments: any AttachmentStore
    public let messages: any MessageLedger
    public let boundaries: any BoundaryStore
    /// NGSI-LD entities.
    public let entities: any EntityStore
    /// Every value NGSI-LD attributes have had (the temporal store).
    public let history: any AttributeHistoryStore
    /// @contexts hosted here or preloaded.
    public let contextDocuments: any ContextDocumentStore
    /// The indicator catalogue, values and targets.
    public let indicators: any IndicatorStore
    /// What changed, as every server process sees it (live pages).
    let changes: ChangeFeed
    /// The operations room's walls.
    public let walls: any WallStore
    /// The @contexts the NGSI-LD API resolves: the core context, stored ones, remote ones.
    let contexts: ContextLibrary
    /// `serve --open-ngsi-ld`: the NGSI-LD API without a key (a closed network, conformance runs).
    public let openContextBroker: Bool
    /// Where attachments' bytes are kept, and their small copies made.
    let files: AttachmentFiles
    public let hasher: PasswordHasher
    public let sessions: SessionPolicy
    public let reportPolicy: ReportPolicy
    let assets: Assets

    /// `attachmentsFolder` nil: a new folder under the system's temporary folder (tests, tools).
    /// `remoteContexts` nil: @contexts named by other servers' URLs are not fetched.
    public init(
        database: any SQLDatabase, hasher: PasswordHasher, sessions: SessionPolicy, reports: ReportPolicy = ReportPolicy(),
        attachmentsFolder: String? = nil, openContextBroker: Bool = false, remoteContexts: RemoteContexts.Policy? = nil
    ) throws {
        self.openContextBroker = openContextBroker
        self.reportPolicy = reports
        self.files = try attachmentsFolder.map { try AttachmentFiles(root: $0) } ?? AttachmentFiles.temporary()
        let store = CityStore(database: database)
        self.contexts = try ContextLibrary(store: store, remote: remoteContexts.map { RemoteContexts(policy: $0) })
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
        self.attachments = store
        self.messages = store
        self.boundaries = store
        self.entities = store
        self.history = store
        self.contextDocuments = store
        self.indicators = store
        self.changes = ChangeFeed(database: database)
        self.walls = store
        self.hasher = hasher
        self.sessions = sessions
        self.assets = try Assets()
    }

    /// Loads the @contexts of a folder (`index.json`: URL → file) as the copies clients' URLs
    /// resolve to; returns how many were new or changed.
    public func preloadContexts(folder: String) async throws -> Int {
        try await contexts.preload(folder: folder, context: ChangeContext(principal: .system("ngsi-ld-contexts")))
    }

    /// The shipped indicator catalogue, into a database that has no indicator yet; how many.
    public func installDefaultIndicators() async throws -> Int {
        try await DefaultIndicators.installIfEmpty(indicators, organisation: organisation, context: ChangeContext(principal: .system("catalogue")))
    }

    /// The indicators computed from citizen reports, brought up to date; how many values changed.
    @discardableResult
    public func computeReportIndicators() async throws -> Int { try await ReportIndicators.compute(self) }
    /// The indicators derived by formula from others, as the `derived-indicators` job does.
    @discardableResult
    public func computeDerivedIndicators() async throws -> Int { try await DerivedIndicators.compute(self) }

    /// The image library making small copies of photos, nil when the system has none.
    public var thumbnailLibrary: String? { files.thumbnailer.libraryName }

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
    /// The OA secret key Zalo signs its webhooks with; the Zalo channel is off without it.
    public var zaloSecret: String?
    /// How many photos and videos a report or an answer may carry, and how large.
    public var attachmentLimits: Attachment.Limits

    public init(
        reopenWithinDays: Int = 7, publicReportsPerHour: Int = 10, trustProxy: Bool = false, messagingSecret: String? = nil,
        zaloSecret: String? = nil, attachmentLimits: Attachment.Limits = Attachment.Limits()
    ) {
        self.zaloSecret = zaloSecret
        self.reopenWithinDays = reopenWithinDays
        self.publicReportsPerHour = publicReportsPerHour
        self.trustProxy = trustProxy
        self.messagingSecret = messagingSecret
        self.attachmentLimits = attachmentLimits
    }
}
