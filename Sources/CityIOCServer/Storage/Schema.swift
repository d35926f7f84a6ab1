import Foundation

/// The schema of CityIOC, numbered and append-only. Timestamps are `TIMESTAMPTZ` on
/// PostgreSQL and UTC ISO-8601 text on SQLite; booleans are `BOOLEAN` and `INTEGER`.
public enum Schema {
    public static let migrations: [Migration] = [
        organisation, serviceCatalogue, workingCalendar, reports, reportStatistics, routingRules, statisticsByKey, intakeLimits, outbox, mergedInto,
        attachments, intakeMessages, areaBoundaries, auditByKind, withdrawnAttachments, contextEntities, contextEntityBoxes, reportsNewestFirst,
        indicators, walls, attributeHistory, indicatorFormulas, outboxForIndicators, openReportsByStatus,
    ]

    static let organisation = Migration(
        version: 1, name: "organisation, accounts, sessions, keys, audit",
        sqlite: """
            CREATE TABLE areas (
                code TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL,
                parent_code TEXT REFERENCES areas(code), latitude REAL, longitude REAL, area_km2 REAL,
                active INTEGER NOT NULL, search_key TEXT NOT NULL);
            CREATE INDEX areas_parent ON areas(parent_code);
            CREATE TABLE agencies (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL, kind TEXT NOT NULL,
                area_code TEXT NOT NULL REFERENCES areas(code), email TEXT, phone TEXT,
                active INTEGER NOT NULL, search_key TEXT NOT NULL);
            CREATE INDEX agencies_area ON agencies(area_code);
            CREATE TABLE users (
                id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
                role TEXT NOT NULL, agency_id TEXT REFERENCES agencies(id), language TEXT,
                active INTEGER NOT NULL, password_hash TEXT NOT NULL,
                failed_logins INTEGER NOT NULL DEFAULT 0, last_failed_login_at TEXT, locked_until TEXT,
                created_at TEXT NOT NULL, password_changed_at TEXT NOT NULL);
            CREATE INDEX users_agency ON users(agency_id);
            CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                csrf_token TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
                last_seen_at TEXT NOT NULL, user_agent TEXT, remote_address TEXT);
            CREATE INDEX sessions_user ON sessions(user_id);
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
                agency_id TEXT REFERENCES agencies(id), prefix TEXT NOT NULL, secret_hash TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL, created_by TEXT NOT NULL, revoked_at TEXT, last_used_at TEXT);
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor_kind TEXT NOT NULL,
                actor_id TEXT NOT NULL, actor_name TEXT NOT NULL, action TEXT NOT NULL,
                entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, before TEXT, after TEXT, request_id TEXT);
            CREATE INDEX audit_entity ON audit_log(entity_type, entity_id);
            CREATE INDEX audit_actor ON audit_log(actor_name);
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            """,
        postgres: """
            CREATE TABLE areas (
                code TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL,
                parent_code TEXT REFERENCES areas(code), latitude DOUBLE PRECISION, longitude DOUBLE PRECISION,
                area_km2 DOUBLE PRECISION, active BOOLEAN NOT NULL, search_key TEXT NOT NULL);
            CREATE INDEX areas_parent ON areas(parent_code);
            CREATE TABLE agencies (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL, kind TEXT NOT NULL,
                area_code TEXT NOT NULL REFERENCES areas(code), email TEXT, phone TEXT,
                active BOOLEAN NOT NULL, search_key TEXT NOT NULL);
            CREATE INDEX agencies_area ON agencies(area_code);
            CREATE TABLE users (
                id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
                role TEXT NOT NULL, agency_id TEXT REFERENCES agencies(id), language TEXT,
                active BOOLEAN NOT NULL, password_hash TEXT NOT NULL,
                failed_logins INTEGER NOT NULL DEFAULT 0, last_failed_login_at TIMESTAMPTZ, locked_until TIMESTAMPTZ,
                created_at TIMESTAMPTZ NOT NULL, password_changed_at TIMESTAMPTZ NOT NULL);
            CREATE INDEX users_agency ON users(agency_id);
            CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                csrf_token TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL,
                last_seen_at TIMESTAMPTZ NOT NULL, user_agent TEXT, remote_address TEXT);
            CREATE INDEX sessions_user ON sessions(user_id);
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
                agency_id TEXT REFERENCES agencies(id), prefix TEXT NOT NULL, secret_hash TEXT NOT NULL UNIQUE,
                created_at TIMESTAMPTZ NOT NULL, created_by TEXT NOT NULL, revoked_at TIMESTAMPTZ,
                last_used_at TIMESTAMPTZ);
            CREATE TABLE audit_log (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at TIMESTAMPTZ NOT NULL,
                actor_kind TEXT NOT NULL, actor_id TEXT NOT NULL, actor_name TEXT NOT NULL, action TEXT NOT NULL,
                entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, before TEXT, after TEXT, request_id TEXT);
            CREATE INDEX audit_entity ON audit_log(entity_type, entity_id);
            CREATE INDEX audit_actor ON audit_log(actor_name);
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
            CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
                FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
            """)

