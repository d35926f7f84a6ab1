#!/usr/bin/env bash
# Indicators at scale: the demo city plus INDICATORS×AREAS×MONTHS made-up monthly values
# (default 300×100×60 = 1.8 million, `cityioc demo --indicator-values`) and a year of hourly
# air-quality readings of 50 stations (AIR=50x365, `--air-history`: 2.6 million readings, with
# their daily VN_AQI computed), timed, then with wrk:
# the leader's overview for the province and for a ward, a sector page and an indicator's own
# page, against the `/health` baseline of the same run; and a set of 10,000 values sent through
# `POST /api/v1/indicator-values` (checked, then written in one transaction), timed with curl, as
# JSON and as an .xlsx workbook laid out as Excel writes one (bench/make-xlsx.py).
#
#   swift build -c release --product cityioc
#   bench/indicators.sh [BIN] [300x100x60] [seconds]   # SQLite; PostgreSQL too when CITYIOC_TEST_DATABASE_URL is set
set -euo pipefail
BIN="${1:-.build/release/cityioc}"
SCALE="${2:-300x100x60}"
SECONDS_PER_RUN="${3:-10}"
PORT=18495
CONNECTIONS="${CONNECTIONS:-4}"
WORK=$(mktemp -d /tmp/cityioc-bench-indicators.XXXXXX)
trap 'stop_server; rm -rf "$WORK"' EXIT
pid=0

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"


bench_engine() {
  engine=$1
  local data="$WORK/$engine" args=(--data "$WORK/$engine")
  [ -n "${2:-}" ] && args=(--database "$2")
  local started=$SECONDS
  CITYIOC_LOG_LEVEL=warning "$BIN" demo "${args[@]}" --indicator-values "$SCALE" --air-history "${AIR:-50x365}" >"$WORK/seed.out"
  echo "| $engine | seeding \`cityioc demo --indicator-values $SCALE --air-history ${AIR:-50x365}\` ($(grep -o 'added [0-9]* indicator values' "$WORK/seed.out" | grep -o '[0-9]*') values, $(grep -o 'added [0-9]* air-quality readings' "$WORK/seed.out" | grep -o '[0-9]*') readings) | $((SECONDS - started)) s |  |  |  |"
  local admin
  admin=$("$BIN" apikey create "${args[@]}" --role admin --name "bench admin" | grep -o 'cioc_[A-Za-z0-9_-]*' | head -1)
  start_demo_in "$data" "$WORK/$engine" "${2:-}"
  local leader url="http://127.0.0.1:$PORT"
  leader=$(signin lanhdao)
  wrk_row "$engine" "baseline: /health" -- "$url/health"
  wrk_row "$engine" "overview /indicators (province, every sector)" -- -H "Cookie: $leader" "$url/indicators"
  wrk_row "$engine" "overview /indicators?area=06685 (a ward)" -- -H "Cookie: $leader" "$url/indicators?area=06685"
  wrk_row "$engine" "sector page /indicators/sector/economy" -- -H "Cookie: $leader" "$url/indicators/sector/economy"
  wrk_row "$engine" "indicator page /indicators/bench-0001 (36 months, every ward)" -- -H "Cookie: $leader" "$url/indicators/bench-0001"
  wrk_row "$engine" "indicator page /indicators/vn-aqi-ngay (daily, computed)" -- -H "Cookie: $leader" "$url/indicators/vn-aqi-ngay"
  wrk_row "$engine" "station page (hourly VN_AQI of the last 24 h from the history)" -- -H "Cookie: $leader" "$url/entities/urn:ngsi-ld:AirQualityObserved:QN-06685"
  # 10,000 values for one month: 100 indicators × the first 100 areas.
  curl -s -H "Authorization: Bearer $admin" "$url/api/v1/areas" >"$WORK/areas.json"
  python3 - "$WORK/values.json" "$WORK/areas.json" <<'PY'
import json, sys
areas = [a["code"] for a in json.load(open(sys.argv[2]))["items"]][:100]
rows = [{"indicator": f"bench-{1 + n // len(areas):04d}", "area": areas[n % len(areas)], "period": "2099-01", "value": n % 97 + 0.5}
        for n in range(100 * len(areas))]
json.dump({"values": rows}, open(sys.argv[1], "w"))
PY
  local posted
  posted=$(curl -s -o "$WORK/sent.json" -w '%{time_total}' -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    --data-binary @"$WORK/values.json" "$url/api/v1/indicator-values")
  echo "| $engine | POST /api/v1/indicator-values, $(python3 -c "import json; print(len(json.load(open('$WORK/values.json'))['values']))") rows ($(python3 -c "import json; d=json.load(open('$WORK/sent.json')); print(d.get('created'), 'created,', len(d.get('rejected', d.get('rows', []))), 'refused')")) | ${posted} s |  |  |  |"
  python3 "$(dirname "$0")/make-xlsx.py" "$WORK/values.xlsx" "$WORK/areas.json" 2099-02 10000
  posted=$(curl -s -o "$WORK/sent.json" -w '%{time_total}' -X POST -H "Authorization: Bearer $admin" \
    -H 'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' \
    --data-binary @"$WORK/values.xlsx" "$url/api/v1/indicator-values")
  echo "| $engine | POST /api/v1/indicator-values, an .xlsx of 10,000 rows, $(($(stat -c %s "$WORK/values.xlsx") / 1024)) KB ($(python3 -c "import json; d=json.load(open('$WORK/sent.json')); print(d.get('created'), 'created,', len(d.get('rejected', d.get('rows', []))), 'refused')")) | ${posted} s |  |  |  |"
  stop_server
}

echo "| engine | what | requests/s | p50 | p99 | non-2xx |"
echo "| --- | --- | --- | --- | --- | --- |"
on_both_engines bench_engine
