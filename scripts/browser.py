#!/usr/bin/env python3
"""Look at CityIOC in a real headless Chromium, as a person would.

    scripts/browser.py BASE_URL USERNAME PASSWORD OUT_DIR WIDTHxHEIGHT PATH [PATH ...]

Signs in through the login form, then loads each path, saves a screenshot per path in OUT_DIR,
and fails (exit 1) if a page logs a console error, or any request leaves BASE_URL's host.
Needs Debian's chromium and PyPI's websocket-client.
"""
import json, os, subprocess, sys, tempfile, time, urllib.request
from urllib.parse import urlparse

import websocket  # PyPI websocket-client


class Chromium:
    def __init__(self, width, height):
        self.profile = tempfile.mkdtemp(prefix="cityioc-chromium-")
        port = 9300 + os.getpid() % 500
        self.proc = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--remote-debugging-port={port}", f"--user-data-dir={self.profile}",
             f"--window-size={width},{height}", f"--accept-lang={os.environ.get('CITYIOC_BROWSER_LANG', 'vi,en')}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
                page = next(t for t in targets if t["type"] == "page")
                break
            except Exception:
                time.sleep(0.1)
        else:
            raise SystemExit("chromium did not start")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
        self.next_id = 0
        self.events = []
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=width < 700)

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def load(self, url):
        self.events.clear()
        self.call("Page.navigate", url=url)
        deadline = time.time() + 20
        while time.time() < deadline:
            message = json.loads(self.ws.recv())
            self.events.append(message)
            if message.get("method") == "Page.loadEventFired":
                break
        time.sleep(0.3)

    def evaluate(self, expression):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)["result"].get("value")

    def close(self):
        self.proc.terminate()
        self.proc.wait()


def main():
    base, username, password, out, size, *paths = sys.argv[1:]
    width, height = (int(x) for x in size.split("x"))
    os.makedirs(out, exist_ok=True)
    host = urlparse(base).netloc
    browser = Chromium(width, height)
    problems = []
    try:
        if username:  # an empty username: a visitor without an account
            browser.load(base + "/login")
            browser.evaluate(
                f"document.querySelector('input[name=username]').value={json.dumps(username)};"
                f"document.querySelector('input[name=password]').value={json.dumps(password)};"
                "document.querySelector('form.stack').submit()")
            time.sleep(1.5)
        for path in paths:
            browser.load(base + path)
            for event in browser.events:
                method = event.get("method")
                params = event.get("params", {})
                if method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                    problems.append(f"{path}: console error {params.get('args')}")
                if method == "Log.entryAdded" and params["entry"]["level"] == "error":
                    problems.append(f"{path}: {params['entry']['text']}")
                if method == "Network.requestWillBeSent":
                    target = urlparse(params["request"]["url"])
                    if target.scheme in ("http", "https") and target.netloc != host:
                        problems.append(f"{path}: request left the server: {params['request']['url']}")
            overflow = browser.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
            if overflow:
                problems.append(f"{path}: wider than the screen at {width}px")
            shot = browser.call("Page.captureScreenshot", format="png")["data"]
            name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
            import base64
            with open(os.path.join(out, f"{name}-{width}.png"), "wb") as f:
                f.write(base64.b64decode(shot))
            print(f"ok {path} ({browser.evaluate('document.title')})")
    finally:
        browser.close()
    for problem in problems:
        print("PROBLEM", problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
