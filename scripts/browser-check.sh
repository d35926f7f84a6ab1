#!/usr/bin/env bash
# The pages in a real headless Chromium: starts a demo server, signs in as the admin and as an
# agency's staff, loads every page on a wall screen, a laptop and a phone, and fails on a console
# error (a CSP violation counts), a request that leaves the server, or a page wider than the
# screen. Installs chromium (Debian) and websocket-client (PyPI) when missing.
# Usage: scripts/browser-check.sh [BIN] [SCREENSHOT_DIR]
set -euo pipefail
BIN="${1:-.build/debug/cityioc}"
SHOTS="${2:-$(mktemp -d /tmp/cityioc-shots.XXXXXX)}"
PORT="${CITYIOC_BROWSER_PORT:-18481}"
WORK=$(mktemp -d /tmp/cityioc-browser.XXXXXX)

if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
python3 -c "import websocket" 2>/dev/null || python3 -m pip install -q websocket-client >/dev/null 2>&1

CITYIOC_BCRYPT_COST=4 "$BIN" serve --demo --port "$PORT" --data "$WORK/data" >"$WORK/out.log" 2>"$WORK/err.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$PORT/ready" >/dev/null 2>&1 && break; sleep 0.2; done
password() { awk -v u="$1" '$2 == u { print $3 }' "$WORK/out.log"; }
BASE="http://127.0.0.1:$PORT"

# A report of the demo's history, for its page.
REPORT=$(curl -s "$BASE/open311/v2/requests.json?page_size=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["service_request_id"])')
ADMIN_PAGES=(/ /admin/areas "/admin/areas?q=hong%20gai" /admin/areas/06685 /admin/agencies /admin/agencies/so-xay-dung
  /admin/agencies/new /admin/users /admin/users/new /admin/keys /admin/audit /admin/calendar?year=2025 /admin/services /admin/services/o-ga /desk "/desk?closed=1" /account /agency
  /stats "/stats?period=12m&grain=week" /admin/routing /admin/areas/boundaries /desk/new "/desk/new?service_code=o-ga" "/reports/$REPORT"
  /entities "/entities?type=AirQualityObserved" /entities/urn:ngsi-ld:AirQualityObserved:QN-06685
  /indicators "/indicators?area=06685" /indicators/sector/tourism /indicators/luot-khach-du-lich "/indicators/ho-so-dung-han?area=06685" /indicators/entry /indicators/report "/indicators/report?month=2025-12&area=06685" /indicators/vn-aqi-ngay /admin/indicators /admin/indicators/vn-aqi-ngay /admin/indicators/doanh-nghiep-moi)
status=0
for size in 1920x1080 1366x800 390x844; do
  python3 scripts/browser.py "$BASE" admin "$(password admin)" "$SHOTS" "$size" "${ADMIN_PAGES[@]}" || status=1
done
python3 scripts/browser.py "$BASE" canbo.honggai "$(password canbo.honggai)" "$SHOTS" 390x844 / /agency /admin/agencies /desk /stats /report || status=1
# A citizen without an account: the form, and the answered reports with their map.
python3 scripts/browser.py "$BASE" "" "" "$SHOTS" 390x844 /report "/report?service_code=o-ga" /published "/published?days=365" || status=1
# A wall screen: made on /admin/walls, opened without signing in, a value sent through the API
# reaching it live.
WALL_KEY=$("$BIN" apikey create --role admin --name "browser check" --data "$WORK/data" 2>/dev/null)
python3 scripts/wall-check.py "$BASE" "$(password admin)" "$WALL_KEY" "$SHOTS/wall-1920.png" || status=1
echo "screenshots in $SHOTS"
exit $status