    /// Open311 services: the kinds of citizen report, their questions (as JSON, always read
    /// with the service), default agency, priority and deadlines (`8h`, `3d`).
    static let serviceCatalogue = Migration(
        version: 2, name: "service catalogue for citizen reports",
        sqlite: """
            CREATE TABLE services (
                code TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL, description TEXT NOT NULL,
                description_en TEXT NOT NULL, service_group TEXT NOT NULL, keywords TEXT NOT NULL,
                default_agency TEXT REFERENCES agencies(id), priority TEXT NOT NULL, accept_within TEXT NOT NULL,
                resolve_urgent TEXT NOT NULL, resolve_normal TEXT NOT NULL, resolve_complex TEXT NOT NULL,
                attributes TEXT NOT NULL, active INTEGER NOT NULL, search_key TEXT NOT NULL);
            """,
        postgres: """
            CREATE TABLE services (
                code TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL, description TEXT NOT NULL,
                description_en TEXT NOT NULL, service_group TEXT NOT NULL, keywords TEXT NOT NULL,
                default_agency TEXT REFERENCES agencies(id), priority TEXT NOT NULL, accept_within TEXT NOT NULL,
                resolve_urgent TEXT NOT NULL, resolve_normal TEXT NOT NULL, resolve_complex TEXT NOT NULL,
                attributes TEXT NOT NULL, active BOOLEAN NOT NULL, search_key TEXT NOT NULL);
            """)

    /// Public holidays and make-up working days, per year, edited by admins.
    static let workingCalendar = Migration(
        version: 3, name: "working calendar: holidays and make-up working days",
        both: """
            CREATE TABLE calendar_days (day TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL);
            """)

    /// Citizen reports. Status, holder, ward and times are columns for the filters; the
    /// workflow (steps, deadlines) is JSON read with the report.
    static let reports = Migration(
        version: 4, name: "citizen reports",
        sqlite: """
            CREATE TABLE reports (
                id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,
                service_code TEXT NOT NULL REFERENCES services(code), status TEXT NOT NULL, description TEXT NOT NULL,
                address TEXT, address_id TEXT, ward_code TEXT REFERENCES areas(code), agency_id TEXT REFERENCES agencies(id),
                channel TEXT NOT NULL, reporter TEXT NOT NULL, attributes TEXT NOT NULL, media_url TEXT,
                latitude REAL, longitude REAL, requested_at TEXT NOT NULL, updated_at TEXT NOT NULL, expected_at TEXT,
                workflow TEXT NOT NULL);
            CREATE INDEX reports_requested ON reports(requested_at);
            CREATE INDEX reports_service ON reports(service_code, requested_at);
            CREATE INDEX reports_agency ON reports(agency_id, status);
            CREATE INDEX reports_ward ON reports(ward_code);
            """,
        postgres: """
            CREATE TABLE reports (
                id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,
                service_code TEXT NOT NULL REFERENCES services(code), status TEXT NOT NULL, description TEXT NOT NULL,
                address TEXT, address_id TEXT, ward_code TEXT REFERENCES areas(code), agency_id TEXT REFERENCES agencies(id),
                channel TEXT NOT NULL, reporter TEXT NOT NULL, attributes TEXT NOT NULL, media_url TEXT,
                latitude DOUBLE PRECISION, longitude DOUBLE PRECISION, requested_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL, expected_at TIMESTAMPTZ, workflow TEXT NOT NULL);
            CREATE INDEX reports_requested ON reports(requested_at);
            CREATE INDEX reports_service ON reports(service_code, requested_at);
            CREATE INDEX reports_agency ON reports(agency_id, status);
            CREATE INDEX reports_ward ON reports(ward_code);
            """)

