"""Take the README's screenshots from a served demo database, with headless Chromium.

Usage (with `make run` serving on :8069 in another shell):
    $ODOO_VENV/bin/python scripts/screenshots.py --url http://localhost:8069 --db collections_demo \
        --out docs [--suffix _en]

Logs in through /web/session/authenticate (JSON-RPC), hands the session cookie to Chromium over the
DevTools protocol, opens each page and saves a 1440x900 PNG. Needs `chromium` and `websocket-client`
(both installed with Odoo's test dependencies).
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar

import websocket

PAGES = [
    # (file, login, path, wait for this CSS selector)
    ("worklist", "carla", "/odoo/action-collections_management.collection_case_action_my", ".o_kanban_record"),
    ("cases", "marta", "/odoo/action-collections_management.collection_case_action", ".o_data_row"),
    ("case", "marta", "/odoo/action-collections_management.collection_case_action", ".o_data_row"),
    ("plans", "marta", "/odoo/action-collections_management.collection_payment_plan_action", ".o_data_row"),
    ("strategy", "marta", "/odoo/action-collections_management.collection_strategy_action", ".o_data_row"),
    ("analysis", "marta", "/odoo/action-collections_reports.collection_case_report_action", ".o_graph_renderer"),
    ("whatsapp_account", "admin", "/odoo/action-collections_whatsapp.collection_whatsapp_account_action",
     ".o_data_row"),
    ("whatsapp_inbox", "carla", "/odoo/action-collections_whatsapp.collection_whatsapp_message_action",
     ".o_data_row"),
    ("log_contact", "carla", "/odoo/action-collections_management.collection_case_action_my",
     ".o_kanban_record button[name='action_log_contact']"),
    ("contact_kpis", "marta", "/odoo/action-collections_management.collection_contact_report_action",
     ".o_pivot"),
    ("dashboard", "marta", "/odoo/dashboards", ".o_search_panel_category_value"),
    ("plan_form", "marta", "/odoo/action-collections_management.collection_payment_plan_action", ".o_data_row"),
    ("portal_statement", "cliente", "/my/collections", ".o_collections_statement"),
]
# pages shown after a click: (what to click, what to wait for)
OPEN_FIRST = {
    "case": (".o_data_row .o_data_cell", ".o_form_view .o-mail-Chatter"),
    "whatsapp_account": (".o_data_row .o_data_cell", ".o_form_view"),
    "plan_form": (".o_data_row .o_data_cell", ".o_form_view .o_field_widget[name='schedule_summary']"),
    "log_contact": (".o_kanban_record button[name='action_log_contact']",
                    ".modal .o_field_widget[name='script_html'] .o_collection_script"),
    # the Collections dashboard, named in the demo's language
    "dashboard": (".o_search_panel_category_value[data-name='Cobranzas'], "
                  ".o_search_panel_category_value[data-name='Collections']",
                  ".o_spreadsheet_dashboard_action .o-figure"),
}


def session_cookie(url, db, login):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = json.dumps({"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": login}}).encode()
    request = urllib.request.Request(f"{url}/web/session/authenticate", body, {"Content-Type": "application/json"})
    with opener.open(request, timeout=30) as response:
        result = json.load(response)
    if result.get("error"):
        raise SystemExit(f"login {login} failed: {result['error']['data']['message']}")
    return next(cookie.value for cookie in jar if cookie.name == "session_id")


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp()
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        self.process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=9333",
             f"--user-data-dir={self.profile}", "--window-size=1440,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _attempt in range(50):
            try:
                with urllib.request.urlopen("http://127.0.0.1:9333/json", timeout=2) as response:
                    targets = [t for t in json.load(response) if t["type"] == "page"]
                if targets:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        self.ws = websocket.create_connection(targets[0]["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})

    def wait_for(self, selector, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.call("Runtime.evaluate", expression=f"!!document.querySelector({json.dumps(selector)})")
            if found.get("result", {}).get("value"):
                return True
            time.sleep(0.3)
        return False

    def close(self):
        self.ws.close()
        self.process.terminate()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="collections_demo")
    parser.add_argument("--out", default="docs")
    parser.add_argument("--suffix", default="")
    parser.add_argument("--only", help="comma-separated page names (default: all)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    browser = Browser()
    try:
        browser.call("Page.enable")
        browser.call("Emulation.setDeviceMetricsOverride", width=1440, height=900, deviceScaleFactor=1, mobile=False)
        only = set(args.only.split(",")) if args.only else None
        for name, login, path, selector in PAGES:
            if only and name not in only:
                continue
            host = args.url.split("//", 1)[1].split(":")[0].split("/")[0]
            browser.call("Network.clearBrowserCookies")
            browser.call("Network.setCookie", name="session_id", value=session_cookie(args.url, args.db, login),
                         domain=host, path="/")
            browser.call("Page.navigate", url=args.url + path)
            if not browser.wait_for(selector):
                print(f"{name}: {selector} never appeared")
            if name in OPEN_FIRST:
                click, wait = OPEN_FIRST[name]
                browser.call("Runtime.evaluate", expression=f"document.querySelector({json.dumps(click)}).click()")
                browser.wait_for(wait)
            time.sleep(4 if name == "dashboard" else 1.5)  # the dashboard's charts load their data
            shot = browser.call("Page.captureScreenshot", format="png")
            target = os.path.join(args.out, f"{name}{args.suffix}.png")
            with open(target, "wb") as handle:
                handle.write(base64.b64decode(shot["data"]))
            print(target)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
