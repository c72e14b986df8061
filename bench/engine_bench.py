"""Time the daily engine on a generated book: a first (catch-up) run, a steady run, and the next morning.

Usage: PYTHONPATH=$ODOO_PATH python bench/engine_bench.py --db bench_10k [--measure-only]

Prints wall time, SQL query count and peak memory growth for each run. The run
goes through Odoo's own cron runner (``ir.cron`` jobs triggered until no batch is left: one
transaction per batch, the job's time budget used up as on a server), and the run's final state
is printed: a run whose batches are all done must say ``done``.
``--workers 2`` runs the daily cron's second worker in its own process, as
Odoo's multi-process server does: both claim the day's batches.
``--measure-only`` archives the strategies first, to time the ledger part
(stages, cases, history, segments, assignment) without sending messages.
"""

import argparse
import datetime
import resource
import subprocess
import sys
import time

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.registry import Registry
from odoo.tools import config


def _helper_process(args, day):
    """The second cron worker, in its own process as in Odoo's multi-process server (--workers)."""
    command = [sys.executable, __file__, "--db", args.db, "--helper", day.isoformat()]
    if args.addons_path:
        command.append(f"--addons-path={args.addons_path}")
    helper = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    # a cron worker is a long-lived process: wait until it is up before the clock starts
    assert helper.stdout.readline().strip() == "ready", "the second worker did not start"
    return helper


def drive(registry, plan):
    """Run the daily cron (``plan``) or its second worker as Odoo's cron runner does, until the day is worked.

    Each trigger is one ``ir.cron`` job: up to ten calls of at least ten seconds, the job's time budget
    used up after the batch that crosses it; a job left with work is triggered again (Odoo re-schedules
    it ASAP). Stops when no batch is left, whatever the run's state, which the caller reports.
    """
    xmlid = "collections_management.ir_cron_collection_engine" + ("" if plan else "_helper")
    triggers = 0
    while True:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env.ref(xmlid).method_direct_trigger()
            triggers += 1
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            run = env["collection.run"].search([("date", "=", datetime.date.today())])
            if run.state == "done" or (run.planned and not run._pending_count()):
                return {"cron_jobs": triggers}


def helper_main(db, day):
    """Wait for the day's plan, then claim batches like the cron's second worker does."""
    registry = Registry(db)
    print("ready", flush=True)
    with freeze_time(day, tick=True):
        for _attempt in range(6000):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                run = env["collection.run"].search([("date", "=", datetime.date.today())])
                ready = run.planned or run.state == "done"
            if ready:
                drive(registry, plan=False)
                return
            time.sleep(0.02)


ARGS = None


def run_once(registry, label, count_writes=False, workers=1):
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        # run this day again from the start; earlier days' runs stay (the next morning looks at what changed since)
        env["collection.run"].search([("date", "=", datetime.date.today())]).unlink()
        if count_writes:
            cr.execute("SELECT now()")
            started = cr.fetchone()[0]
    helpers = [_helper_process(ARGS, datetime.date.today()) for _index in range(workers - 1)]
    q0, t0 = sql_db.sql_counter, time.time()
    jobs = drive(registry, plan=True)
    for helper in helpers:
        if helper.wait() != 0:
            raise RuntimeError("the second worker failed")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        run = env["collection.run"].search([("date", "=", datetime.date.today())])
        counters = run._fields.keys() & {"debtors", "cases_opened", "cases_closed", "stage_changes", "invoices_updated",
                                         "executions_done", "executions_failed", "legal_records"}
        summary = {name: run[name] for name in sorted(counters)} | {
            "run state": run.state, "batches": len(run.batch_ids), **jobs}
        cr.execute("SELECT count(*) FROM collection_case WHERE state = 'open'")
        open_cases = cr.fetchone()[0]
        if count_writes:
            cr.execute("SELECT count(*) FROM collection_case WHERE write_date >= %s AT TIME ZONE 'UTC'", [started])
            label += f" [cases written: {cr.fetchone()[0]} of {open_cases}]"
    wall = time.time() - t0
    queries = sql_db.sql_counter - q0
    rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
    who = "" if workers == 1 else f" (first of {workers} workers; each worker is its own process)"
    print(f"{label}: {wall:.1f}s wall, {queries} queries{who}, +{rss:.0f} MiB peak RSS, "
          f"{open_cases} open cases; {({k: v for k, v in summary.items() if k != 'details'})}")
    return wall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument("--addons-path")
    parser.add_argument("--catch-up", choices=("fire", "review"), default="fire",
                        help="first-run policy on old debts (fire: every stage acts, comparable to earlier figures)")
    parser.add_argument("--first-only", action="store_true", help="time the first run only (profiling)")
    parser.add_argument("--workers", type=int, default=1,
                        help="cron workers sharing the day's batches (the daily cron and its second worker: 2)")
    parser.add_argument("--batch-size", type=int, help="debtors per batch (default: the engine's, 2000)")
    parser.add_argument("--helper", help=argparse.SUPPRESS)  # internal: run as the second worker for this day
    args = parser.parse_args()
    global ARGS  # noqa: PLW0603 - the helper processes are started with the same database and addons
    ARGS = args
    config.parse_config(["-d", args.db] + ([f"--addons-path={args.addons_path}"] if args.addons_path else []))
    if args.helper:
        helper_main(args.db, datetime.date.fromisoformat(args.helper))
        return
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["res.company"].search([]).write({"collection_catch_up_policy": args.catch_up,
                                             "collection_catch_up_done": False})
        env["ir.config_parameter"].set_param("collections_management.engine_batch_size", args.batch_size or False)
        if args.measure_only:
            env["collection.strategy"].search([]).write({"active": False})
            env["res.company"].search([]).write({"collection_strategy_id": False})
        cr.execute("""SELECT count(*) FROM account_move_line l JOIN account_account a ON a.id = l.account_id
                      WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted'
                        AND l.amount_residual > 0""")
        open_lines = cr.fetchone()[0]
    print(f"database {args.db}: {open_lines} open receivable lines")
    first = run_once(registry, "first run (catch-up)", workers=args.workers)
    if args.first_only:
        return
    run_once(registry, "steady run (nothing changed)", workers=args.workers)
    with freeze_time(datetime.date.today() + datetime.timedelta(days=1), tick=True):
        run_once(registry, "next morning (one day later, nothing paid)", count_writes=True, workers=args.workers)
    print(f"first run: {first * 1000 / max(open_lines, 1):.3f} ms per open invoice")


if __name__ == "__main__":
    main()
