import CityIOCDomain
import Foundation
import Testing

@testable import CityIOCServer

/// The store contract: the same expectations on every engine.
@Suite struct StoreContractTests {
    @Test(arguments: TestEngine.all)
    func migrationsAreRecordedAndRunOnce(engine: TestEngine) async throws {
        try await withDatabase(engine) { database in
            let again = try await database.migrate(Schema.migrations)
            #expect(again.applied.isEmpty)
            #expect(again.to == Schema.migrations.last!.version)
            let rows = try await database.query("SELECT version FROM schema_migrations ORDER BY version")
            #expect(rows.compactMap { $0.optionalInt("version") } == Schema.migrations.map { Int64($0.version) })
        }
    }

    /// Many changes at once (SQLite commits them together): each one that fails is rolled back
    /// alone, the others are stored with their audit entries.
    @Test(arguments: TestEngine.all)
    func concurrentChangesCommitOrFailEachOnItsOwn(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await services.organisation.saveArea(Area(code: "22", name: "Tỉnh Quảng Ninh", level: .province, parentCode: nil), context: system)
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<60 {
                    // Every tenth one names an area that does not exist and must fail.
                    let area: Area.Code = index % 10 == 9 ? "99999" : "22"
                    let agency = Agency(id: Agency.ID("don-vi-\(index)"), name: "Đơn vị \(index)", nameEn: "", kind: .department, areaCode: area)
                    group.addTask {
                        do {
                            try await services.organisation.createAgency(agency, context: system)
                            return true
                        } catch StoreError.unknownReference {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 54)
            #expect(try await services.organisation.agencies(AgencyQuery()).count == 54)
            #expect(try await services.audit.auditEntries(AuditFilter(action: "agency.create", limit: 500)).count == 54)
        }
    }

    @Test(arguments: TestEngine.all)
    func aDatabaseFromANewerVersionIsRefused(engine: TestEngine) async throws {
        try await withDatabase(engine) { database in
            let future = Int64(Schema.migrations.last!.version + 1)
            try await database.perform(
                Mutation { _ in
                    Plan(
                        statements: [
                            SQL(
                                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from the future', ?)",
                                [.int(future), .date(Date())])
                        ], audit: nil, result: ())
                }, context: system)
            await #expect(throws: StoreError.newerSchema(database: Int(future), known: Int(future) - 1)) {
                try await database.migrate(Schema.migrations)
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func areasAreFoundWithoutDiacritics(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            let store = services.organisation
            #expect(try await store.areas(AreaQuery(text: "hong gai")).map(\.code) == ["06685"])
            #expect(try await store.areas(AreaQuery(text: "VAN DON")).map(\.code) == ["06994"])
            #expect(try await store.areas(AreaQuery(text: "06685")).map(\.code) == ["06685"])
            #expect(try await store.areas(AreaQuery(parent: "22")).count == 2)
            #expect(try await store.areas(AreaQuery(level: .province)).map(\.name) == ["Tỉnh Quảng Ninh"])
            let ward = try #require(try await store.area("06685"))
            #expect(ward.latitude == 20.9485)
            #expect(ward.parentCode == "22")
        }
    }

    @Test(arguments: TestEngine.all)
    func agencyCodesAreUniqueAndAreasMustExist(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            let store = services.organisation
            let duplicate = Agency(id: "so-xay-dung", name: "Khác", nameEn: "", kind: .department, areaCode: "22")
            await #expect(throws: StoreError.duplicate) { try await store.createAgency(duplicate, context: system) }
            let orphan = Agency(id: "so-moi", name: "Sở mới", nameEn: "", kind: .department, areaCode: "99999")
            await #expect(throws: StoreError.unknownReference) { try await store.createAgency(orphan, context: system) }
            #expect(try await store.agency("so-moi") == nil)
            #expect(try await store.agencies(AgencyQuery(text: "xay dung")).map(\.id) == ["so-xay-dung"])
        }
    }

    @Test(arguments: TestEngine.all)
    func everyChangeIsAuditedWithBeforeAndAfter(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            var agency = try #require(try await services.organisation.agency("so-xay-dung"))
            agency.phone = "0203 3835 123"
            let context = ChangeContext(principal: Principal(kind: .user, id: "u1", name: "admin", role: .admin, agencyID: nil), requestID: "req-1")
            try await services.organisation.updateAgency(agency, context: context)
            // an update that changes nothing writes nothing
            try await services.organisation.updateAgency(agency, context: context)

            let entries = try await services.audit.auditEntries(AuditFilter(entityType: "agency", entityID: "so-xay-dung"))
            #expect(entries.map(\.action) == ["agency.update", "agency.create"])
            let update = entries[0]
            #expect(update.actorName == "admin")
            #expect(update.requestID == "req-1")
            #expect(update.before?.contains("\"phone\"") == false)
            #expect(update.after?.contains("0203 3835 123") == true)
            // every seeded record has its entry
            let all = try await services.audit.auditEntries(AuditFilter(limit: 500))
            #expect(all.filter { $0.action == "area.create" }.count == 3)
            #expect(all.filter { $0.action == "user.create" }.count == 5)
            #expect(try await services.audit.auditEntries(AuditFilter(action: "user")).count == 5)
        }
    }

