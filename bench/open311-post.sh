#!/usr/bin/env bash
# Citizen reports posted through Open311 (`POST /open311/v2/requests.json`, form-encoded, with
# an app's api_key), against the `/health` baseline of the same run. Each POST validates the
# service and its attributes, finds the ward, and stores the report with its audit entry.
#
#   swift build -c release --product cityioc
#   bench/open311-post.sh [BIN] [seconds]     # SQLite; PostgreSQL too when CITYIOC_TEST_DATABASE_URL is set
set -euo pipefail
BIN="${1:-.build/release/cityioc}"
SECONDS_PER_RUN="${2:-10}"
PORT=18492
WORK=$(mktemp -d /tmp/cityioc-bench-post.XXXXXX)
trap 'stop_server; rm -rf "$WORK"' EXIT
pid=0

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

row() { # row ENGINE LABEL WRK-ARGS...
  local engine=$1 label=$2
  shift 2
  wrk_row "$engine" "$label" -- "$@"
}

bench_engine() {
  local engine=$1
  start_demo "$WORK/$engine" "${2:-}"
  local key
  key=$(awk '$1 == "integrator" {print $4}' "$WORK/$engine.out")
  cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "api_key=$key&service_code=o-ga&lat=20.949&long=107.047&attribute%5Bsize%5D=large&description=%E1%BB%94%20g%C3%A0%20l%E1%BB%9Bn&email=a%40example.vn"
LUA
  row "$engine" "baseline: /health" "http://127.0.0.1:$PORT/health"
  row "$engine" "POST requests.json (new report)" -s "$WORK/post.lua" "http://127.0.0.1:$PORT/open311/v2/requests.json"
  local stored
  stored=$(curl -s "http://127.0.0.1:$PORT/open311/v2/requests.json?service_code=o-ga" | grep -o '"service_request_id"' | wc -l)
  echo "|  | reports listed afterwards (max 1000) | $stored |  |  |  |"
  stop_server
}

echo "| engine | what | requests/s | p50 | p99 | non-2xx |"
echo "| --- | --- | --- | --- | --- | --- |"
on_both_engines bench_engine
