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
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$WORK"' EXIT
pid=0

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

row() { # row ENGINE LABEL WRK-ARGS...
  local engine=$1 label=$2
  shift 2
  wrk_row "$engine" "$label" -- "$@"
}

bench_engine() {
  local engine=$1 args=(--data "$WORK/$1")
  [ -n "${2:-}" ] && args=(--database "$2")
  CITYIOC_LOG_LEVEL=warning "$BIN" serve --demo --port $PORT "${args[@]}" >"$WORK/out.log" 2>"$WORK/err.log" &
  pid=$!
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1 && break; sleep 0.2; done
  local key
  key=$(awk '$1 == "integrator" {print $4}' "$WORK/out.log")
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
  kill $pid; wait $pid 2>/dev/null || true
  pid=0
}

echo "| engine | what | requests/s | p50 | p99 | non-2xx |"
echo "| --- | --- | --- | --- | --- | --- |"
bench_engine sqlite
if [ -n "${CITYIOC_TEST_DATABASE_URL:-}" ]; then
  DB="bench_post_$$"
  psql "$CITYIOC_TEST_DATABASE_URL" -qc "CREATE DATABASE $DB" >/dev/null
  bench_engine postgres "$(echo "$CITYIOC_TEST_DATABASE_URL" | sed -E "s#/[^/?]+(\?|$)#/$DB\1#")"
  psql "$CITYIOC_TEST_DATABASE_URL" -qc "DROP DATABASE $DB" >/dev/null
fi
