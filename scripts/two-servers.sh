#!/usr/bin/env bash
# Two `cityioc serve` processes on one PostgreSQL behave as one system: they start together
# (migrations once, under the advisory lock), a session made on one works on the other, wrong
# passwords sent to both count towards one lockout, and a change on one is read on the other.
# Usage: CITYIOC_TEST_DATABASE_URL=postgres://… scripts/two-servers.sh [BIN]
set -uo pipefail
BIN="${1:-.build/debug/cityioc}"
URL="${CITYIOC_TEST_DATABASE_URL:?start PostgreSQL with scripts/postgres.sh and export its URL}"
A=18482
B=18483
WORK=$(mktemp -d /tmp/cityioc-two.XXXXXX)
passed=0
failed=0
export CITYIOC_BCRYPT_COST=4
check() { if [ "$2" = "$3" ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1: got '$2', wanted '$3'"; fi; }

# a database of its own, so the test suite's schemas are not in the way
DB="two_servers_$$"
psql "$URL" -qc "CREATE DATABASE $DB" >/dev/null
DBURL=$(echo "$URL" | sed -E "s#/[^/?]+(\?|$)#/$DB\1#")
cleanup() {
  kill $pa $pb 2>/dev/null; wait $pa $pb 2>/dev/null
  psql "$URL" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
  rm -rf "$WORK"
}

"$BIN" serve --port $A --database "$DBURL" >"$WORK/a.log" 2>&1 &
pa=$!
"$BIN" serve --port $B --database "$DBURL" >"$WORK/b.log" 2>&1 &
pb=$!
trap cleanup EXIT
for port in $A $B; do
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break; sleep 0.2; done
done
check "both servers ready" "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$A/ready) $(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$B/ready)" "200 200"
check "each migration applied once" "$(psql "$DBURL" -tAc 'SELECT count(*) = max(version) AND min(version) = 1 FROM schema_migrations')" "t"

echo "một mật khẩu dài cho thử nghiệm" | "$BIN" user add --role admin --name admin --password-stdin --database "$DBURL" >/dev/null
echo "một mật khẩu dài cho thử nghiệm" | "$BIN" user add --role operator --name dieuhanh --password-stdin --database "$DBURL" >/dev/null

login() { # login PORT USER PASSWORD JAR → status of the login post
  curl -s -c "$4" -b "$4" "http://127.0.0.1:$1/login" >"$WORK/page.html"
  local csrf
  csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$WORK/page.html" | head -1 | sed 's/.*value="//;s/"//')
  curl -s -c "$4" -b "$4" -o /dev/null -w '%{http_code}' --data-urlencode "_csrf=$csrf" \
    --data-urlencode "username=$2" --data-urlencode "password=$3" "http://127.0.0.1:$1/login"
}

check "sign in on A" "$(login $A admin 'một mật khẩu dài cho thử nghiệm' "$WORK/jar")" "303"
check "the session works on B" "$(curl -s -b "$WORK/jar" -o /dev/null -w '%{http_code}' http://127.0.0.1:$B/admin/users)" "200"

# wrong passwords alternately on A and B, waiting out the back-off: one count, one lock
for i in 1 2 3 4 5; do
  port=$([ $((i % 2)) = 1 ] && echo $A || echo $B)
  login $port dieuhanh "sai mật khẩu $i" "$WORK/jar2" >/dev/null
  sleep $([ $i -ge 3 ] && echo 2.2 || echo 0)
done
check "five failures across both servers lock the account" \
  "$(psql "$DBURL" -tAc "SELECT failed_logins, locked_until IS NOT NULL FROM users WHERE username = 'dieuhanh'")" "5|t"
check "the lock holds on A" "$(login $A dieuhanh 'một mật khẩu dài cho thử nghiệm' "$WORK/jar3")" "429"

KEY=$("$BIN" apikey create --role admin --name two-servers --database "$DBURL" 2>/dev/null)
curl -s -o /dev/null -X PUT "http://127.0.0.1:$A/api/v1/areas/22" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/json' -d '{"name":"Tỉnh Quảng Ninh","level":"province"}'
check "a change on A is read on B" "$(curl -s http://127.0.0.1:$B/api/v1/areas/22 | grep -o '"name":"[^"]*"')" '"name":"Tỉnh Quảng Ninh"'
check "and audited once" "$(curl -s -H "Authorization: Bearer $KEY" "http://127.0.0.1:$B/api/v1/audit?action=area.create" | grep -o '"count":[0-9]*')" '"count":1'
# B now holds the areas in its reference cache; a rename on A must reach it within a second
# (the cache checks the newest audit id of each kind every quarter second).
curl -s -o /dev/null -X PUT "http://127.0.0.1:$A/api/v1/areas/22" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/json' -d '{"name":"Tỉnh Quảng Ninh (đổi tên)","level":"province"}'
seen=no
for _ in $(seq 1 20); do
  if curl -s "http://127.0.0.1:$B/api/v1/areas/22" | grep -q 'đổi tên'; then seen=yes; break; fi
  sleep 0.05
done
check "a rename on A reaches B's cache within a second" "$seen" "yes"

# A screen connected to B (server-sent events) hears of a value sent to A within a second.
curl -s -o /dev/null -X PUT "http://127.0.0.1:$A/api/v1/indicators/nuoc-sach" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  -d '{"code":"nuoc-sach","name":"Tỷ lệ dân số dùng nước sạch","nameEn":"Clean water","sector":"environment","unit":"%","frequency":"month","direction":"higher","method":"entered","source":"","decimals":1,"active":true}'
(timeout 5 curl -s -N -H "Authorization: Bearer $KEY" "http://127.0.0.1:$B/events?kinds=indicator_value" >"$WORK/events.txt" &)
sleep 1
sent=$(date +%s.%N)
curl -s -o /dev/null -X POST "http://127.0.0.1:$A/api/v1/indicator-values" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  -d '{"values":[{"indicator":"nuoc-sach","area":"22","period":"2026-10","value":96.5}]}'
heard=no
for _ in $(seq 1 40); do
  if grep -q '"id":"nuoc-sach"' "$WORK/events.txt" 2>/dev/null; then heard=yes; break; fi
  sleep 0.025
done
took=$(python3 -c "import time; print(round(time.time() - $sent, 2))")
check "a value sent to A reaches a screen on B within a second ($took s)" "$heard" "yes"

echo "$passed passed, $failed failed"
[ $failed = 0 ]