    @Test(arguments: TestEngine.all)
    func theAuditLogIsAppendOnly(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            await #expect(throws: (any Error).self) { try await services.database.execute("UPDATE audit_log SET actor_name = 'nobody'") }
            await #expect(throws: (any Error).self) { try await services.database.execute("DELETE FROM audit_log") }
            #expect(try await services.audit.auditEntries(AuditFilter(actor: "nobody")).isEmpty)
        }
    }

    @Test(arguments: TestEngine.all)
    func aFailedChangeLeavesNothingBehind(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            let before = try await services.audit.auditEntries(AuditFilter(limit: 500)).count
            // the second statement breaks a foreign key: the first must be rolled back with it
            await #expect(throws: StoreError.unknownReference) {
                try await services.database.perform(
                    Mutation { _ in
                        Plan(
                            statements: [
                                SQL("UPDATE agencies SET name = 'đã đổi' WHERE id = 'so-xay-dung'"),
                                SQL("UPDATE agencies SET area_code = 'nowhere' WHERE id = 'ubnd-06685'"),
                            ],
                            audit: AuditDraft(action: "agency.update", entityType: "agency", entityID: "x", before: nil, after: nil),
                            result: ())
                    }, context: system)
            }
            #expect(try await services.organisation.agency("so-xay-dung")?.name == "Sở Xây dựng")
            #expect(try await services.audit.auditEntries(AuditFilter(limit: 500)).count == before)
        }
    }

    @Test(arguments: TestEngine.all)
    func usersAreListedWithinTheirScope(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            let accounts = services.accounts
            #expect(try await accounts.users(UserQuery(scope: .all)).count == 5)
            #expect(try await accounts.users(UserQuery(scope: .agency("ubnd-06685"))).map(\.username) == ["canbo.honggai"])
            // asking for another agency inside one's own scope finds nobody
            #expect(try await accounts.users(UserQuery(scope: .agency("ubnd-06685"), agency: "so-xay-dung")).isEmpty)
            #expect(try await accounts.users(UserQuery(scope: .none)).isEmpty)
            await #expect(throws: ValidationError(field: "username", reason: .alreadyExists)) {
                try await services.administration.createUser(
                    .init(username: "ADMIN", displayName: "x", role: .admin, agencyID: nil, password: Fixture.password), context: system)
            }
        }
    }

    @Test(arguments: TestEngine.all)
    func loginFailuresAreCountedAndLockTheAccount(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            let accounts = services.accounts
            let user = try #require(try await accounts.credentials(username: "dieuhanh")).user
            let now = Date()
            for _ in 0..<LoginThrottle.lockoutFailures {
                let current = try #require(try await accounts.user(user.id))
                try await accounts.recordLoginFailure(user.id, throttle: current.throttle, context: ChangeContext(principal: .anonymous, now: now))
            }
            let locked = try #require(try await accounts.user(user.id))
            #expect(locked.failedLogins == LoginThrottle.lockoutFailures)
            #expect(locked.lockedUntil != nil)
            #expect(try await services.audit.auditEntries(AuditFilter(action: "user.locked")).count == 1)
            try await accounts.unlock(user.id, context: system)
            #expect(try await accounts.user(user.id)?.throttle == .cleared)
        }
    }

    @Test(arguments: TestEngine.all)
    func sessionsAndKeysAreFoundByTheirHashesOnly(engine: TestEngine) async throws {
        try await withServices(engine) { services in
            try await Fixture.seed(services)
            let accounts = services.accounts
            let user = try #require(try await accounts.credentials(username: "admin")).user
            let now = Date()
            let session = SessionRecord(
                tokenHash: Secret.sha256("token"), userID: user.id, csrfToken: "csrf", createdAt: now,
                expiresAt: now.addingTimeInterval(3600), lastSeenAt: now, userAgent: "test", remoteAddress: "127.0.0.1")
            try await accounts.createSession(session, context: ChangeContext(principal: user.principal))
            let (found, owner) = try #require(try await accounts.session(tokenHash: Secret.sha256("token")))
            #expect(owner.username == "admin")
            #expect(found.csrfToken == "csrf")
            #expect(abs(found.expiresAt.timeIntervalSince(session.expiresAt)) < 0.01)
            #expect(try await accounts.session(tokenHash: "token") == nil)

            // a password change ends every session of the account
            try await services.administration.resetPassword(user.id, to: "một mật khẩu khác hẳn", context: system)
            #expect(try await accounts.session(tokenHash: Secret.sha256("token")) == nil)

            let (key, secret) = try await services.administration.createApiKey(name: "Trạm quan trắc", role: .integrator, agencyID: nil, context: system)
            #expect(secret.hasPrefix("cioc_"))
            #expect(try await accounts.apiKey(secretHash: Secret.sha256(secret))?.id == key.id)
            let revoked = try await accounts.revokeApiKey(key.id, context: system)
            #expect(!revoked.isActive)
            #expect(try await accounts.apiKey(secretHash: Secret.sha256(secret))?.isActive == false)
            let dump = try await services.database.query("SELECT secret_hash FROM api_keys")
            #expect(dump.allSatisfy { $0.optionalText("secret_hash") != secret })
        }
    }
}