    /// Indexes for the queue by due time, an agency's inbox and the updates feed, and the
    /// counters behind the report statistics (see `ReportFacts`): each write appends its
    /// changes to `report_stats_delta` (no row is contended), and a background job folds them
    /// into `report_stats`; readers add up both. Filled from the existing reports when applied.
    static let reportStatistics = Migration(
        version: 5, name: "report statistics counters",
        sqlite: """
            CREATE TABLE report_stats (
                dimension TEXT NOT NULL, period TEXT NOT NULL, key TEXT NOT NULL, measure TEXT NOT NULL,
                bucket INTEGER NOT NULL, n INTEGER NOT NULL,
                PRIMARY KEY (dimension, period, key, measure, bucket)) WITHOUT ROWID;
            CREATE TABLE report_stats_delta (
                id INTEGER PRIMARY KEY, dimension TEXT NOT NULL, period TEXT NOT NULL, key TEXT NOT NULL,
                measure TEXT NOT NULL, bucket INTEGER NOT NULL, n INTEGER NOT NULL);
            CREATE INDEX reports_due ON reports(expected_at);
            CREATE INDEX reports_agency_due ON reports(agency_id, expected_at);
            CREATE INDEX reports_updated ON reports(updated_at);
            """,
        postgres: """
            CREATE TABLE report_stats (
                dimension TEXT NOT NULL, period TEXT NOT NULL, key TEXT NOT NULL, measure TEXT NOT NULL,
                bucket INTEGER NOT NULL, n BIGINT NOT NULL,
                PRIMARY KEY (dimension, period, key, measure, bucket));
            CREATE TABLE report_stats_delta (
                id BIGSERIAL PRIMARY KEY, dimension TEXT NOT NULL, period TEXT NOT NULL, key TEXT NOT NULL,
                measure TEXT NOT NULL, bucket INTEGER NOT NULL, n BIGINT NOT NULL);
            CREATE INDEX reports_due ON reports(expected_at);
            CREATE INDEX reports_agency_due ON reports(agency_id, expected_at);
            CREATE INDEX reports_updated ON reports(updated_at);
            """)

    /// Which agency handles a category of report in an area, kept by admins.
    static let routingRules = Migration(
        version: 6, name: "routing rules: category and area to agency",
        both: """
            CREATE TABLE routing_rules (
                service_code TEXT NOT NULL REFERENCES services(code), area_code TEXT NOT NULL REFERENCES areas(code),
                agency_id TEXT NOT NULL REFERENCES agencies(id), PRIMARY KEY (service_code, area_code));
            """)

    /// Statistics summed over months in index order, without sorting (a year reads in a few ms).
    static let statisticsByKey = Migration(
        version: 7, name: "report statistics read by key",
        both: """
            CREATE INDEX report_stats_by_key ON report_stats(dimension, key, measure, bucket, period, n);
            """)

    /// Submissions through the public form per address and hour (a shared rate limit).
    static let intakeLimits = Migration(
        version: 8, name: "public intake limits",
        both: """
            CREATE TABLE intake_limits (
                client TEXT NOT NULL, window_start TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (client, window_start));
            """)

