import CityIOCDomain
import Foundation

extension CityStore: AccountStore {
    static let userColumns = """
        id, username, display_name, role, agency_id, language, active, failed_logins, last_failed_login_at, \
        locked_until, created_at
        """
    static let keyColumns = "id, name, role, agency_id, prefix, created_at, created_by, revoked_at, last_used_at"

    public func createUser(_ user: User, passwordHash: String, context: ChangeContext) async throws {
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: [
                        SQL(
                            """
                            INSERT INTO users (id, username, display_name, role, agency_id, language, active, password_hash,
                                failed_logins, created_at, password_changed_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
                            """,
                            [
                                .text(user.id.rawValue), .text(user.username), .text(user.displayName),
                                .text(user.role.rawValue), SQLValue(user.agencyID?.rawValue),
                                SQLValue(user.language?.rawValue), .bool(user.active), .text(passwordHash),
                                .date(user.createdAt), .date(context.now),
                            ])
                    ],
                    audit: AuditDraft(
                        action: "user.create", entityType: "user", entityID: user.id.rawValue, before: nil,
                        after: Self.snapshot(user)),
                    result: ())
            }, context: context)
    }

    public func updateUser(_ user: User, context: ChangeContext) async throws {
        try await database.perform(
            Mutation(read: Self.userByID(user.id)) { rows in
                guard let before = try rows.first.map(Self.user) else { throw StoreError.notFound }
                var statements = [
                    SQL(
                        "UPDATE users SET display_name = ?, role = ?, agency_id = ?, language = ?, active = ? WHERE id = ?",
                        [
                            .text(user.displayName), .text(user.role.rawValue), SQLValue(user.agencyID?.rawValue),
                            SQLValue(user.language?.rawValue), .bool(user.active), .text(user.id.rawValue),
                        ])
                ]
                // Someone who lost their role, agency or account must not keep a session that had them.
                if before.role != user.role || before.agencyID != user.agencyID || (before.active && !user.active) {
                    statements.append(SQL("DELETE FROM sessions WHERE user_id = ?", [.text(user.id.rawValue)]))
                }
                var after = before
                after.displayName = user.displayName
                after.role = user.role
                after.agencyID = user.agencyID
                after.language = user.language
                after.active = user.active
                if after == before { return Plan(statements: [], audit: nil, result: ()) }
                return Plan(
                    statements: statements,
                    audit: AuditDraft(
                        action: "user.update", entityType: "user", entityID: user.id.rawValue,
                        before: Self.snapshot(before), after: Self.snapshot(after)),
                    result: ())
            }, context: context)
    }

    public func setPassword(_ id: User.ID, hash: String, context: ChangeContext) async throws {
        try await database.perform(
            Mutation(read: Self.userByID(id)) { rows in
                guard try rows.first.map(Self.user) != nil else { throw StoreError.notFound }
                return Plan(
                    statements: [
                        SQL(
                            "UPDATE users SET password_hash = ?, password_changed_at = ?, failed_logins = 0, last_failed_login_at = NULL, locked_until = NULL WHERE id = ?",
                            [.text(hash), .date(context.now), .text(id.rawValue)]),
                        SQL("DELETE FROM sessions WHERE user_id = ?", [.text(id.rawValue)]),
                    ],
                    // The hash itself never goes into the audit log.
                    audit: AuditDraft(
                        action: "user.password_change", entityType: "user", entityID: id.rawValue, before: nil,
                        after: nil),
                    result: ())
            }, context: context)
    }

    public func user(_ id: User.ID) async throws -> User? {
        try await database.query(Self.userByID(id)).first.map(Self.user)
    }

    public func credentials(username: String) async throws -> UserCredentials? {
        let rows = try await database.query(
            SQL("SELECT \(Self.userColumns), password_hash FROM users WHERE username = ?", [.text(User.normalise(username: username))]))
        guard let row = rows.first else { return nil }
        return UserCredentials(user: try Self.user(row), passwordHash: try row.text("password_hash"))
    }

    public func users(_ query: UserQuery) async throws -> [User] {
        var sql = SQL("SELECT \(Self.userColumns) FROM users WHERE 1 = 1")
        switch query.scope {
        case .all: break
        case .agency(let agency): sql.append(" AND agency_id = ?", .text(agency.rawValue))
        case .none: return []
        }
        if let agency = query.agency { sql.append(" AND agency_id = ?", .text(agency.rawValue)) }
        if let role = query.role { sql.append(" AND role = ?", .text(role.rawValue)) }
        if !query.includeInactive { sql.append(" AND active = ?", .bool(true)) }
        if let text = query.text.nonBlank {
            let pattern = "%\(text.lowercased())%"
            sql.append(" AND (LOWER(username) LIKE ? OR LOWER(display_name) LIKE ?)", .text(pattern), .text(pattern))
        }
        sql.append(" ORDER BY username")
        return try await database.query(sql).map(Self.user)
    }

    public func recordLoginFailure(_ id: User.ID, throttle: LoginThrottle, context: ChangeContext) async throws {
        try await database.perform(
            Mutation(read: Self.userByID(id)) { rows in
                guard let before = try rows.first.map(Self.user) else { throw StoreError.notFound }
                // Counted from the row just read under lock, so two servers cannot lose a failure.
                let next = before.throttle.failing(at: context.now)
                let locked = next.lockedUntil != nil && before.lockedUntil == nil
                return Plan(
                    statements: [
                        SQL(
                            "UPDATE users SET failed_logins = ?, last_failed_login_at = ?, locked_until = ? WHERE id = ?",
                            [.int(Int64(next.failures)), SQLValue(next.lastFailureAt), SQLValue(next.lockedUntil), .text(id.rawValue)])
                    ],
                    audit: AuditDraft(
                        action: locked ? "user.locked" : "session.login_failed", entityType: "user", entityID: id.rawValue,
                        before: nil, after: "{\"failedLogins\":\(next.failures)}"),
                    result: ())
            }, context: context)
    }

    public func unlock(_ id: User.ID, context: ChangeContext) async throws {
        try await database.perform(
            Mutation(read: Self.userByID(id)) { rows in
                guard let before = try rows.first.map(Self.user) else { throw StoreError.notFound }
                return Plan(
                    statements: [
                        SQL(
                            "UPDATE users SET failed_logins = 0, last_failed_login_at = NULL, locked_until = NULL WHERE id = ?",
                            [.text(id.rawValue)])
                    ],
                    audit: AuditDraft(
                        action: "user.unlock", entityType: "user", entityID: id.rawValue,
                        before: "{\"failedLogins\":\(before.failedLogins)}", after: "{\"failedLogins\":0}"),
                    result: ())
            }, context: context)
    }

    // MARK: Sessions

    public func createSession(_ session: SessionRecord, context: ChangeContext) async throws {
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: [
                        SQL(
                            """
                            INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at, user_agent, remote_address)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                            [
                                .text(session.tokenHash), .text(session.userID.rawValue), .text(session.csrfToken),
                                .date(session.createdAt), .date(session.expiresAt), .date(session.lastSeenAt),
                                SQLValue(session.userAgent), SQLValue(session.remoteAddress),
                            ]),
                        SQL(
                            "UPDATE users SET failed_logins = 0, last_failed_login_at = NULL, locked_until = NULL WHERE id = ?",
                            [.text(session.userID.rawValue)]),
                        SQL("DELETE FROM sessions WHERE expires_at < ?", [.date(context.now)]),
                    ],
                    audit: AuditDraft(
                        action: "session.login", entityType: "user", entityID: session.userID.rawValue, before: nil,
                        after: Self.snapshot(["remoteAddress": session.remoteAddress ?? "", "userAgent": session.userAgent ?? ""])),
                    result: ())
            }, context: context)
    }

    public func session(tokenHash: String) async throws -> (SessionRecord, User)? {
        let columns = Self.userColumns.split(separator: ",").map { "u." + $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: ", ")
        let rows = try await database.query(
            SQL(
                """
                SELECT s.token_hash, s.csrf_token, s.created_at AS s_created_at, s.expires_at, s.last_seen_at,
                       s.user_agent, s.remote_address, \(columns)
                FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?
                """, [.text(tokenHash)]))
        guard let row = rows.first else { return nil }
        let user = try Self.user(row)
        let session = SessionRecord(
            tokenHash: try row.text("token_hash"), userID: user.id, csrfToken: try row.text("csrf_token"),
            createdAt: try row.date("s_created_at"), expiresAt: try row.date("expires_at"),
            lastSeenAt: try row.date("last_seen_at"), userAgent: row.optionalText("user_agent"),
            remoteAddress: row.optionalText("remote_address"))
        return (session, user)
    }

    public func endSession(tokenHash: String, context: ChangeContext) async throws {
        try await database.perform(
            Mutation(read: SQL("SELECT user_id FROM sessions WHERE token_hash = ?", [.text(tokenHash)])) { rows in
                guard let userID = rows.first?.optionalText("user_id") else {
                    return Plan(statements: [], audit: nil, result: ())
                }
                return Plan(
                    statements: [SQL("DELETE FROM sessions WHERE token_hash = ?", [.text(tokenHash)])],
                    audit: AuditDraft(action: "session.logout", entityType: "user", entityID: userID, before: nil, after: nil),
                    result: ())
            }, context: context)
    }

    public func touchSession(tokenHash: String, expiresAt: Date, now: Date) async throws {
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: [
                        SQL(
                            "UPDATE sessions SET expires_at = ?, last_seen_at = ? WHERE token_hash = ?",
                            [.date(expiresAt), .date(now), .text(tokenHash)])
                    ], audit: nil, result: ())
            }, context: ChangeContext(principal: .system("session"), now: now))
    }

    // MARK: API keys

    public func createApiKey(_ key: ApiKey, secretHash: String, context: ChangeContext) async throws {
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: [
                        SQL(
                            """
                            INSERT INTO api_keys (id, name, role, agency_id, prefix, secret_hash, created_at, created_by)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                            [
                                .text(key.id.rawValue), .text(key.name), .text(key.role.rawValue),
                                SQLValue(key.agencyID?.rawValue), .text(key.prefix), .text(secretHash),
                                .date(key.createdAt), .text(key.createdBy),
                            ])
                    ],
                    audit: AuditDraft(
                        action: "apikey.create", entityType: "api_key", entityID: key.id.rawValue, before: nil,
                        after: Self.snapshot(key)),
                    result: ())
            }, context: context)
    }

    public func apiKey(secretHash: String) async throws -> ApiKey? {
        try await cache.key(hash: secretHash, database: database) {
            try await database.query(SQL("SELECT \(Self.keyColumns) FROM api_keys WHERE secret_hash = ?", [.text(secretHash)]))
                .first.map(Self.apiKey)
        }
    }

    public func apiKeys() async throws -> [ApiKey] {
        try await database.query(SQL("SELECT \(Self.keyColumns) FROM api_keys ORDER BY created_at DESC")).map(Self.apiKey)
    }

    public func revokeApiKey(_ id: ApiKey.ID, context: ChangeContext) async throws -> ApiKey {
        try await database.perform(
            Mutation(read: SQL("SELECT \(Self.keyColumns) FROM api_keys WHERE id = ?", [.text(id.rawValue)])) { rows in
                guard let before = try rows.first.map(Self.apiKey) else { throw StoreError.notFound }
                if before.revokedAt != nil { return Plan(statements: [], audit: nil, result: before) }
                var after = before
                after.revokedAt = context.now
                return Plan(
                    statements: [SQL("UPDATE api_keys SET revoked_at = ? WHERE id = ?", [.date(context.now), .text(id.rawValue)])],
                    audit: AuditDraft(
                        action: "apikey.revoke", entityType: "api_key", entityID: id.rawValue,
                        before: Self.snapshot(before), after: Self.snapshot(after)),
                    result: after)
            }, context: context)
    }

    public func touchApiKey(_ id: ApiKey.ID, now: Date) async throws {
        try await database.perform(
            Mutation { _ in
                Plan(
                    statements: [SQL("UPDATE api_keys SET last_used_at = ? WHERE id = ?", [.date(now), .text(id.rawValue)])],
                    audit: nil, result: ())
            }, context: ChangeContext(principal: .system("apikey"), now: now))
        cache.touched(id, at: now)
    }

    // MARK: Rows

    static func userByID(_ id: User.ID) -> SQL {
        SQL("SELECT \(userColumns) FROM users WHERE id = ?", [.text(id.rawValue)])
    }

    static func user(_ row: SQLRow) throws -> User {
        guard let role = Role(rawValue: try row.text("role")) else { throw StoreError.corruptRow("role") }
        return User(
            id: User.ID(try row.text("id")), username: try row.text("username"), displayName: try row.text("display_name"),
            role: role, agencyID: row.optionalText("agency_id").map { Agency.ID($0) },
            language: row.optionalText("language").flatMap(Language.init(rawValue:)), active: try row.bool("active"),
            failedLogins: Int(try row.int("failed_logins")), lastFailedLoginAt: row.optionalDate("last_failed_login_at"),
            lockedUntil: row.optionalDate("locked_until"), createdAt: try row.date("created_at"))
    }

    static func apiKey(_ row: SQLRow) throws -> ApiKey {
        guard let role = Role(rawValue: try row.text("role")) else { throw StoreError.corruptRow("role") }
        return ApiKey(
            id: ApiKey.ID(try row.text("id")), name: try row.text("name"), role: role,
            agencyID: row.optionalText("agency_id").map { Agency.ID($0) }, prefix: try row.text("prefix"),
            createdAt: try row.date("created_at"), createdBy: try row.text("created_by"),
            revokedAt: row.optionalDate("revoked_at"), lastUsedAt: row.optionalDate("last_used_at"))
    }
}
