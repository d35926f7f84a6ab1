#!/usr/bin/env bash
# Start-up faults and crash safety, tried on the real binary as an operator would meet them.
# Each case must end with a one-line message and a non-zero exit, never a stack trace; a change
# acknowledged before SIGKILL must be there after a restart. Usage: scripts/fault-tests.sh [BIN]
set -uo pipefail

BIN="${1:-.build/debug/cityioc}"
WORK=$(mktemp -d /tmp/cityioc-faults.XXXXXX)
PORT="${CITYIOC_FAULT_PORT:-18480}"
passed=0
failed=0
export CITYIOC_BCRYPT_COST=4
trap 'pkill -f "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT

ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && echo "     $2"; }

# expect_failure NAME PATTERN COMMAND...: non-zero exit, one line on stderr matching PATTERN
expect_failure() {
  local name=$1 pattern=$2; shift 2
  local out code
  out=$("$@" 2>&1 >/dev/null); code=$?
  if [ $code -ne 0 ] && echo "$out" | grep -qiE "$pattern" && [ "$(echo "$out" | grep -c 'Fatal error\|Stack dump')" = 0 ]; then
    ok "$name"
  else
    bad "$name" "exit $code: $(echo "$out" | head -3)"
  fi
}

wait_ready() {
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$1/ready" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

expect_failure "unknown flag" "unknown option" "$BIN" serve --no-such-flag
expect_failure "malformed database URL" "malformed|must be" "$BIN" migrate --database "postgres://"
expect_failure "unknown database scheme" "must be postgres" "$BIN" migrate --database "mysql://x@y/z"
expect_failure "unreachable PostgreSQL" "answers|did not answer|refused" \
  "$BIN" migrate --database "postgres://nobody@127.0.0.1:1/none?sslmode=disable"
mkdir -p "$WORK/readonly" && chmod 500 "$WORK/readonly"
if [ "$(id -u)" = 0 ]; then
  # root writes anywhere: use a path under a file instead
  touch "$WORK/a-file"
  expect_failure "unwritable data folder" "data folder" "$BIN" migrate --data "$WORK/a-file/data"
else
  expect_failure "unwritable data folder" "data folder" "$BIN" migrate --data "$WORK/readonly/data"
fi
mkdir -p "$WORK/corrupt" && head -c 8192 /dev/urandom > "$WORK/corrupt/cityioc.sqlite"
expect_failure "corrupt SQLite file" "not a readable SQLite|corrupt" "$BIN" migrate --data "$WORK/corrupt"
touch "$WORK/not-a-folder"
expect_failure "unwritable attachments folder" "attachments folder" "$BIN" serve --data "$WORK/d0" --attachments "$WORK/not-a-folder/files"
expect_failure "bad photo limit" "max-photo-mb" "$BIN" serve --data "$WORK/d0" --max-photo-mb 0
expect_failure "bad port" "port" "$BIN" serve --port 99999 --data "$WORK/d0"
expect_failure "bad environment value" "CITYIOC_DEMO" env CITYIOC_DEMO=maybe "$BIN" serve --data "$WORK/d0"

# a port in use
python3 -c "import socket,time; s=socket.socket(); s.bind(('127.0.0.1', $PORT)); s.listen(); time.sleep(30)" &
holder=$!
sleep 0.5
expect_failure "port in use" "already in use" "$BIN" serve --port "$PORT" --data "$WORK/d1"
kill $holder 2>/dev/null; wait $holder 2>/dev/null

# SIGKILL loses nothing acknowledged: create through the API, kill -9 at once, restart, read back
DATA="$WORK/killed"
"$BIN" migrate --data "$DATA" >/dev/null 2>&1
KEY=$("$BIN" apikey create --role admin --name "fault test" --data "$DATA" 2>/dev/null)
"$BIN" serve --port "$PORT" --data "$DATA" >"$WORK/serve.log" 2>&1 &
pid=$!
if wait_ready "$PORT"; then
  codes=""
  for i in $(seq 1 20); do
    codes+=$(curl -s -o /dev/null -w "%{http_code} " -X PUT "http://127.0.0.1:$PORT/api/v1/areas/K$i" \
      -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
      -d "{\"name\":\"Khu thử $i\",\"level\":\"province\"}")
  done
  kill -9 $pid; wait $pid 2>/dev/null
  "$BIN" serve --port "$PORT" --data "$DATA" >>"$WORK/serve.log" 2>&1 &
  pid=$!
  wait_ready "$PORT"
  found=$(curl -s "http://127.0.0.1:$PORT/api/v1/areas?level=province" | grep -o '"code":"K[0-9]*"' | wc -l)
  audited=$(curl -s -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/api/v1/audit?action=area.create&limit=500" | grep -o '"action":"area.create"' | wc -l)
  kill $pid; wait $pid 2>/dev/null
  if [ "$(echo "$codes" | grep -o 201 | wc -l)" = 20 ] && [ "$found" = 20 ] && [ "$audited" = 20 ]; then
    ok "SIGKILL loses no acknowledged change (20 of 20 kept, 20 audited)"
  else
    bad "SIGKILL loses no acknowledged change" "codes: $codes; found $found; audited $audited"
  fi
else
  bad "server did not start for the SIGKILL test" "$(tail -5 "$WORK/serve.log")"
  kill $pid 2>/dev/null
fi

# graceful shutdown on SIGTERM: exits 0 and says so
"$BIN" serve --port "$PORT" --data "$DATA" >"$WORK/term.log" 2>&1 &
pid=$!
if wait_ready "$PORT"; then
  kill -TERM $pid; wait $pid; code=$?
  if [ $code = 0 ]; then ok "SIGTERM shuts down cleanly"; else bad "SIGTERM shuts down cleanly" "exit $code"; fi
else
  bad "server did not start for the SIGTERM test"; kill $pid 2>/dev/null
fi

echo "$passed passed, $failed failed"
[ $failed = 0 ]