    /// Notifications waiting to be delivered, written in the same transaction as the step that
    /// causes them; addresses are looked up when sending, never copied here.
    static let outbox = Migration(
        version: 9, name: "notification outbox",
        sqlite: """
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY, report_id TEXT NOT NULL REFERENCES reports(id), audience TEXT NOT NULL,
                agency_id TEXT, status TEXT NOT NULL, created_at TEXT NOT NULL, next_attempt_at TEXT,
                attempts INTEGER NOT NULL DEFAULT 0, delivered_at TEXT, failed_at TEXT, last_error TEXT);
            CREATE INDEX outbox_due ON outbox(next_attempt_at);
            """,
        postgres: """
            CREATE TABLE outbox (
                id BIGSERIAL PRIMARY KEY, report_id TEXT NOT NULL REFERENCES reports(id), audience TEXT NOT NULL,
                agency_id TEXT, status TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, next_attempt_at TIMESTAMPTZ,
                attempts INTEGER NOT NULL DEFAULT 0, delivered_at TIMESTAMPTZ, failed_at TIMESTAMPTZ, last_error TEXT);
            CREATE INDEX outbox_due ON outbox(next_attempt_at);
            """)

    /// Which report a duplicate went into, as a column: publishing a report tells the reporters
    /// of its duplicates too.
    static let mergedInto = Migration(
        version: 10, name: "merged reports by target",
        both: """
            ALTER TABLE reports ADD COLUMN merged_into TEXT;
            CREATE INDEX reports_merged_into ON reports(merged_into);
            """)

    /// Photos and videos of reports; the bytes are files (see `AttachmentFiles`), named by id.
    static let attachments = Migration(
        version: 11, name: "report attachments",
        sqlite: """
            CREATE TABLE attachments (
                id TEXT PRIMARY KEY, report_id TEXT NOT NULL REFERENCES reports(id), stage TEXT NOT NULL,
                media_type TEXT NOT NULL, byte_count INTEGER NOT NULL, sha256 TEXT NOT NULL, width INTEGER, height INTEGER,
                file_name TEXT, has_thumbnail INTEGER NOT NULL, created_at TEXT NOT NULL);
            CREATE INDEX attachments_report ON attachments(report_id);
            """,
        postgres: """
            CREATE TABLE attachments (
                id TEXT PRIMARY KEY, report_id TEXT NOT NULL REFERENCES reports(id), stage TEXT NOT NULL,
                media_type TEXT NOT NULL, byte_count BIGINT NOT NULL, sha256 TEXT NOT NULL, width INTEGER, height INTEGER,
                file_name TEXT, has_thumbnail BOOLEAN NOT NULL, created_at TIMESTAMPTZ NOT NULL);
            CREATE INDEX attachments_report ON attachments(report_id);
            """)

    /// Chat messages already taken as reports, so a platform's repeated delivery is not a second report.
    static let intakeMessages = Migration(
        version: 12, name: "messaging deliveries",
        sqlite: """
            CREATE TABLE intake_messages (
                platform TEXT NOT NULL, message_id TEXT NOT NULL, report_id TEXT, received_at TEXT NOT NULL,
                PRIMARY KEY (platform, message_id));
            CREATE INDEX intake_messages_received ON intake_messages(received_at);
            """,
        postgres: """
            CREATE TABLE intake_messages (
                platform TEXT NOT NULL, message_id TEXT NOT NULL, report_id TEXT, received_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (platform, message_id));
            CREATE INDEX intake_messages_received ON intake_messages(received_at);
            """)

