#!/usr/bin/env python3
"""A wall screen in a real headless Chromium: an admin makes a wall on /admin/walls, a screen
opens its URL without signing in, and a value sent through the API must reach the screen.

    scripts/wall-check.py BASE_URL ADMIN_PASSWORD API_KEY OUT_PNG

Fails (exit 1) on a console error, a request leaving the server, a scrollbar, or a value that
takes more than two seconds to show; prints how long it took.
"""
import json, sys, time, urllib.request
from urllib.parse import urlparse

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from browser import Chromium  # noqa: E402

base, password, key, out = sys.argv[1:5]
browser = Chromium(1920, 1080)
problems = []
try:
    browser.load(base + "/login")
    browser.evaluate(
        "document.querySelector('input[name=username]').value='admin';"
        f"document.querySelector('input[name=password]').value={json.dumps(password)};"
        "document.querySelector('form.stack').submit()")
    time.sleep(1.5)
    browser.load(base + "/admin/walls")
    browser.evaluate(
        "document.querySelector('input[name=name]').value='Phòng điều hành';"
        "document.querySelector('textarea[name=screens]').value='/indicators\\n/indicators/sector/environment';"
        "document.querySelector('form[action=\"/admin/walls\"]').submit()")
    time.sleep(1.5)
    link = browser.evaluate("(document.querySelector('#wall-links ol code') || {}).textContent")
    if not link:
        raise SystemExit("no wall link on /admin/walls")
    # A screen has no session: a fresh profile would be best; signing out does the same here.
    browser.evaluate("document.querySelector('form[action=\"/logout\"]').submit()")
    time.sleep(1)
    browser.load(base + link)
    host = urlparse(base).netloc
    for event in browser.events:
        params = event.get("params", {})
        if event.get("method") == "Runtime.consoleAPICalled" and params.get("type") == "error":
            problems.append(f"console error {params.get('args')}")
        if event.get("method") == "Network.requestWillBeSent":
            target = urlparse(params["request"]["url"])
            if target.scheme in ("http", "https") and target.netloc != host:
                problems.append(f"request left the server: {params['request']['url']}")
    if browser.evaluate("document.documentElement.scrollHeight > window.innerHeight + 1 && getComputedStyle(document.body).overflow !== 'hidden'"):
        problems.append("the screen scrolls")
    if not browser.evaluate("document.body.classList.contains('wall') && !document.querySelector('form[action=\"/logout\"]')"):
        problems.append("not a wall screen (or signed in)")
    time.sleep(1)  # the screen's event stream connects
    # A value the screen cannot show yet (different on every run), as it writes it: 63,4.
    value = round(50 + time.time() % 40, 1)
    if browser.evaluate(f"document.querySelector('[data-live]').innerText.includes('{str(value).replace('.', ',')}')"):
        value = round(value + 0.1, 1)
    shown_text = str(value).replace(".", ",")
    body = json.dumps({"values": [{"indicator": "thu-gom-rac", "area": "22", "period": "2026-11", "value": value}]}).encode()
    request = urllib.request.Request(base + "/api/v1/indicator-values", data=body, method="POST",
                                     headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    sent = time.time()
    urllib.request.urlopen(request).read()
    shown = None
    while time.time() - sent < 5:
        if browser.evaluate(f"document.querySelector('[data-live]').innerText.includes('{shown_text}')"):
            shown = time.time() - sent
            break
        time.sleep(0.02)
    if shown is None:
        problems.append("the new value never reached the screen")
    elif shown > 2:
        problems.append(f"the new value took {shown:.2f} s to reach the screen")
    else:
        print(f"ok a value sent through the API reached the wall screen in {shown:.2f} s")
    import base64
    with open(out, "wb") as f:
        f.write(base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"]))
finally:
    browser.close()
for problem in problems:
    print("PROBLEM wall:", problem)
sys.exit(1 if problems else 0)
