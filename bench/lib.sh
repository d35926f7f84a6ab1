# Shared by the bench scripts: one wrk run printed as a Markdown table row.
# wrk_row CELLS... -- WRK-ARGS...: prints "| CELLS | requests/s | p50 | p99 | non-2xx |".
# $CONNECTIONS (default 16) connections from one wrk thread, for $SECONDS_PER_RUN seconds.
wrk_row() {
  local cells=()
  while [ "$1" != "--" ]; do cells+=("$1"); shift; done
  shift
  local out rps p50 p99 errors
  out=$(wrk -t1 -c"${CONNECTIONS:-16}" -d"${SECONDS_PER_RUN}s" --latency "$@")
  rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%d", $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  printf '|'
  printf ' %s |' "${cells[@]}" "$rps" "$p50" "$p99" "${errors:-0}"
  printf '\n'
}

# start_demo DIR [DATABASE_URL]: a demo server on $PORT (SQLite in DIR, or the given PostgreSQL),
# waits until it is ready; its stdout (the demo accounts) is in DIR.out. Sets $pid.
start_demo() {
  local dir=$1 args=(--data "$1")
  [ -n "${2:-}" ] && args=(--database "$2")
  CITYIOC_LOG_LEVEL=warning "$BIN" serve --demo --port "$PORT" "${args[@]}" >"$dir.out" 2>"$dir.err" &
  pid=$!
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1 && break; sleep 0.2; done
}

# start_demo_in DATA OUT [DATABASE_URL]: as start_demo, with the SQLite data in DATA and the
# demo accounts in OUT.out.
start_demo_in() {
  local args=(--data "$1")
  [ -n "${3:-}" ] && args=(--database "$3")
  CITYIOC_LOG_LEVEL=warning "$BIN" serve --demo --port "$PORT" "${args[@]}" >"$2.out" 2>"$2.err" &
  pid=$!
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1 && break; sleep 0.2; done
}

# Stops the server started by start_demo, if one runs. Never `kill 0`: that would signal the whole
# process group, this script and its caller included.
stop_server() {
  [ "${pid:-0}" != 0 ] || return 0
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  pid=0
}

# on_both_engines FUNCTION: FUNCTION sqlite, then FUNCTION postgres URL on a scratch database when
# CITYIOC_TEST_DATABASE_URL is set. BENCH_ENGINES=sqlite or =postgres runs one of them.
on_both_engines() {
  [ "${BENCH_ENGINES:-sqlite postgres}" = postgres ] || "$1" sqlite
  if [ -n "${CITYIOC_TEST_DATABASE_URL:-}" ] && [ "${BENCH_ENGINES:-sqlite postgres}" != sqlite ]; then
    local db="bench_$$"
    psql "$CITYIOC_TEST_DATABASE_URL" -qc "CREATE DATABASE $db" >/dev/null
    "$1" postgres "$(echo "$CITYIOC_TEST_DATABASE_URL" | sed -E "s#/[^/?]+(\?|$)#/$db\1#")"
    psql "$CITYIOC_TEST_DATABASE_URL" -qc "DROP DATABASE $db" >/dev/null
  fi
}

# signin USER: prints the Cookie header value of a new session of the demo account USER, whose
# password is in $WORK/$engine.out (what start_demo_in wrote). Needs $PORT, $WORK and $engine.
signin() {
  local password jar="$WORK/jar-$1" csrf
  password=$(awk -v u="$1" '$2 == u {print $3}' "$WORK/$engine.out")
  csrf=$(curl -s -c "$jar" "http://127.0.0.1:$PORT/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=$1" --data-urlencode "password=$password" \
    --data-urlencode "_csrf=$csrf" "http://127.0.0.1:$PORT/login"
  awk '$6 == "cityioc_session" {print "cityioc_session=" $7}' "$jar"
}

# week_url BASE: the Open311 list of one week of flooding reports (from 14 to 7 days ago), the
# heaviest filtered list of the reports benches.
week_url() {
  echo "$1/open311/v2/requests.json?service_code=ngap-ung&start_date=$(date -u -d '14 days ago' +%Y-%m-%dT00:00:00Z)&end_date=$(date -u -d '7 days ago' +%Y-%m-%dT00:00:00Z)"
}