    /// Wards' outlines (GeoJSON rings as JSON) with their bounding boxes, to find a point's ward.
    static let areaBoundaries = Migration(
        version: 13, name: "area boundaries",
        sqlite: """
            CREATE TABLE area_boundaries (
                area_code TEXT PRIMARY KEY REFERENCES areas(code), south REAL NOT NULL, west REAL NOT NULL,
                north REAL NOT NULL, east REAL NOT NULL, points INTEGER NOT NULL, geometry TEXT NOT NULL, updated_at TEXT NOT NULL);
            CREATE INDEX area_boundaries_box ON area_boundaries(south, north);
            """,
        postgres: """
            CREATE TABLE area_boundaries (
                area_code TEXT PRIMARY KEY REFERENCES areas(code), south DOUBLE PRECISION NOT NULL, west DOUBLE PRECISION NOT NULL,
                north DOUBLE PRECISION NOT NULL, east DOUBLE PRECISION NOT NULL, points INTEGER NOT NULL, geometry TEXT NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL);
            CREATE INDEX area_boundaries_box ON area_boundaries(south, north);
            """)

    /// The newest audit entry of a kind in one index probe: how each server's `ReferenceCache`
    /// learns that categories, areas, the calendar or keys changed.
    static let auditByKind = Migration(
        version: 14, name: "audit entries by kind",
        both: """
            CREATE INDEX audit_kind_id ON audit_log(entity_type, id);
            """)

    /// Why the desk took a photo out of public view; null while it is shown.
    static let withdrawnAttachments = Migration(
        version: 15, name: "withdrawn attachments",
        both: """
            ALTER TABLE attachments ADD COLUMN withdrawn TEXT;
            """)

    /// NGSI-LD entities per tenant (and the @context documents held here): the expanded entity as JSON, its types and attribute names in
    /// tables of their own (queries by type and by attribute go through indexes, not through
    /// every entity), and the bounding box of its `location` for geo-queries.
    static let contextEntities = Migration(
        version: 16, name: "context entities",
        sqlite: """
            CREATE TABLE context_tenants (name TEXT PRIMARY KEY, created_at TEXT NOT NULL);
            CREATE TABLE context_documents (
                url TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL);
            CREATE TABLE context_entities (
                tenant TEXT NOT NULL, id TEXT NOT NULL, types TEXT NOT NULL, body TEXT NOT NULL,
                created_at TEXT NOT NULL, modified_at TEXT NOT NULL,
                west REAL, south REAL, east REAL, north REAL,
                PRIMARY KEY (tenant, id));
            CREATE TABLE context_entity_types (
                tenant TEXT NOT NULL, type TEXT NOT NULL, entity_id TEXT NOT NULL, PRIMARY KEY (tenant, type, entity_id));
            CREATE TABLE context_entity_attributes (
                tenant TEXT NOT NULL, name TEXT NOT NULL, entity_id TEXT NOT NULL, kinds TEXT NOT NULL,
                PRIMARY KEY (tenant, name, entity_id));
            CREATE INDEX context_entity_types_entity ON context_entity_types(tenant, entity_id);
            CREATE INDEX context_entities_box ON context_entities(tenant, south, north);
            CREATE INDEX context_entity_attributes_entity ON context_entity_attributes(tenant, entity_id);
            """,
        postgres: """
            CREATE TABLE context_tenants (name TEXT PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL);
            CREATE TABLE context_documents (
                url TEXT PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, body TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL);
            CREATE TABLE context_entities (
                tenant TEXT NOT NULL, id TEXT NOT NULL, types TEXT NOT NULL, body TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL, modified_at TIMESTAMPTZ NOT NULL,
                west DOUBLE PRECISION, south DOUBLE PRECISION, east DOUBLE PRECISION, north DOUBLE PRECISION,
                PRIMARY KEY (tenant, id));
            CREATE TABLE context_entity_types (
                tenant TEXT NOT NULL, type TEXT NOT NULL, entity_id TEXT NOT NULL, PRIMARY KEY (tenant, type, entity_id));
            CREATE TABLE context_entity_attributes (
                tenant TEXT NOT NULL, name TEXT NOT NULL, entity_id TEXT NOT NULL, kinds TEXT NOT NULL,
                PRIMARY KEY (tenant, name, entity_id));
            CREATE INDEX context_entity_types_entity ON context_entity_types(tenant, entity_id);
            CREATE INDEX context_entities_box ON context_entities(tenant, south, north);
            CREATE INDEX context_entity_attributes_entity ON context_entity_attributes(tenant, entity_id);
            """)

