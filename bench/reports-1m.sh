#!/usr/bin/env bash
# Citizen reports at scale: a database holding COUNT past reports (default 1,000,000, received
# over 24 months, made by `cityioc demo --reports`, each through the real workflow), then with wrk:
# the operator queue, an agency's inbox, Open311 `GET requests.json` with filters, the statistics
# page and API for a year, and new reports posted through Open311, against the `/health`
# baseline of the same run.
#
# Pages and lists are measured with $CONNECTIONS concurrent clients (default 4: two per core of
# the 2-core machine the figures in docs/benchmarks.md come from), so p99 is a latency, not a
# queue. REPORTS_DATA=DIR keeps (or reuses) the seeded SQLite database in DIR between runs.
#
#   swift build -c release --product cityioc
#   bench/reports-1m.sh [BIN] [COUNT] [seconds]   # SQLite; PostgreSQL too when CITYIOC_TEST_DATABASE_URL is set
set -euo pipefail
BIN="${1:-.build/release/cityioc}"
COUNT="${2:-1000000}"
SECONDS_PER_RUN="${3:-10}"
PORT=18493
CONNECTIONS="${CONNECTIONS:-4}"
WORK=$(mktemp -d /tmp/cityioc-bench-reports.XXXXXX)
trap 'stop_server; rm -rf "$WORK"' EXIT
pid=0

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"


bench_engine() {
  engine=$1
  local data="$WORK/$engine"
  [ "$engine" = sqlite ] && [ -n "${REPORTS_DATA:-}" ] && data="$REPORTS_DATA"
  local args=(--data "$data")
  [ -n "${2:-}" ] && args=(--database "$2")
  if [ "$engine" = sqlite ] && [ -f "$data/cityioc.sqlite" ]; then
    echo "| $engine | reusing the reports in $data |  |  |  |  |"
  else
    local started=$SECONDS
    CITYIOC_LOG_LEVEL=warning "$BIN" demo "${args[@]}" --reports "$COUNT" --months 24 >/dev/null
    echo "| $engine | seeding $COUNT reports (\`cityioc demo --reports $COUNT --months 24\`) | $((SECONDS - started)) s |  |  |  |"
  fi
  start_demo_in "$data" "$WORK/$engine" "${2:-}"
  local operator leader key url="http://127.0.0.1:$PORT"
  operator=$(signin dieuhanh)
  leader=$(signin lanhdao)
  agency=$(signin canbo.xaydung)
  key=$(awk '$1 == "integrator" {print $4}' "$WORK/$engine.out")
  cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "api_key=$key&service_code=o-ga&lat=20.949&long=107.047&attribute%5Bsize%5D=large&description=%E1%BB%94%20g%C3%A0%20l%E1%BB%9Bn&email=a%40example.vn"
LUA
  wrk_row "$engine" "baseline: /health" -- "$url/health"
  wrk_row "$engine" "operator queue /desk (open reports, by due time)" -- -H "Cookie: $operator" "$url/desk"
  wrk_row "$engine" "agency inbox /desk as Sở Xây dựng" -- -H "Cookie: $agency" "$url/desk"
  wrk_row "$engine" "GET requests.json?service_code=o-ga&status=open&page_size=100" -- \
    "$url/open311/v2/requests.json?service_code=o-ga&status=open&page_size=100"
  wrk_row "$engine" "GET requests.json?service_code=o-ga&status=open (the spec's 1000 at most)" -- \
    "$url/open311/v2/requests.json?service_code=o-ga&status=open"
  wrk_row "$engine" "GET requests.json?service_code=ngap-ung&start_date=…&end_date=… (one week)" -- \
    "$(week_url "$url")"
  wrk_row "$engine" "statistics page /stats?period=year" -- -H "Cookie: $leader" "$url/stats?period=year"
  wrk_row "$engine" "statistics API, last 12 months" -- -H "Cookie: $leader" "$url/api/v1/reports/statistics?period=12m"
  CONNECTIONS=16 wrk_row "$engine" "POST requests.json (new report), 16 clients" -- -s "$WORK/post.lua" "$url/open311/v2/requests.json"
  stop_server
}

echo "| engine | what | requests/s | p50 | p99 | non-2xx |"
echo "| --- | --- | --- | --- | --- | --- |"
on_both_engines bench_engine
