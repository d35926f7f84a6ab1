import ArgumentParser
import CityIOCDomain
import CityIOCServer
import Foundation

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage people's accounts.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user; the password is read from standard input (never from the command line).")

        @OptionGroup var storage: StorageOptions

        @Option(help: "admin, leader, operator, agency_staff or public.")
        var role: String

        @Option(help: "The agency's code (required for agency_staff), e.g. so-xay-dung.")
        var agency: String?

        @Option(help: "The username to sign in with (lowercase letters, digits, . _ -).")
        var name: String

        @Option(help: "The person's full name, shown on pages (default: the username).")
        var displayName: String?

        @Flag(help: "Read the password from standard input.")
        var passwordStdin = false

        func run() async throws {
            guard let role = Role(rawValue: role), role != .integrator else {
                throw Failure.exit("--role must be admin, leader, operator, agency_staff or public (machines get an API key instead)")
            }
            guard passwordStdin else { throw Failure.exit("give the password on standard input with --password-stdin") }
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw Failure.exit("no password on standard input")
            }
            let runtime = try storage.runtime()
            let services = try AppServices(database: runtime.database, hasher: try storage.hasher(), sessions: SessionPolicy())
            let user = try await runtime.withDatabase {
                _ = try await runtime.prepareOrExit()
                do {
                    return try await services.administration.createUser(
                        .init(
                            username: name, displayName: displayName ?? name, role: role, agencyID: agency.map { Agency.ID($0) },
                            password: password),
                        context: ChangeContext(principal: .system("cli")))
                } catch let error as CityIOCDomain.ValidationError {
                    throw Failure.exit(error.message(.en))
                }
            }
            Output.line("created user \(user.username) (\(user.role.rawValue)\(user.agencyID.map { ", \($0)" } ?? "")) id \(user.id)")
        }
    }
}

struct ApiKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "Manage API keys for machines.", subcommands: [Create.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key and print its secret, once.")

        @OptionGroup var storage: StorageOptions

        @Option(help: "integrator (default), operator, leader, agency_staff or admin.")
        var role: String = "integrator"

        @Option(help: "What the key is for, e.g. \"Air quality stations\".")
        var name: String

        @Option(help: "The agency the key acts for (required for agency_staff).")
        var agency: String?

        func run() async throws {
            guard let role = Role(rawValue: role), Role.keyRoles.contains(role) else {
                throw Failure.exit("--role must be integrator, operator, leader, agency_staff or admin")
            }
            let runtime = try storage.runtime()
            let services = try AppServices(database: runtime.database, hasher: try storage.hasher(), sessions: SessionPolicy())
            let (key, secret) = try await runtime.withDatabase {
                _ = try await runtime.prepareOrExit()
                do {
                    return try await services.administration.createApiKey(
                        name: name, role: role, agencyID: agency.map { Agency.ID($0) },
                        context: ChangeContext(principal: .system("cli")))
                } catch let error as CityIOCDomain.ValidationError {
                    throw Failure.exit(error.message(.en))
                }
            }
            FileHandle.standardError.write(Data("created API key \(key.id) \"\(key.name)\" (\(key.role.rawValue)); the secret is shown this once:\n".utf8))
            Output.line(secret)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key by its id.")

        @OptionGroup var storage: StorageOptions

        @Argument(help: "The key's id, as listed on the admin page or by the API.")
        var id: String

        func run() async throws {
            let runtime = try storage.runtime()
            let services = try AppServices(database: runtime.database, hasher: try storage.hasher(), sessions: SessionPolicy())
            try await runtime.withDatabase {
                _ = try await runtime.prepareOrExit()
                do {
                    _ = try await services.accounts.revokeApiKey(ApiKey.ID(id), context: ChangeContext(principal: .system("cli")))
                } catch StoreError.notFound {
                    throw Failure.exit("no API key with id \(id)")
                }
            }
            Output.line("revoked API key \(id)")
        }
    }
}