@Suite struct DecodedCacheTests {
    @Test func aHitNeedsTheSameTextAndTheCacheStaysBounded() throws {
        let cache = DecodedCache<Int>(capacity: 2)
        var decoded = 0
        func read(_ id: String, _ text: String) -> Int {
            cache.value(id: id, text: text) { text in
                decoded += 1
                return text.count
            }
        }
        #expect(read("a", "xx") == 2)
        #expect(read("a", "xx") == 2)
        #expect(decoded == 1)
        #expect(read("a", "xxx") == 3)  // changed by someone: decoded again
        #expect(decoded == 2)
        _ = read("b", "y")
        _ = read("c", "z")  // each generation holds one here: a, in the older, is dropped
        #expect(read("a", "xxx") == 3)
        #expect(decoded == 5)
    }

    @Test func aHitIsTheSameBytesNotAnEquivalentText() {
        let cache = DecodedCache<Int>(capacity: 4)
        var decoded = 0
        func read(_ text: String) -> Int {
            cache.value(id: "r", text: text) { text in
                decoded += 1
                return text.utf8.count
            }
        }
        let composed = "{\"note\":\"Ng\u{1EAD}p \u{00FA}ng\"}"  // ậ and ú as one code point each
        let decomposed = "{\"note\":\"Nga\u{0323}\u{0302}p u\u{0301}ng\"}"  // the same letters, combining marks
        #expect(composed == decomposed)  // Swift's == calls them equal
        #expect(read(composed) == composed.utf8.count)
        #expect(read(String(decoding: Array(composed.utf8), as: UTF8.self)) == composed.utf8.count)  // a fresh copy of the bytes: a hit
        #expect(decoded == 1)
        #expect(read(decomposed) == decomposed.utf8.count)  // other bytes: decoded again
        #expect(decoded == 2)
        #expect(!DecodedCache<Int>.sameBytes("ab", "abc") && DecodedCache<Int>.sameBytes("", ""))
    }

    @Test func whatIsInUseStaysWhenAGenerationIsDropped() {
        let cache = DecodedCache<Int>(capacity: 4)  // two generations of two
        var decodes: [String] = []
        func read(_ id: String, _ text: String) -> Int {
            cache.value(id: id, text: text) { text in
                decodes.append(text)
                return text.count
            }
        }
        _ = read("a", "1")
        _ = read("b", "22")
        _ = read("c", "c")  // the newer was full: a and b become the older generation
        _ = read("a", "1")  // a hit in the older, moved to the newer
        _ = read("d", "d")  // the newer (c, a) is full again: b is dropped
        _ = read("a", "1")
        _ = read("b", "22")
        #expect(decodes == ["1", "22", "c", "d", "22"])
    }
}
