"""A real HTTP server on 127.0.0.1 answering like the parts of Meta's Graph API the suite uses.

Send a message (template or text), create and list message templates (paged),
read the sender number; errors in Meta's JSON shape on demand. Tests start it;
nothing mocks ``requests``.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

GOOD_TOKENS = {"EAAG-test", "EAAG-other"}


def meta_error(code, message, http_status, **extra):
    return http_status, {"error": {"message": message, "type": "OAuthException", "code": code,
                                   "error_data": {"messaging_product": "whatsapp", "details": message},
                                   "fbtrace_id": "Afake", **extra}}


class FakeGraphApi(BaseHTTPRequestHandler):
    script = []      # replies to give to the next POSTs, in order: (HTTP status, JSON body); then success
    received = []    # every call: method, path, token, body
    templates = {}   # (waba, name, language) -> {"id", "name", "language", "status", "rejected_reason"}
    page_size = 2
    lock = threading.Lock()

    @classmethod
    def reset(cls):
        cls.script, cls.received, cls.templates = [], [], {}

    def do_GET(self):  # noqa: N802 - http.server's name
        url = urlparse(self.path)
        self._record("GET", None)
        if self.headers.get("Authorization", "").removeprefix("Bearer ") not in GOOD_TOKENS:
            return self._reply(*meta_error(190, "Invalid OAuth access token.", 401))
        parts = url.path.strip("/").split("/")
        if parts[-1] == "message_templates":
            query = parse_qs(url.query)
            after = int(query.get("after", ["0"])[0])
            rows = sorted((t for (waba, _n, _l), t in type(self).templates.items() if waba == parts[-2]),
                          key=lambda t: t["id"])
            page = rows[after:after + type(self).page_size]
            reply = {"data": page, "paging": {}}
            if after + type(self).page_size < len(rows):
                reply["paging"]["next"] = (f"http://{self.headers['Host']}{url.path}?limit={type(self).page_size}"
                                           f"&after={after + type(self).page_size}")
            return self._reply(200, reply)
        return self._reply(200, {"display_phone_number": "+54 9 11 4000-0000", "verified_name": "Cobranzas SA",
                                 "id": parts[-1]})

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self._record("POST", body)
        with type(self).lock:
            scripted = type(self).script.pop(0) if type(self).script else None
        if scripted:
            return self._reply(*scripted)
        if self.headers.get("Authorization", "").removeprefix("Bearer ") not in GOOD_TOKENS:
            return self._reply(*meta_error(190, "Invalid OAuth access token.", 401))
        parts = urlparse(self.path).path.strip("/").split("/")
        if parts[-1] == "message_templates":
            key = (parts[-2], body["name"], body["language"])
            if key in type(self).templates:
                return self._reply(*meta_error(100, "Invalid parameter", 400, error_subcode=2388024,
                                               error_user_msg="Content in this language already exists."))
            template = {"id": str(900000 + len(type(self).templates)), "name": body["name"],
                        "language": body["language"], "status": "PENDING", "category": body["category"],
                        "components": body["components"]}
            type(self).templates[key] = template
            return self._reply(200, {"id": template["id"], "status": "PENDING", "category": body["category"]})
        return self._reply(200, {"messaging_product": "whatsapp", "contacts": [{"wa_id": body["to"]}],
                                 "messages": [{"id": f"wamid.FAKE{len(type(self).received)}"}]})

    def _record(self, method, body):
        with type(self).lock:
            type(self).received.append({"method": method, "path": urlparse(self.path).path,
                                        "auth": self.headers.get("Authorization"), "body": body})

    def _reply(self, status, reply):
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return None

    def log_message(self, *args):
        pass


def start_server(test_class):
    """Start the fake Graph API for a test class; its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGraphApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    test_class.addClassCleanup(server.server_close)
    test_class.addClassCleanup(server.shutdown)
    return f"http://127.0.0.1:{server.server_address[1]}"