    /// A spatial index of entities' bounding boxes, so a geo-query reads the entities near its
    /// area only (an index on latitudes alone scanned the whole band). SQLite: an R*Tree kept by
    /// triggers, keyed by an explicit integer id (the table is rebuilt for it: an implicit rowid
    /// may change on VACUUM). PostgreSQL: a GiST index on the box.
    static let contextEntityBoxes = Migration(
        version: 17, name: "context entity boxes",
        sqlite: """
            CREATE TABLE context_entities_new (
                rid INTEGER PRIMARY KEY,
                tenant TEXT NOT NULL, id TEXT NOT NULL, types TEXT NOT NULL, body TEXT NOT NULL,
                created_at TEXT NOT NULL, modified_at TEXT NOT NULL,
                west REAL, south REAL, east REAL, north REAL,
                UNIQUE (tenant, id));
            INSERT INTO context_entities_new (tenant, id, types, body, created_at, modified_at, west, south, east, north)
                SELECT tenant, id, types, body, created_at, modified_at, west, south, east, north FROM context_entities ORDER BY tenant, id;
            DROP TABLE context_entities;
            ALTER TABLE context_entities_new RENAME TO context_entities;
            CREATE VIRTUAL TABLE context_entity_boxes USING rtree(rid, west, east, south, north);
            INSERT INTO context_entity_boxes (rid, west, east, south, north)
                SELECT rid, west, east, south, north FROM context_entities WHERE west IS NOT NULL;
            CREATE TRIGGER context_entity_box_insert AFTER INSERT ON context_entities WHEN new.west IS NOT NULL BEGIN
                INSERT INTO context_entity_boxes (rid, west, east, south, north) VALUES (new.rid, new.west, new.east, new.south, new.north);
            END;
            CREATE TRIGGER context_entity_box_update AFTER UPDATE OF west, south, east, north ON context_entities BEGIN
                DELETE FROM context_entity_boxes WHERE rid = old.rid;
                INSERT INTO context_entity_boxes (rid, west, east, south, north)
                    SELECT new.rid, new.west, new.east, new.south, new.north WHERE new.west IS NOT NULL;
            END;
            CREATE TRIGGER context_entity_box_delete AFTER DELETE ON context_entities BEGIN
                DELETE FROM context_entity_boxes WHERE rid = old.rid;
            END;
            """,
        postgres: """
            DROP INDEX context_entities_box;
            CREATE INDEX context_entities_area ON context_entities USING gist (box(point(west, south), point(east, north))) WHERE west IS NOT NULL;
            """)

    /// The newest reports first, ties by id, straight from an index: lists had SQLite sort each
    /// page again by id within equal times, buffering every row (a week of closed reports,
    /// 1.3 KB each, went through the sorter on every request).
    static let reportsNewestFirst = Migration(
        version: 18, name: "reports newest first",
        both: """
            CREATE INDEX reports_service_newest ON reports(service_code, requested_at, id);
            CREATE INDEX reports_requested_newest ON reports(requested_at, id);
            DROP INDEX reports_service;
            DROP INDEX reports_requested;
            """)

