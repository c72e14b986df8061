"""Time the aged-receivables view and its XLSX export on a generated book.

Usage: PYTHONPATH=$ODOO_PATH python bench/reports_bench.py --db DB --addons-path=...
(the database needs collections_reports installed: `-i collections_reports` on a bench book).
Prints, for the pivot's queries (by age bucket, by customer with every bucket), the monthly KPIs
and the XLSX export (a sheet per customer and a sheet with every open item): wall time, queries
and the growth of the process's peak RSS.
"""

import argparse
import resource
import time

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config


def timed(label, env, func):
    env.cr.execute("SELECT 1")
    queries = env.cr.sql_log_count
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024
    print(f"{label}: {elapsed:.2f} s, {env.cr.sql_log_count - queries} queries, peak RSS growth {growth:.0f} MiB")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    args = parser.parse_args()
    config.parse_config(["-d", args.db, f"--addons-path={args.addons_path}", "--log-level=warn"])
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Aging = env["collection.aging.report"]
        cr.execute("SELECT count(*) FROM account_move_line l JOIN account_account a ON a.id = l.account_id "
                   "WHERE a.account_type = 'asset_receivable' AND NOT l.reconciled AND l.parent_state = 'posted'")
        print(f"database {args.db}: {cr.fetchone()[0]} open receivable items")
        measures = [f"{m}:sum" for m in ("amount_current", "amount_1_30", "amount_31_60", "amount_61_90",
                                           "amount_91_180", "amount_over_180", "amount_residual")]
        timed("aging by bucket", env, lambda: Aging._read_group([], ["bucket"], ["amount_residual:sum"]))
        groups = timed("aging by customer, every bucket", env, lambda: Aging._read_group([], ["partner_id"], measures))
        timed("aging by collector and stage", env,
              lambda: Aging._read_group([], ["user_id", "stage_id"], ["amount_residual:sum"]))
        Kpi = env["collection.kpi.month"]
        rows = timed("receivables KPIs, 24 months (view)", env, lambda: Kpi.search([]))
        timed("receivables KPIs, DSO/CEI computed", env, lambda: rows.mapped("dso") and rows.mapped("cei"))
        data = timed(f"aging XLSX ({len(groups)} customer rows + every open item)", env, lambda: Aging._collection_export_xlsx())
        print(f"XLSX size {len(data) / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
