#!/usr/bin/env bash
# A/B of two builds of cityioc on the same database of one million reports (seeded by
# bench/reports-1m.sh with REPORTS_DATA=DIR, default /tmp/r1m): the one-week Open311 list and the
# spec's thousand open requests, with 4 clients and 1, against /health of the same start,
# alternating A and B for ROUNDS rounds (default 2) so a noisy moment of a shared machine falls on
# both. Build A from the commit before the change and copy the binary aside, then B:
#
#   REPORTS_DATA=/tmp/r1m bench/binaries-ab.sh /tmp/cityioc-old /tmp/cityioc-new [ROUNDS]
set -uo pipefail
A=$1
B=$2
ROUNDS=${3:-2}
DATA=${REPORTS_DATA:-/tmp/r1m}
PORT=18601
WORK=$(mktemp -d /tmp/ab.XXXX)
pid=0
trap 'stop_server; rm -rf "$WORK"' EXIT
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
url="http://127.0.0.1:$PORT"
week=$(week_url "$url")
open="$url/open311/v2/requests.json?service_code=o-ga&status=open"
# Flooding's open reports are spread over its 90 days among closed ones (o-ga's are mostly the
# newest, posted by bench/reports-1m.sh's last row).
spread="$url/open311/v2/requests.json?service_code=ngap-ung&status=open"
echo "| round | build | what | requests/s | p50 | p99 | non-2xx |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for round in $(seq 1 "$ROUNDS"); do
  for build in A B; do
    BIN=$A
    [ "$build" = B ] && BIN=$B
    start_demo_in "$DATA" "$WORK/$build"
    # Warm: the decoded-workflow cache and SQLite's pages, as a server that has run a while.
    for _ in 1 2 3; do curl -s -o /dev/null "$week"; curl -s -o /dev/null "$open"; curl -s -o /dev/null "$spread"; done
    CONNECTIONS=4 wrk_row "$round" "$build" "/health" -- "$url/health"
    CONNECTIONS=4 wrk_row "$round" "$build" "one week, 4 clients" -- "$week"
    CONNECTIONS=1 wrk_row "$round" "$build" "one week, 1 client" -- "$week"
    CONNECTIONS=4 wrk_row "$round" "$build" "1000 open o-ga, 4 clients" -- "$open"
    CONNECTIONS=4 wrk_row "$round" "$build" "1000 open ngap-ung, 4 clients" -- "$spread"
    stop_server
  done
done
