"""Send N queued WhatsApp reminders through the real send queue against a local Graph API server.

Usage: PYTHONPATH=$ODOO_PATH python bench/whatsapp_bench.py --db DB --addons-path=... \
           [--count 10000] [--workers 2] [--rate 0]

The database must have collections_whatsapp installed. The script starts an HTTP
server on 127.0.0.1 that answers like Meta's send-message endpoint (a few
milliseconds per call, like a near API), creates a benchmark account pointing at
it and queues ``--count`` template messages, one per distinct number. Then
``--workers`` threads each run the send cron's code as the scheduler does (their
own cursor, cron progress, a commit around every call) until the queue is empty.

Prints the throughput, the calls the server received, and the numbers that got
more than one message: the duplicates, which must be 0.
"""

import argparse
import json
import threading
import time
import tracemalloc
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.orm.environments import Transaction
from odoo.tools import config


class Graph(BaseHTTPRequestHandler):
    calls = Counter()      # number -> messages the server accepted for it
    lock = threading.Lock()
    delay = 0.002

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        time.sleep(self.delay)
        with self.lock:
            type(self).calls[body["to"]] += 1
        data = json.dumps({"messaging_product": "whatsapp", "contacts": [{"wa_id": body["to"]}],
                           "messages": [{"id": f"wamid.BENCH{body['to']}.{time.monotonic_ns()}"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def prepare(registry, base_url, count, rate):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env["res.company"].search([], limit=1, order="id")
        Account = env["collection.whatsapp.account"]
        account = Account.search([("name", "=", "Bench WhatsApp")]) or Account.create({
            "name": "Bench WhatsApp", "phone_number_id": "bench-1", "business_account_id": "bench-waba",
            "company_id": company.id, "access_token": "bench"})
        account.write({"base_url": base_url, "messages_per_second": rate or 1_000_000, "active": True})
        # the other accounts of the database stay out of the run
        others = Account.search([("id", "!=", account.id)])
        others_active = others.filtered("active")
        others_active.active = False
        template = env["collection.whatsapp.template"].search([("account_id", "=", account.id)], limit=1)
        template.sudo().write({"state": "approved"})
        env["collection.whatsapp.message"].search([("account_id", "=", account.id)]).unlink()
        cr.execute("""
            INSERT INTO collection_whatsapp_message (account_id, company_id, mobile, direction, state, body,
                                                     template_id, params, retry_count, create_uid, create_date,
                                                     write_uid, write_date)
            SELECT %s, %s, '+54911' || lpad(n::text, 8, '0'), 'outbound', 'queued', 'bench ' || n, %s,
                   jsonb_build_array('Debtor ' || n, '$ 100.00', 'Bench SA'), 0, 1, now() AT TIME ZONE 'UTC', 1,
                   now() AT TIME ZONE 'UTC'
              FROM generate_series(1, %s) n
        """, [account.id, company.id, template.id, count])
        return account.id, others_active.ids


def worker(registry, results, index):
    with registry.cursor() as cr:
        cr.transaction = Transaction(registry)
        env = api.Environment(cr, SUPERUSER_ID, {})
        cron = env.ref("collections_whatsapp.ir_cron_whatsapp_send")
        progress = env["ir.cron.progress"].create({"cron_id": cron.id, "remaining": 0, "done": 0})
        cr.commit()
        Message = env["collection.whatsapp.message"].with_context(
            ir_cron_progress_id=progress.id, cron_id=cron.id, cron_end_time=time.monotonic() + 3600)
        sent = 0
        while True:
            done = Message._cron_send()
            cr.commit()
            sent += done
            if not done:
                break
        results[index] = sent


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=int, default=0, help="messages per second of the sender number (0: no limit)")
    args = parser.parse_args()
    config.parse_config(["-d", args.db, f"--addons-path={args.addons_path}", "--log-level=warn"])
    registry = Registry(args.db)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Graph)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    account_id, others = prepare(registry, f"http://127.0.0.1:{server.server_address[1]}", args.count, args.rate)

    tracemalloc.start()
    start = time.perf_counter()
    results = [0] * args.workers
    threads = [threading.Thread(target=worker, args=(registry, results, i)) for i in range(args.workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]

    with registry.cursor() as cr:
        cr.execute("SELECT state, count(*) FROM collection_whatsapp_message WHERE account_id = %s GROUP BY state",
                   [account_id])
        states = dict(cr.fetchall())
        cr.execute("UPDATE collection_whatsapp_account SET active = true WHERE id = ANY(%s)", [others])
    duplicates = sum(1 for calls in Graph.calls.values() if calls > 1)
    print(f"queued {args.count} reminders, {args.workers} workers, sender limit "
          f"{args.rate or 'none'} msg/s")
    print(f"time {elapsed:.1f} s, throughput {sum(results) / elapsed:.0f} msg/s, "
          f"per worker {results}, Python peak memory {peak / 2**20:.1f} MiB")
    print(f"server received {sum(Graph.calls.values())} calls for {len(Graph.calls)} numbers; "
          f"final states {states}")
    print(f"duplicates: {duplicates}")
    server.shutdown()
    return 1 if duplicates or states.get("queued") else 0


if __name__ == "__main__":
    raise SystemExit(main())
