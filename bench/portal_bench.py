"""Time the customer's statement page for a debtor with 50 and with 500 open invoices.

Usage: PYTHONPATH=$ODOO_PATH python bench/portal_bench.py --db DB --addons-path=... [--port 8071]

Builds (once) two debtors in the database's first company with 50 and 500 open invoices
(cloned from one posted invoice the ORM way), runs the daily engine for them, then serves
the database with a real Odoo HTTP server and requests each statement link several times,
printing the server's own figures from its request log: queries, SQL time and Python time.
The query count must be the same at 50 and at 500 invoices (the page is paged in SQL).
"""

import argparse
import re
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry
from odoo.tools import config

SIZES = (50, 500)


def build(registry):
    urls = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env["res.company"].search([], limit=1, order="id")
        product = env["product.product"].search([("sale_ok", "=", True)], limit=1) or env["product.product"].create(
            {"name": "Bench service"})
        today = fields.Date.context_today(env["collection.engine"])
        for size in SIZES:
            name = f"Portal bench debtor {size}"
            partner = env["res.partner"].search([("name", "=", name)], limit=1)
            if not partner:
                partner = env["res.partner"].create({"name": name, "email": f"bench{size}@example.com"})
                moves = env["account.move"].with_company(company).create([{
                    "move_type": "out_invoice", "partner_id": partner.id,
                    "invoice_date": today - timedelta(days=400 - index % 365),
                    "invoice_line_ids": [Command.create({
                        "product_id": product.id, "quantity": 1, "price_unit": 100 + index, "tax_ids": []})],
                } for index in range(size)])
                moves.action_post()
                env["collection.engine"]._run(company_ids=company.ids, today=today)
            case = env["collection.case"].search([("partner_id", "=", partner.id), ("state", "=", "open")])
            urls[size] = case.get_portal_url()
    return urls


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--port", type=int, default=8071)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    config.parse_config(["-d", args.db, f"--addons-path={args.addons_path}"])
    urls = build(Registry(args.db))
    server = subprocess.Popen(
        [sys.executable, str(Path(list(odoo.__path__)[0]).resolve().parent / "odoo-bin"),
         f"--addons-path={args.addons_path}", "-d", args.db,
         f"--http-port={args.port}", "--max-cron-threads=0", "--log-level=info", f"--db-filter=^{args.db}$"],
        stderr=subprocess.PIPE, text=True)
    try:
        for _attempt in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/web/login", timeout=2)
                break
            except OSError:
                time.sleep(1)
        for url in urls.values():
            for _index in range(args.repeat):
                with urllib.request.urlopen(f"http://127.0.0.1:{args.port}{url}", timeout=60) as response:
                    assert response.status == 200, response.status
    finally:
        server.terminate()
        log = server.stderr.read()
    # werkzeug: "GET /my/collections/12?access_token=... HTTP/1.1" 200 - <queries> <sql s> <python s>
    pattern = re.compile(r'"GET (/my/collections/\d+)\?[^"]*" 200 - (\d+) ([\d.]+) ([\d.]+)')
    by_path = {url.split("?")[0]: size for size, url in urls.items()}
    rows = {}
    for path, queries, sql, python in pattern.findall(log):
        rows.setdefault(by_path[path], []).append((int(queries), float(sql), float(python)))
    for size in SIZES:
        samples = rows[size][1:] or rows[size]  # the first request warms the caches
        queries = {q for q, _s, _p in samples}
        sql = sum(s for _q, s, _p in samples) / len(samples)
        python = sum(p for _q, _s, p in samples) / len(samples)
        print(f"statement, {size} open invoices: {sorted(queries)} queries, {sql * 1000:.0f} ms SQL + "
              f"{python * 1000:.0f} ms Python = {(sql + python) * 1000:.0f} ms server time "
              f"(mean of {len(samples)} warm requests)")


if __name__ == "__main__":
    main()
