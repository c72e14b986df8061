"""OCA account_credit_control 19.0 "compute credit lines" on the same generated book, for a side-by-side figure.

Usage (bench/oca.sh does all of it): PYTHONPATH=$ODOO_PATH python bench/oca_bench.py --db bench_10000_oca \
    --addons-path $ODOO_PATH/addons,<folder holding account_credit_control>

Per company: a three-level policy on its receivable accounts (10, 30 and 60 days after the due date, as
our default stages), then one credit control run for today, timed like our engine (wall, queries, RSS).
"""

import argparse
import resource
import time

from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.modules.registry import Registry
from odoo.tools import config

LEVELS = [(1, 10, "email"), (2, 30, "email"), (3, 60, "letter")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path")
    args = parser.parse_args()
    config.parse_config(["-d", args.db] + ([f"--addons-path={args.addons_path}"] if args.addons_path else []))
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        template = env.ref("account_credit_control.email_template_credit_control_base")
        runs = []
        for company in env["res.company"].search([]):
            accounts = env["account.account"].search(
                [("company_ids", "in", company.ids), ("account_type", "=", "asset_receivable")])
            if not accounts:
                continue
            policy = env["credit.control.policy"].create({
                "name": f"Bench policy {company.name}", "company_id": company.id,
                "account_ids": [(6, 0, accounts.ids)],
                "level_ids": [(0, 0, {"name": f"Level {level}", "level": level, "computation_mode": "net_days",
                                      "delay_days": days, "channel": channel, "custom_text": "Please pay.",
                                      "custom_mail_text": "<p>Please pay.</p>", "email_template_id": template.id})
                              for level, days, channel in LEVELS],
            })
            company.credit_policy_id = policy
            runs.append(env["credit.control.run"].with_company(company).create(
                {"date": fields.Date.context_today(env.user), "policy_ids": [(6, 0, policy.ids)]}))
        cr.execute("""SELECT count(*) FROM account_move_line l JOIN account_account a ON a.id = l.account_id
                      WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted'
                        AND l.amount_residual > 0""")
        open_lines = cr.fetchone()[0]
    print(f"database {args.db}: {open_lines} open receivable lines")
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    q0, t0 = sql_db.sql_counter, time.time()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        lines = 0
        for run in env["credit.control.run"].browse([r.id for r in runs]):
            run.with_company(run.company_id).generate_credit_lines()
            lines += len(run.line_ids)
    wall = time.time() - t0
    rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
    print(f"OCA compute credit lines: {wall:.1f}s wall, {sql_db.sql_counter - q0} queries, +{rss:.0f} MiB peak RSS, "
          f"{lines} credit control lines; {wall * 1000 / max(open_lines, 1):.3f} ms per open invoice")


if __name__ == "__main__":
    main()
