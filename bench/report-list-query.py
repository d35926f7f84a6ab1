#!/usr/bin/env python3
"""The SQL alone of the Open311 list of a week of closed reports (`service_code=ngap-ung`, 14 to
7 days ago, newest first, at most 1,000), read 30 times through python's sqlite3 from a database
seeded by bench/reports-1m.sh (REPORTS_DATA): with and without the workflow column, with SQLite's
default page cache, a 64 MB one and a memory map, and with the tie by id ascending (a sort of
every row after the index) or descending (the order migration 18's index holds).

    python3 bench/report-list-query.py /tmp/r1m/cityioc.sqlite
"""
import datetime
import sqlite3
import sys
import time

PATH = sys.argv[1] if len(sys.argv) > 1 else "/tmp/r1m/cityioc.sqlite"
COLUMNS = ("id, service_code, description, latitude, longitude, address, address_id, ward_code, channel, attributes, media_url, "
           "requested_at, updated_at, workflow")
now = datetime.datetime.now(datetime.timezone.utc)
ARGS = ("ngap-ung", (now - datetime.timedelta(days=14)).strftime("%Y-%m-%dT00:00:00.000Z"),
        (now - datetime.timedelta(days=7)).strftime("%Y-%m-%dT00:00:00.000Z"))


def timed(db, columns, order):
    query = (f"SELECT {columns} FROM reports WHERE service_code = ? AND requested_at >= ? AND requested_at <= ? "
             f"ORDER BY {order} LIMIT 1000")
    plan = "; ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + query, ARGS))
    db.execute(query, ARGS).fetchall()
    started = time.time()
    for _ in range(30):
        rows = db.execute(query, ARGS).fetchall()
    return len(rows), (time.time() - started) / 30 * 1000, plan


print("| setting | columns | order | rows | ms | plan |")
print("| --- | --- | --- | --- | --- | --- |")
for setting in (None, "PRAGMA cache_size = -65536", "PRAGMA mmap_size = 2147418112"):
    db = sqlite3.connect(f"file:{PATH}?mode=ro", uri=True)
    if setting:
        db.execute(setting)
    for columns, label in ((COLUMNS, "all"), (COLUMNS.replace(", workflow", ""), "no workflow")):
        for order in ("requested_at DESC, id", "requested_at DESC, id DESC"):
            rows, ms, plan = timed(db, columns, order)
            print(f"| {setting or 'default'} | {label} | {order} | {rows} | {ms:.2f} | {plan} |")