    /// The indicator catalogue, its values per area and period with who set them, every value a
    /// correction replaced, and the targets. A period is its text (`2026-11`, `2026-Q4`), which
    /// sorts as time does within an indicator (each has one frequency).
    static let indicators = Migration(
        version: 19, name: "indicators",
        sqlite: """
            CREATE TABLE indicators (
                code TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL, sector TEXT NOT NULL, unit TEXT NOT NULL,
                frequency TEXT NOT NULL, direction TEXT NOT NULL, agency_id TEXT REFERENCES agencies(id), method TEXT NOT NULL,
                source TEXT NOT NULL, decimals INTEGER NOT NULL, active INTEGER NOT NULL, search_key TEXT NOT NULL);
            CREATE INDEX indicators_sector ON indicators(sector);
            CREATE INDEX indicators_agency ON indicators(agency_id);
            CREATE TABLE indicator_values (
                indicator TEXT NOT NULL REFERENCES indicators(code), area_code TEXT NOT NULL REFERENCES areas(code),
                period TEXT NOT NULL, value REAL NOT NULL, set_by TEXT NOT NULL, set_at TEXT NOT NULL, note TEXT,
                PRIMARY KEY (indicator, area_code, period));
            CREATE INDEX indicator_values_area ON indicator_values(area_code, period);
            CREATE TABLE indicator_value_history (
                id INTEGER PRIMARY KEY, indicator TEXT NOT NULL, area_code TEXT NOT NULL, period TEXT NOT NULL,
                value REAL NOT NULL, set_by TEXT NOT NULL, set_at TEXT NOT NULL, note TEXT,
                replaced_by TEXT NOT NULL, replaced_at TEXT NOT NULL);
            CREATE INDEX indicator_value_history_key ON indicator_value_history(indicator, area_code, period);
            CREATE TABLE indicator_targets (
                indicator TEXT NOT NULL REFERENCES indicators(code), area_code TEXT NOT NULL REFERENCES areas(code),
                period TEXT NOT NULL, target REAL NOT NULL, set_by TEXT NOT NULL, set_at TEXT NOT NULL,
                PRIMARY KEY (indicator, area_code, period));
            """,
        postgres: """
            CREATE TABLE indicators (
                code TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL, sector TEXT NOT NULL, unit TEXT NOT NULL,
                frequency TEXT NOT NULL, direction TEXT NOT NULL, agency_id TEXT REFERENCES agencies(id), method TEXT NOT NULL,
                source TEXT NOT NULL, decimals INTEGER NOT NULL, active BOOLEAN NOT NULL, search_key TEXT NOT NULL);
            CREATE INDEX indicators_sector ON indicators(sector);
            CREATE INDEX indicators_agency ON indicators(agency_id);
            CREATE TABLE indicator_values (
                indicator TEXT NOT NULL REFERENCES indicators(code), area_code TEXT NOT NULL REFERENCES areas(code),
                period TEXT NOT NULL, value DOUBLE PRECISION NOT NULL, set_by TEXT NOT NULL, set_at TIMESTAMPTZ NOT NULL, note TEXT,
                PRIMARY KEY (indicator, area_code, period));
            CREATE INDEX indicator_values_area ON indicator_values(area_code, period);
            CREATE TABLE indicator_value_history (
                id BIGSERIAL PRIMARY KEY, indicator TEXT NOT NULL, area_code TEXT NOT NULL, period TEXT NOT NULL,
                value DOUBLE PRECISION NOT NULL, set_by TEXT NOT NULL, set_at TIMESTAMPTZ NOT NULL, note TEXT,
                replaced_by TEXT NOT NULL, replaced_at TIMESTAMPTZ NOT NULL);
            CREATE INDEX indicator_value_history_key ON indicator_value_history(indicator, area_code, period);
            CREATE TABLE indicator_targets (
                indicator TEXT NOT NULL REFERENCES indicators(code), area_code TEXT NOT NULL REFERENCES areas(code),
                period TEXT NOT NULL, target DOUBLE PRECISION NOT NULL, set_by TEXT NOT NULL, set_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (indicator, area_code, period));
            """)

    /// The operations room's walls: their screens (pages in turn) and the hash of the token in
    /// their URLs.
    static let walls = Migration(
        version: 20, name: "walls",
        sqlite: """
            CREATE TABLE walls (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, screens TEXT NOT NULL,
                created_at TEXT NOT NULL, created_by TEXT NOT NULL, revoked_at TEXT);
            """,
        postgres: """
            CREATE TABLE walls (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, screens TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL, created_by TEXT NOT NULL, revoked_at TIMESTAMPTZ);
            """)

