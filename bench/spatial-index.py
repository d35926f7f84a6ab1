#!/usr/bin/env python3
"""What the R*Tree behind NGSI-LD geo-queries costs and gives, on the system's SQLite (the one
GRDB uses): 100,000 located rows inserted in batches of 1,000 with an R*Tree kept by a trigger
(as migration 17 does) and with the latitude index it replaced, in spatial order and shuffled;
then the count of rows in a 4 km box, read 200 times.

    python3 bench/spatial-index.py
"""
import os
import random
import sqlite3
import tempfile
import time

ROWS = [("", f"urn:ngsi-ld:A:{n}", "x" * 400, 106.5 + (n % 1000) / 1000, 20.7 + (n // 1000 % 100) / 200) for n in range(100_000)]


def run(variant, shuffled):
    folder = tempfile.mkdtemp()
    db = sqlite3.connect(os.path.join(folder, "bench.sqlite"))
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE e (rid INTEGER PRIMARY KEY, tenant TEXT, id TEXT, body TEXT, west REAL, south REAL, east REAL, north REAL, UNIQUE (tenant, id))")
    if variant == "rtree":
        db.execute("CREATE VIRTUAL TABLE b USING rtree(rid, west, east, south, north)")
        db.execute("CREATE TRIGGER t AFTER INSERT ON e WHEN new.west IS NOT NULL BEGIN "
                   "INSERT INTO b VALUES (new.rid, new.west, new.east, new.south, new.north); END")
        query = "SELECT count(*) FROM e WHERE rid IN (SELECT rid FROM b WHERE west <= ? AND east >= ? AND south <= ? AND north >= ?)"
        args = (107.02, 106.98, 20.92, 20.88)
    else:
        db.execute("CREATE INDEX eb ON e (tenant, south, north)")
        query = "SELECT count(*) FROM e WHERE tenant = ? AND south <= ? AND north >= ? AND west <= ? AND east >= ?"
        args = ("", 20.92, 20.88, 107.02, 106.98)
    rows = [(t, i, b, x, y, x, y) for (t, i, b, x, y) in ROWS]
    if shuffled:
        random.Random(1).shuffle(rows)
    started = time.time()
    for first in range(0, len(rows), 1000):
        with db:
            db.executemany("INSERT INTO e (tenant, id, body, west, south, east, north) VALUES (?, ?, ?, ?, ?, ?, ?)", rows[first:first + 1000])
    inserted = len(rows) / (time.time() - started)
    started = time.time()
    for _ in range(200):
        found = db.execute(query, args).fetchone()[0]
    read = (time.time() - started) / 200 * 1e6
    order = "shuffled" if shuffled else "in spatial order"
    print(f"| {variant} | {order} | {int(inserted)} rows/s | {found} rows in the box in {int(read)} µs |")


print(f"SQLite {sqlite3.sqlite_version}")
print("| index | inserts | insert rate | box query |")
print("| --- | --- | --- | --- |")
for variant in ("rtree", "latitude"):
    for shuffled in (False, True):
        run(variant, shuffled)
