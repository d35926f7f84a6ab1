import CityIOCDomain
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Where and how to listen; everything else the server needs arrives in `AppServices`.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// The routes of CityIOC, each with who may call it, behind the shared middleware.
public func buildRouter(services: AppServices) -> Router<AppRequestContext> {
    _ = MetricsRegistry.shared  // before the first metric is made
    // HEAD answers as GET does, without the body (RFC 9110 9.3.2): monitors and link checkers use it.
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: ResponseHeadersMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: PrincipalMiddleware(accounts: services.accounts, sessions: services.sessions, uploadLimit: services.reportPolicy.attachmentLimits.requestBytes))
    OperationsController(services: services).register(on: router)
    SessionController(services: services).register(on: router)
    HomeController(services: services).register(on: router)
    BoundaryPages(services: services).register(on: router)
    AreaPages(services: services).register(on: router)
    AgencyPages(services: services).register(on: router)
    UserPages(services: services).register(on: router)
    KeyPages(services: services).register(on: router)
    AuditPages(services: services).register(on: router)
    OutboxPages(services: services).register(on: router)
    CalendarPages(services: services).register(on: router)
    RoutingPages(services: services).register(on: router)
    DeskPages(services: services).register(on: router)
    StatisticsPages(services: services).register(on: router)
    CitizenPages(services: services).register(on: router)
    AttachmentController(services: services).register(on: router)
    PublicPages(services: services).register(on: router)
    EntityPages(services: services).register(on: router)
    IndicatorEntryPages(services: services).register(on: router)
    IndicatorReportPage(services: services).register(on: router)
    IndicatorAdminPages(services: services).register(on: router)
    IndicatorPages(services: services).register(on: router)
    LiveEvents(services: services).register(on: router)
    WallPages(services: services).register(on: router)
    ServicePages(services: services).register(on: router)
    OrganisationAPI(services: services).register(on: router)
    CatalogueAPI(services: services).register(on: router)
    IndicatorAPI(services: services).register(on: router)
    MailIntake(services: services).register(on: router)
    MessagingIntake(services: services, secret: services.reportPolicy.messagingSecret, zaloSecret: services.reportPolicy.zaloSecret).register(on: router)
    Open311Controller(services: services).register(on: router)
    NGSILDController(services: services, contexts: services.contexts, openAccess: services.openContextBroker).register(on: router)
    return router
}

/// The whole server: the router plus the services that must run beside it (the PostgreSQL
/// pool), and work to do once before the port opens (migrations, the demo city).
public func buildApplication(
    settings: ServerSettings, services: AppServices, logger: Logger, companions: [any ServiceLifecycle.Service] = [],
    beforeServing: @escaping @Sendable () async throws -> Void = {}
) -> some ApplicationProtocol {
    var app = Application(
        router: buildRouter(services: services),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "CityIOC"),
        services: companions,
        logger: logger)
    app.beforeServerStarts(perform: beforeServing)
    return app
}
