#!/usr/bin/env bash
# The NGSI-LD broker under load: COUNT entities (default 100,000 AirQualityObserved stations,
# stored by batch upserts of 1,000, timed), then with wrk: entity retrieves, attribute updates
# (PATCH …/attrs of random stations), `type`+`q` queries (limit 20), a day of one station's
# readings through the temporal API (24 hourly pm25 instances, posted first for 100 stations
# through POST /temporal/entities/{id}/attrs), against the `/health` baseline of the same run; then, on SQLite, the rows of those updates written straight through
# SQLite (bench/raw-writes.py), the database's own ceiling on this disk.
# SQLite; PostgreSQL too when CITYIOC_TEST_DATABASE_URL is set.
#
#   swift build -c release --product cityioc
#   bench/ngsi-ld.sh [BIN] [COUNT] [seconds]
set -euo pipefail
BIN="${1:-.build/release/cityioc}"
COUNT="${2:-100000}"
SECONDS_PER_RUN="${3:-10}"
PORT=18494
WORK=$(mktemp -d /tmp/cityioc-bench-ngsi.XXXXXX)
trap 'stop_server; rm -rf "$WORK"' EXIT
pid=0

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

# batch FIRST: a JSON array of 1,000 stations from number FIRST on.
batch() {
  python3 - "$1" <<'PY'
import json, sys
first = int(sys.argv[1])
print(json.dumps([{
    "id": f"urn:ngsi-ld:AirQualityObserved:B{n}", "type": "AirQualityObserved",
    "pm25": {"type": "Property", "value": (n * 37) % 90, "unitCode": "GQ", "observedAt": "2026-12-01T07:00:00Z"},
    "pm10": {"type": "Property", "value": (n * 53) % 150, "unitCode": "GQ"},
    "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [106.5 + (n % 1000) / 1000, 20.7 + (n // 1000 % 100) / 200]}},
} for n in range(first, first + 1000)]))
PY
}

bench_engine() {
  engine=$1
  start_demo "$WORK/$engine" "${2:-}"
  local key url="http://127.0.0.1:$PORT"
  key=$(awk '$1 == "integrator" {print $4}' "$WORK/$engine.out")
  for first in $(seq 0 1000 $((COUNT - 1))); do batch "$first" >"$WORK/batch-$first.json"; done
  local started ended
  started=$(date +%s.%N)
  ls "$WORK"/batch-*.json | xargs -P 4 -I{} curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' --data-binary @{} "$url/ngsi-ld/v1/entityOperations/upsert" >"$WORK/codes"
  ended=$(date +%s.%N)
  local failed
  failed=$(grep -vcE '^(201|204)$' "$WORK/codes" || true)
  echo "| $engine | batch upsert of $COUNT entities, 1,000 a request, 4 at a time | $(python3 -c "print(int($COUNT / ($ended - $started)))") entities/s | | | $failed |"
  cat >"$WORK/update.lua" <<LUA
math.randomseed(os.time())
request = function()
  local n = math.random(0, $COUNT - 1)
  local body = '{"pm25": {"type": "Property", "value": ' .. math.random(0, 99) .. ', "unitCode": "GQ"}}'
  return wrk.format("PATCH", "/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:B" .. n .. "/attrs",
    {["Authorization"] = "Bearer $key", ["Content-Type"] = "application/json"}, body)
end
LUA
  cat >"$WORK/retrieve.lua" <<LUA
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/ngsi-ld/v1/entities/urn:ngsi-ld:AirQualityObserved:B" .. math.random(0, $COUNT - 1), {["Authorization"] = "Bearer $key"})
end
LUA
  # A day of hourly readings for the first 100 stations, for the temporal reads.
  python3 - "$WORK/day" <<'PY'
import json, os, sys
os.makedirs(sys.argv[1], exist_ok=True)
for n in range(100):
    day = [{"type": "Property", "value": (n + h * 7) % 90, "unitCode": "GQ", "observedAt": f"2026-11-30T{h:02d}:00:00Z"} for h in range(24)]
    with open(f"{sys.argv[1]}/B{n}.json", "w") as f: json.dump({"pm25": day}, f)
PY
  local file code refused=0
  for file in "$WORK"/day/*.json; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
      --data-binary @"$file" "$url/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:AirQualityObserved:$(basename "$file" .json)/attrs")
    [ "$code" = 204 ] || refused=$((refused + 1))
  done
  [ "$refused" -eq 0 ] || echo "temporal appends refused: $refused" >&2
  cat >"$WORK/temporal.lua" <<LUA
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/ngsi-ld/v1/temporal/entities/urn:ngsi-ld:AirQualityObserved:B" .. math.random(0, 99)
    .. "?attrs=pm25&timerel=between&timeAt=2026-11-30T00:00:00Z&endTimeAt=2026-12-01T00:00:00Z", {["Authorization"] = "Bearer $key"})
end
LUA
  wrk_row "$engine" "baseline: /health" -- "$url/health"
  wrk_row "$engine" "retrieve an entity (random of $COUNT)" -- -s "$WORK/retrieve.lua" "$url"
  wrk_row "$engine" "update an attribute (PATCH …/attrs, random entity)" -- -s "$WORK/update.lua" "$url"
  wrk_row "$engine" "query type=AirQualityObserved&q=pm25>30&limit=20" -- -H "Authorization: Bearer $key" \
    "$url/ngsi-ld/v1/entities?type=AirQualityObserved&q=pm25%3E30&limit=20"
  wrk_row "$engine" "temporal: a station's day of pm25 (24 instances, random of 100)" -- -s "$WORK/temporal.lua" "$url"
  wrk_row "$engine" "query near;maxDistance==2000 (limit 20)" -- -H "Authorization: Bearer $key" \
    "$url/ngsi-ld/v1/entities?type=AirQualityObserved&georel=near;maxDistance==2000&geometry=Point&coordinates=%5B107.0,20.9%5D&limit=20"
  stop_server
  # The disk's and SQLite's own ceiling for the update row: the same rows, no server.
  if [ "$engine" = sqlite ]; then python3 "$(dirname "$0")/raw-writes.py" "$WORK/sqlite/cityioc.sqlite" 20000 16; fi
}

echo "| engine | what | requests/s | p50 | p99 | non-2xx |"
echo "| --- | --- | --- | --- | --- | --- |"
on_both_engines bench_engine
