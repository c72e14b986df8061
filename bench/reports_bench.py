"""Time the KPI views, the dashboard's queries and the XLSX exports on a generated book.

Usage: PYTHONPATH=$ODOO_PATH python bench/reports_bench.py --db DB --addons-path=...
(the database needs collections_reports installed: `-i collections_reports` on a bench book).
Prints, for the pivot's queries (by age bucket, by customer with every bucket), the monthly KPIs,
recovery by stage, plan compliance, promises kept, collector performance, the cash forecast, every
source of the Collections dashboard (its pivots, charts and list, read as the spreadsheet reads them)
and the XLSX exports: wall time, queries and the growth of the process's peak RSS.
"""

import argparse
import json
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
        kpi_views = [
            ("recovery rate by stage", "collection.recovery.report", ["stage_id"],
             ["recovery_rate:avg", "amount_entered:sum", "amount_recovered:sum"]),
            ("recovery rate by segment", "collection.recovery.report", ["segment_id"], ["recovery_rate:avg"]),
            ("plan compliance by month", "collection.plan.compliance.report", ["date:month"],
             ["compliance_rate:avg", "amount_compliance_rate:avg"]),
            ("promises kept by collector", "collection.promise.report", ["user_id"],
             ["kept_rate:avg", "amount_kept:sum"]),
            ("collector performance by collector", "collection.collector.report", ["user_id"],
             ["contact_count:sum", "collected_30d:sum", "days_to_collect:avg"]),
            ("13-week cash forecast", "collection.forecast.week", ["week:day", "source"], ["amount:sum"]),
        ]
        for label, model, groupby, aggregates in kpi_views:
            timed(label, env, lambda m=model, g=groupby, a=aggregates: env[m].formatted_read_group([], g, a))
        # the dashboard, source by source, as the spreadsheet asks for them
        dashboard = json.loads(env.ref("collections_reports.collections_dashboard").spreadsheet_data)
        for pivot in dashboard["pivots"].values():
            aggregates = [m["id"] if m["fieldName"] == "__count" else f"{m['fieldName']}:{m['aggregator']}"
                          for m in pivot["measures"]]
            timed(f"dashboard pivot '{pivot['name']}'", env, lambda p=pivot, a=aggregates: env[p["model"]]
                  .formatted_read_group(p["domain"], [r["fieldName"] for r in p["rows"]], a))
        for figure in dashboard["sheets"][0]["figures"]:
            meta = figure["data"].get("metaData")
            if meta:
                measure = "__count" if meta["measure"] == "__count" else f"{meta['measure']}:sum"
                timed(f"dashboard chart {figure['id']}", env, lambda f=figure, m=meta, a=measure: env[m["resModel"]]
                      .formatted_read_group(f["data"]["searchParams"]["domain"], m["groupBy"], [a]))
        for list_def in dashboard["lists"].values():
            order = ", ".join(f"{o['name']} {'asc' if o['asc'] else 'desc'}" for o in list_def["orderBy"])
            timed(f"dashboard list '{list_def['name']}'", env, lambda d=list_def, o=order: env[d["model"]]
                  .web_search_read(d["domain"], {c: {} for c in d["columns"]}, order=o, limit=10))
        data = timed(f"aging XLSX ({len(groups)} customer rows + every open item)", env, lambda: Aging._collection_export_xlsx())
        print(f"XLSX size {len(data) / 2**20:.1f} MiB")
        Xlsx = env["collection.xlsx"]
        data = timed("cases XLSX (every case + by stage with a chart)", env, lambda: Xlsx._collection_export_cases())
        print(f"XLSX size {len(data) / 2**20:.1f} MiB")
        timed("collector performance XLSX", env, lambda: Xlsx._collection_export_collectors())


if __name__ == "__main__":
    main()
