#!/usr/bin/env bash
# A/B of the statistics page at one million reports: the SQLite page cache (CITYIOC_SQLITE_CACHE_MB)
# 16 MB against 2 MB, two rounds each, on a database seeded by bench/reports-1m.sh with
# REPORTS_DATA=DIR (default /tmp/r1m), 4 clients and 1, against /health of the same start.
#
#   REPORTS_DATA=/tmp/r1m bench/stats-cache-ab.sh .build/release/cityioc
set -uo pipefail
BIN=${1:-.build/release/cityioc}
DATA=${REPORTS_DATA:-/tmp/r1m}
PORT=18600
WORK=$(mktemp -d /tmp/ab.XXXX)
SECONDS_PER_RUN=10
. "$(dirname "$0")/lib.sh"
engine=sqlite
for round in 1 2; do
for mb in 16 2; do
  CITYIOC_SQLITE_CACHE_MB=$mb CITYIOC_LOG_LEVEL=warning "$BIN" serve --demo --port $PORT --data "$DATA" >"$WORK/sqlite.out" 2>"$WORK/sqlite.err" &
  pid=$!
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  sleep 5
  leader=$(signin lanhdao)
  curl -s -o /dev/null -H "Cookie: $leader" "http://127.0.0.1:$PORT/stats?period=year"
  CONNECTIONS=4 wrk_row "round $round" "cache ${mb} MB" "/health" -- "http://127.0.0.1:$PORT/health"
  CONNECTIONS=4 wrk_row "round $round" "cache ${mb} MB" "/stats?period=year" -- -H "Cookie: $leader" "http://127.0.0.1:$PORT/stats?period=year"
  CONNECTIONS=1 wrk_row "round $round" "cache ${mb} MB" "/stats?period=year, 1 client" -- -H "Cookie: $leader" "http://127.0.0.1:$PORT/stats?period=year"
  kill $pid; wait $pid 2>/dev/null
done
done
rm -rf "$WORK"
