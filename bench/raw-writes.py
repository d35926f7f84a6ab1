#!/usr/bin/env python3
"""The raw database's ceiling for NGSI-LD attribute updates: the rows one PATCH …/attrs writes
(the entity's row rewritten, one attribute-history row, one audit entry), written straight
through the system's SQLite on a copy of a benchmark's database, in transactions of GROUP
updates as the server's group commit makes them, with the server's `synchronous = FULL` and WAL.
No HTTP, no JSON work, no Swift: what the disk and SQLite allow on this machine in this run.

    python3 bench/raw-writes.py DATABASE [UPDATES] [GROUP] [VARIANT…]

VARIANTs, to see where the time goes: `entity-only` (the entity's row alone, no history row or
audit entry), `synchronous=normal` or `synchronous=off` (instead of FULL), `checkpoint=N`
(SQLite's `wal_autocheckpoint`, 1,000 pages by default).

Prints one Markdown row: | sqlite | raw SQLite: … | updates/s | p50 | p99 | 0 |, where p50 and
p99 are per transaction of GROUP updates.
"""
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time

source = sys.argv[1]
updates = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
group = int(sys.argv[3]) if len(sys.argv) > 3 else 16
variants = sys.argv[4:]
entity_only = "entity-only" in variants
synchronous = next((v.split("=", 1)[1].upper() for v in variants if v.startswith("synchronous=")), "FULL")
checkpoint = next((int(v.split("=", 1)[1]) for v in variants if v.startswith("checkpoint=")), 1000)
if synchronous not in ("FULL", "NORMAL", "OFF") or any(not (v == "entity-only" or v.startswith(("synchronous=", "checkpoint="))) for v in variants):
    sys.exit(f"unknown variant in {variants}")

work = tempfile.mkdtemp(prefix="cityioc-raw-writes.")
path = os.path.join(work, "copy.sqlite")
# The server is stopped: its WAL was checkpointed into the file when it closed.
shutil.copy(source, path)
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute(f"PRAGMA synchronous = {synchronous}")
db.execute("PRAGMA cache_size = -16384")
db.execute(f"PRAGMA wal_autocheckpoint = {checkpoint}")
ids = [row[0] for row in db.execute("SELECT id FROM context_entities WHERE tenant = '' AND id LIKE 'urn:ngsi-ld:AirQualityObserved:B%'")]
if not ids:
    sys.exit(f"{source} holds no benchmark stations")
body = db.execute("SELECT body FROM context_entities WHERE tenant = '' AND id = ?", (ids[0],)).fetchone()[0]
attribute = "https://uri.etsi.org/ngsi-ld/default-context/pm25"
instance = '{"createdAt":"2026-12-01T07:00:00.000Z","modifiedAt":"%s","type":"Property","unitCode":"GQ","value":%d}'
change = '{"attributes":{"%s":[%s]}}'
random.seed(7)
os.sync()

durations = []
started = time.perf_counter()
for first in range(0, updates, group):
    begun = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    for n in range(first, min(first + group, updates)):
        entity = random.choice(ids)
        now = "2026-12-02T%02d:%02d:%02d.%03dZ" % (n // 3_600_000 % 24, n // 60_000 % 60, n // 1000 % 60, n % 1000)
        value = random.randrange(100)
        db.execute(
            "UPDATE context_entities SET body = ?, modified_at = ?, created_at = ? WHERE tenant = '' AND id = ?", (body, now, now, entity))
        if entity_only:
            continue
        db.execute(
            "INSERT INTO context_attribute_history (tenant, entity_id, attribute, dataset_id, observed_at, value_number, unit_code, instance, recorded_at) "
            "VALUES ('', ?, ?, '', ?, ?, 'GQ', ?, ?) ON CONFLICT (tenant, entity_id, attribute, observed_at, dataset_id) DO UPDATE SET "
            "value_number = excluded.value_number, unit_code = excluded.unit_code, instance = excluded.instance, recorded_at = excluded.recorded_at",
            (entity, attribute, now, float(value), instance % (now, value), now))
        db.execute(
            "INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, entity_type, entity_id, before, after, request_id) "
            "VALUES (?, 'api_key', 'bench', 'bench', 'entity.update', 'context-entity', ?, ?, ?, 'bench')",
            (now, entity, change % (attribute, instance % (now, value - 1)), change % (attribute, instance % (now, value))))
    db.execute("COMMIT")
    durations.append(time.perf_counter() - begun)
elapsed = time.perf_counter() - started
db.close()
shutil.rmtree(work)

durations.sort()
def ms(q):
    return "%.2fms" % (durations[min(len(durations) - 1, int(q * len(durations)))] * 1000)
what = f"the rows of {updates} updates, {group} to a transaction" + (f" ({', '.join(variants)})" if variants else "")
print(f"| sqlite | raw SQLite: {what} | {int(updates / elapsed)} | {ms(0.5)} | {ms(0.99)} | 0 |")
