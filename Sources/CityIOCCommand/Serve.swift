import ArgumentParser
import CityIOCDomain
import CityIOCServer
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the CityIOC server (web pages, API, health and metrics).")

    @OptionGroup var storage: StorageOptions

    @Option(name: .long, help: "Address to listen on (env CITYIOC_HOST; default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on (env CITYIOC_PORT; default 8080).")
    var port: Int?

    @Flag(name: .long, help: "Load the demo city (Quảng Ninh) and print demo accounts (env CITYIOC_DEMO).")
    var demo = false

    @Flag(name: .long, help: "Mark cookies Secure: set when CityIOC is reached over HTTPS (env CITYIOC_SECURE_COOKIES).")
    var secureCookies = false

    @Option(name: .long, help: "Days after publication a citizen may reopen a report (env CITYIOC_REOPEN_DAYS; default 7).")
    var reopenDays: Int?

    @Option(name: .long, help: "Reports one address may send through the public form per hour, 0 for no limit (env CITYIOC_PUBLIC_REPORT_LIMIT; default 10).")
    var publicReportLimit: Int?

    @Flag(name: .long, help: "Behind a reverse proxy: take the client's address from X-Forwarded-For (env CITYIOC_TRUST_PROXY).")
    var trustProxy = false

    @Option(name: .long, help: "Secret that messaging platforms sign webhooks with (env CITYIOC_MESSAGING_SECRET; the channel is off without it).")
    var messagingSecret: String?

    @Option(name: .long, help: "The Zalo Official Account's secret key, which Zalo signs its webhooks with (env CITYIOC_ZALO_SECRET; the Zalo channel is off without it).")
    var zaloSecret: String?

    @Flag(name: .long, help: "Let the NGSI-LD API be used without a key: a closed network behind a proxy, conformance runs (env CITYIOC_OPEN_NGSI_LD).")
    var openNgsiLd = false

    @Option(name: .long, help: "Folder of JSON-LD @contexts to serve without the network, listed in its index.json as URL → file (env CITYIOC_NGSI_LD_CONTEXTS).")
    var ngsiLdContexts: String?

    @Flag(name: .long, help: "Never fetch @contexts from other servers: only the core context, hosted and preloaded ones (env CITYIOC_NO_REMOTE_CONTEXTS).")
    var noRemoteContexts = false

    @Flag(
        name: .long,
        help: "Let @contexts be fetched from this machine and private networks too (env CITYIOC_PRIVATE_CONTEXTS; off, so clients cannot make the server read internal services).")
    var privateContexts = false

    @Option(name: .long, help: "Folder a mail program leaves citizens' e-mails in, one file each, or a Maildir (env CITYIOC_MAIL_DROP).")
    var mailDrop: String?

    @Option(name: .long, help: "URL of the e-mail/SMS gateway that notifications are posted to as JSON (env CITYIOC_NOTIFY_WEBHOOK).")
    var notifyWebhook: String?

    @Option(name: .long, help: "Folder for reports' photos and videos (env CITYIOC_ATTACHMENTS; default: attachments in the data folder).")
    var attachments: String?

    @Option(name: .long, help: "Largest photo in MB (env CITYIOC_MAX_PHOTO_MB; default 10).")
    var maxPhotoMb: Int?

    @Option(name: .long, help: "Largest video in MB (env CITYIOC_MAX_VIDEO_MB; default 50).")
    var maxVideoMb: Int?

    @Option(name: .long, help: "Most files with one report or answer, one of them a video (env CITYIOC_MAX_FILES; default 5).")
    var maxFiles: Int?

    func run() async throws {
        let host = self.host ?? Environment.value("CITYIOC_HOST") ?? "127.0.0.1"
        let port = try Environment.integer(self.port, flag: "--port", variable: "CITYIOC_PORT", default: 8080, range: 1...65535)
        let demo = try self.demo || (Environment.flag("CITYIOC_DEMO") ?? false)
        let secure = try secureCookies || (Environment.flag("CITYIOC_SECURE_COOKIES") ?? false)
        let runtime = try storage.runtime()
        let logger = runtime.logger
        let reopenDays = try Environment.integer(self.reopenDays, flag: "--reopen-days", variable: "CITYIOC_REOPEN_DAYS", default: 7, range: 0...365)
        let publicLimit = try Environment.integer(
            self.publicReportLimit, flag: "--public-report-limit", variable: "CITYIOC_PUBLIC_REPORT_LIMIT", default: 10, range: 0...100_000)
        let proxied = try trustProxy || (Environment.flag("CITYIOC_TRUST_PROXY") ?? false)
        let openNGSILD = try openNgsiLd || (Environment.flag("CITYIOC_OPEN_NGSI_LD") ?? false)
        let remoteContexts: RemoteContexts.Policy? =
            try noRemoteContexts || (Environment.flag("CITYIOC_NO_REMOTE_CONTEXTS") ?? false)
            ? nil : RemoteContexts.Policy(allowPrivateAddresses: try privateContexts || (Environment.flag("CITYIOC_PRIVATE_CONTEXTS") ?? false))
        let limits = Attachment.Limits(
            imageBytes: try Environment.integer(maxPhotoMb, flag: "--max-photo-mb", variable: "CITYIOC_MAX_PHOTO_MB", default: 10, range: 1...100) << 20,
            videoBytes: try Environment.integer(maxVideoMb, flag: "--max-video-mb", variable: "CITYIOC_MAX_VIDEO_MB", default: 50, range: 1...1000) << 20,
            files: try Environment.integer(maxFiles, flag: "--max-files", variable: "CITYIOC_MAX_FILES", default: 5, range: 0...20))
        let services = try Failure.guarding {
            try AppServices(
                database: runtime.database, hasher: try storage.hasher(), sessions: SessionPolicy(secureCookies: secure),
                reports: ReportPolicy(
                    reopenWithinDays: reopenDays, publicReportsPerHour: publicLimit, trustProxy: proxied,
                    messagingSecret: self.messagingSecret ?? Environment.value("CITYIOC_MESSAGING_SECRET"),
                    zaloSecret: self.zaloSecret ?? Environment.value("CITYIOC_ZALO_SECRET"), attachmentLimits: limits),
                attachmentsFolder: storage.attachmentsFolder(attachments), openContextBroker: openNGSILD,
                remoteContexts: remoteContexts)
        }
        if openNGSILD { logger.warning("the NGSI-LD API is open: anyone who reaches this server may read and change its entities (--open-ngsi-ld)") }
        if let library = services.thumbnailLibrary {
            logger.info("photos get small copies", metadata: ["library": "\(library)"])
        } else {
            logger.notice("libgd not found: photos are kept without small copies (install libgd3, or gd on macOS)")
        }
        var companions: [any ServiceLifecycle.Service] = []
        if let postgres = runtime.database as? PostgresDatabase { companions.append(postgres.client) }
        var transport: (any MessageTransport)?
        if let hook = self.notifyWebhook ?? Environment.value("CITYIOC_NOTIFY_WEBHOOK"), !hook.isEmpty {
            guard let url = URL(string: hook), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw Failure.exit("--notify-webhook must be an http(s) URL, not \(hook)")
            }
            transport = WebhookTransport(url: url)
        } else {
            logger.notice("no --notify-webhook: notifications wait in the outbox (/admin/outbox)")
        }
        var drop: MailDrop?
        if let folder = self.mailDrop ?? Environment.value("CITYIOC_MAIL_DROP"), !folder.isEmpty {
            drop = try Failure.guarding { try MailDrop(folder: folder, services: services, logger: logger) }
        }
        companions += PeriodicJob.standard(services: services, logger: logger, transport: transport, mailDrop: drop)
        let url = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        let app = buildApplication(
            settings: ServerSettings(host: host, port: port), services: services, logger: logger, companions: companions
        ) {
            let report = try await runtime.prepare()
            if let folder = ngsiLdContexts ?? Environment.value("CITYIOC_NGSI_LD_CONTEXTS"), !folder.isEmpty {
                let loaded: Int
                do {
                    loaded = try await services.preloadContexts(folder: folder)
                } catch StoreError.unavailable(let why) {
                    throw Failure.exit("--ngsi-ld-contexts: \(why)")
                } catch let error as CocoaError {
                    throw Failure.exit("--ngsi-ld-contexts: cannot read \(error.filePath ?? folder): \(error.localizedDescription)")
                }
                logger.info("NGSI-LD @contexts preloaded", metadata: ["folder": "\(folder)", "new": "\(loaded)"])
            }
            logger.info(
                "database ready",
                metadata: ["database": "\(runtime.location.description)", "schema": "\(report.to)", "applied": "\(report.applied)"])
            // The demo installs it itself, once its agencies (the indicators' owners) exist.
            if !demo {
                let installed = try await services.installDefaultIndicators()
                if installed > 0 { logger.info("indicator catalogue installed", metadata: ["indicators": "\(installed)"]) }
            }
            if demo {
                let city = DemoCity(services: services)
                let credentials = try await city.load(hasher: services.hasher)
                // A first demo start gets a year of past reports, so the desk and statistics show something.
                if try await services.reports.reports(ReportQuery(limit: 1)).isEmpty {
                    try await city.loadHistory(count: 3000, months: 12)
                }
                // The indicators computed from those reports, without waiting for the job's first minute.
                try await services.statistics.compactReportStatistics()
                try await services.computeReportIndicators()
                // A month of the air-quality stations' past readings, and their daily VN_AQI.
                try await DemoAirQuality(services: services).load(days: 30)
                try await DemoAirQuality(services: services).loadSensors(days: 30)
                try await services.computeDerivedIndicators()
                Output.line(DemoCity.describe(credentials, url: url))
            }
            logger.info("CityIOC \(CityIOCVersion.current) serving on \(url)")
        }
        do {
            try await app.runService()
        } catch let error as ConfigurationError {
            throw Failure.exit(error.description)
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw Failure.exit("port \(port) on \(host) is already in use: stop the other program or choose another with --port")
        } catch let error as IOError where error.errnoCode == EACCES {
            throw Failure.exit("not allowed to listen on port \(port): choose a port above 1023 with --port")
        } catch let error as IOError where error.errnoCode == EADDRNOTAVAIL {
            throw Failure.exit("\(host) is not an address of this machine: choose another with --host")
        } catch {
            throw Failure.exit(Runtime.describe(error, location: runtime.location))
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring the database schema up to date, then exit.")

    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let runtime = try storage.runtime()
        let report = try await runtime.withDatabase { try await runtime.prepareOrExit() }
        if report.applied.isEmpty {
            Output.line("\(runtime.location.description): schema is up to date (version \(report.to)).")
        } else {
            Output.line("\(runtime.location.description): applied migrations \(report.applied.map(String.init).joined(separator: ", ")); schema version \(report.to).")
        }
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the demo city (Quảng Ninh: 54 wards and communes, agencies, accounts) and print the demo accounts.")

    @OptionGroup var storage: StorageOptions

    @Option(help: "Also add this many made-up past reports (for trying the statistics, and for benchmarks).")
    var reports: Int = 0

    @Option(help: "Spread the made-up reports over this many months up to now.")
    var months: Int = 12

    @Option(help: "Also add made-up indicators for benchmarks: INDICATORSxAREASxMONTHS (e.g. 300x100x60) monthly values.")
    var indicatorValues: String?

    @Option(help: "Past hourly air-quality readings: STATIONSxDAYS (e.g. 50x365 for benchmarks; stations beyond the demo's 12 are added). Default 12x30.")
    var airHistory: String = "12x30"

    /// `50x365` read as (stations, days).
    var airScale: (Int, Int)? {
        let parts = airHistory.lowercased().split(separator: "x").compactMap { Int($0) }
        return parts.count == 2 ? (parts[0], parts[1]) : nil
    }

    /// `300x100x60` read as (indicators, areas, months).
    var indicatorScale: (Int, Int, Int)? {
        guard let indicatorValues else { return nil }
        let parts = indicatorValues.lowercased().split(separator: "x").compactMap { Int($0) }
        return parts.count == 3 ? (parts[0], parts[1], parts[2]) : nil
    }

    func validate() throws {
        if indicatorValues != nil {
            guard let (indicators, areas, months) = indicatorScale, (1...5000).contains(indicators), (1...2000).contains(areas), (1...240).contains(months)
            else { throw ValidationError("--indicator-values must look like 300x100x60 (at most 5000 indicators, 2000 areas, 240 months)") }
        }
        guard let (stations, days) = airScale, (0...1000).contains(stations), (0...3660).contains(days) else {
            throw ValidationError("--air-history must look like 50x365 (at most 1000 stations, 3660 days)")
        }
        guard (0...10_000_000).contains(reports) else { throw ValidationError("--reports must be from 0 to 10000000") }
        guard (1...120).contains(months) else { throw ValidationError("--months must be from 1 to 120") }
    }

    func run() async throws {
        let runtime = try storage.runtime()
        let services = try Failure.guarding {
            try AppServices(
                database: runtime.database, hasher: try storage.hasher(), sessions: SessionPolicy(), attachmentsFolder: storage.attachmentsFolder(nil))
        }
        let (reports, months, indicatorScale, airScale) = (self.reports, self.months, self.indicatorScale, self.airScale)
        let credentials = try await runtime.withDatabase {
            _ = try await runtime.prepareOrExit()
            let demo = DemoCity(services: services)
            let credentials = try await demo.load(hasher: services.hasher)
            try await services.computeDerivedIndicators()
            if reports > 0 {
                let started = Date()
                try await demo.loadHistory(count: reports, months: months) { done in
                    if done % 100_000 == 0 || done == reports { Output.line("reports: \(done) of \(reports)") }
                }
                try await services.statistics.compactReportStatistics()
                if let postgres = runtime.database as? PostgresDatabase { try await postgres.analyzeReports() }
                Output.line("added \(reports) past reports in \(Int(Date().timeIntervalSince(started))) s")
            }
            if let (stations, days) = airScale, stations > 0, days > 0 {
                let started = Date()
                let written = try await DemoAirQuality(services: services).load(days: days, stations: stations) { done in
                    if done % 500_000 < 4500 { Output.line("air-quality readings: \(done)") }
                }
                Output.line("added \(written) air-quality readings in \(Int(Date().timeIntervalSince(started))) s")
                try await DemoAirQuality(services: services).loadSensors(days: min(days, 30))
            }
            if let (indicators, areas, months) = indicatorScale {
                let started = Date()
                let written = try await demo.loadIndicatorScale(indicators: indicators, areas: areas, months: months)
                Output.line("added \(written) indicator values in \(Int(Date().timeIntervalSince(started))) s")
            }
            return credentials
        }
        Output.line(DemoCity.describe(credentials, url: "cityioc serve"))
    }
}

extension Runtime {
    func prepareOrExit() async throws -> MigrationReport {
        do { return try await prepare() } catch let error as ConfigurationError { throw Failure.exit(error.description) }
    }
}

/// Standard output, flushed at once: the demo accounts must reach a terminal or a log file
/// before the server settles into serving.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
