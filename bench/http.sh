#!/usr/bin/env bash
# HTTP throughput and latency of CityIOC's foundation, on loopback with wrk, against a baseline
# measured in the same run: `/health` (the full middleware stack, no database). Compares it with
# a database read through the API, and with signed-in pages (session lookup + queries + HTML).
#
#   swift build -c release --product cityioc
#   bench/http.sh [BIN] [seconds]            # SQLite; PostgreSQL too when CITYIOC_TEST_DATABASE_URL is set
#
# Prints a Markdown table for docs/benchmarks.md. Needs wrk (Debian) and curl.
set -euo pipefail
BIN="${1:-.build/release/cityioc}"
SECONDS_PER_RUN="${2:-10}"
PORT=18490
WORK=$(mktemp -d /tmp/cityioc-bench.XXXXXX)
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
trap 'stop_server; rm -rf "$WORK"' EXIT
pid=0

# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

run() { # run ENGINE LABEL PATH [HEADER]
  if [ -n "${4:-}" ]; then
    wrk_row "$1" "$2" "\`$3\`" -- -H "$4" "http://127.0.0.1:$PORT$3"
  else
    wrk_row "$1" "$2" "\`$3\`" -- "http://127.0.0.1:$PORT$3"
  fi
}

bench_engine() { # bench_engine ENGINE [DATABASE_URL]
  local engine=$1
  start_demo "$WORK/$engine" "${2:-}"
  local password csrf
  password=$(awk '$2 == "admin" {print $3}' "$WORK/$engine.out")
  curl -s -c "$WORK/jar" -b "$WORK/jar" "http://127.0.0.1:$PORT/login" >"$WORK/login.html"
  csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$WORK/login.html" | head -1 | sed 's/.*value="//;s/"//')
  curl -s -c "$WORK/jar" -b "$WORK/jar" -o /dev/null --data-urlencode "_csrf=$csrf" \
    --data-urlencode "username=admin" --data-urlencode "password=$password" "http://127.0.0.1:$PORT/login"
  local cookie="Cookie: cityioc_session=$(awk '$6 == "cityioc_session" {print $7}' "$WORK/jar")"
  local key="Authorization: Bearer $(awk '$1 == "integrator" {print $4}' "$WORK/$engine.out")"
  run "$engine" "baseline: health, no database" /health
  run "$engine" "API: areas matching a name" "/api/v1/areas?q=hong%20gai"
  run "$engine" "API with key: all 55 areas" /api/v1/areas "$key"
  run "$engine" "page: overview (signed in)" / "$cookie"
  run "$engine" "page: 76 agencies (signed in)" /admin/agencies "$cookie"
  stop_server
}

echo "| engine | what | path | requests/s | p50 | p99 | non-2xx |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
on_both_engines bench_engine