    /// Every value an NGSI-LD attribute instance has had, at its observedAt (or the write's time
    /// when it has none): one store for the temporal API and for what is computed from readings
    /// (VN_AQI). `value_number` and `unit_code` hold a numeric Property's value and unit (read
    /// without parsing the instance); `instance` the whole normalized instance. The key puts
    /// observedAt before datasetId, so that a time range of an attribute is one index range. `recorded_at` is when it was written, for "what is new since".
    static let attributeHistory = Migration(
        version: 21, name: "attribute history",
        sqlite: """
            CREATE TABLE context_attribute_history (
                tenant TEXT NOT NULL, entity_id TEXT NOT NULL, attribute TEXT NOT NULL, dataset_id TEXT NOT NULL,
                observed_at TEXT NOT NULL, value_number REAL, unit_code TEXT, instance TEXT NOT NULL, recorded_at TEXT NOT NULL,
                PRIMARY KEY (tenant, entity_id, attribute, observed_at, dataset_id)) WITHOUT ROWID;
            CREATE INDEX context_attribute_history_recorded ON context_attribute_history(tenant, recorded_at);
            """,
        postgres: """
            CREATE TABLE context_attribute_history (
                tenant TEXT NOT NULL, entity_id TEXT NOT NULL, attribute TEXT NOT NULL, dataset_id TEXT NOT NULL,
                observed_at TIMESTAMPTZ NOT NULL, value_number DOUBLE PRECISION, unit_code TEXT, instance TEXT NOT NULL, recorded_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (tenant, entity_id, attribute, observed_at, dataset_id));
            CREATE INDEX context_attribute_history_recorded ON context_attribute_history(tenant, recorded_at);
            """)

    /// An indicator derived from others: `sum:CODE` or `ratio:A/B*K` (`IndicatorFormula`).
    static let indicatorFormulas = Migration(
        version: 22, name: "indicator formulas",
        both: """
            ALTER TABLE indicators ADD COLUMN formula TEXT;
            """)

    /// The outbox also tells agencies of their indicator figures due: such an entry has no report,
    /// the deadline instead, and one per agency and deadline. SQLite cannot drop a NOT NULL, so its
    /// table is made again with its rows.
    static let outboxForIndicators = Migration(
        version: 23, name: "outbox for indicator reminders",
        sqlite: """
            CREATE TABLE outbox_next (
                id INTEGER PRIMARY KEY, report_id TEXT REFERENCES reports(id), audience TEXT NOT NULL,
                agency_id TEXT, status TEXT NOT NULL, created_at TEXT NOT NULL, next_attempt_at TEXT,
                attempts INTEGER NOT NULL DEFAULT 0, delivered_at TEXT, failed_at TEXT, last_error TEXT, deadline TEXT);
            INSERT INTO outbox_next (id, report_id, audience, agency_id, status, created_at, next_attempt_at, attempts, delivered_at, failed_at, last_error)
                SELECT id, report_id, audience, agency_id, status, created_at, next_attempt_at, attempts, delivered_at, failed_at, last_error FROM outbox;
            DROP TABLE outbox;
            ALTER TABLE outbox_next RENAME TO outbox;
            CREATE INDEX outbox_due ON outbox(next_attempt_at);
            CREATE UNIQUE INDEX outbox_indicator_reminders ON outbox(agency_id, deadline) WHERE audience = 'indicators';
            """,
        postgres: """
            ALTER TABLE outbox ALTER COLUMN report_id DROP NOT NULL;
            ALTER TABLE outbox ADD COLUMN deadline TEXT;
            CREATE UNIQUE INDEX outbox_indicator_reminders ON outbox(agency_id, deadline) WHERE audience = 'indicators';
            """)

    /// Open reports of a category newest first (Open311's `status=open`): by the category's
    /// newest reports that list walked every closed report of the last 90 days to find the open
    /// ones (12,000 rows for a thousand at a million reports). By status first, it reads only
    /// the open reports, which a city's backlog bounds; without a category too.
    static let openReportsByStatus = Migration(
        version: 24, name: "open reports by status",
        both: """
            CREATE INDEX reports_status_newest ON reports(status, service_code, requested_at, id);
            """)
}
