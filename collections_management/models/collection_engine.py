import contextlib
import json
import logging
import math
from collections import defaultdict
from datetime import timedelta
from typing import NamedTuple

from odoo import api, fields, models
from odoo.tools import SQL

from .collection_run import COUNTERS
from .collection_step_execution import MAX_RETRIES

_logger = logging.getLogger(__name__)

BATCH_SIZE = 2000


MAX_DETAILS = 500


class WrittenCases(NamedTuple):
    """What writing a batch's cases came to: the open cases written, the cases that closed, and the cases
    whose actionable debt is all under an active payment plan (their steps pause)."""

    case_ids: list
    closed_ids: list
    plan_only_ids: set


class _Bounded(list):
    """Details of a run kept for the person who launched it: the first MAX_DETAILS lines, the rest counted.

    The cron (nobody reads it) keeps none: ``limit=0``.
    """

    def __init__(self, limit=MAX_DETAILS):
        super().__init__()
        self.limit = limit
        self.dropped = 0

    def append(self, item):
        if len(self) < self.limit:
            return super().append(item)
        self.dropped += 1
        return None

    def __iadd__(self, other):
        for item in other:
            self.append(item)
        return self


class _DryRunRollback(Exception):
    """Raised inside the savepoint of a dry run so that nothing it did stays."""


class CollectionEngine(models.AbstractModel):
    """The daily collections run, one method per pipeline step.

    Select debtors -> measure their open receivable lines (one SQL per batch)
    -> write what changed (invoices, cases, stage history) -> stage effects
    (legal record, credit hold) -> promises -> segment + score -> assign ->
    claim due steps (unique rows) -> act on channels.

    Days are ``today - date_maturity`` per receivable line (installment aware).
    A stage is looked up with the company's grace days taken off positive days:
    within the grace period a line still counts as due today (day 0).
    """

    _name = "collection.engine"
    _description = "Collections Engine"

    # ------------------------------------------------------------------ entry points
    @api.model
    def _cron_run(self):
        """Daily cron: plans the day's batches of debtors, then works on them with its second worker."""
        return self._work_day(plan=True)

    @api.model
    def _cron_run_helper(self):
        """The daily run's second worker: claims batches of the day's planned run; plans nothing."""
        return self._work_day(plan=False)

    def _work_day(self, plan):
        """Claim the day's pending batches one by one (``FOR UPDATE SKIP LOCKED``) until none is left.

        In a cron each batch is committed with its result (``_commit_progress``);
        several workers share the day's batches, never the same debtor. With the
        context key ``collection_step_by_step`` (a caller that commits between
        calls, like the benchmark) one call plans the day or does one batch.
        """
        self = self.sudo()  # noqa: PLW0642 - the cron acts for every company and collector
        # what the run writes (history reasons, segment reasons, tasks) reads in the database's language
        self = self.with_context(lang=self.env["res.lang"]._collection_database_lang())  # noqa: PLW0642
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        # outside a cron (benchmarks, tests), a caller that commits itself asks for one step per call
        step_by_step = not in_cron and self.env.context.get("collection_step_by_step")
        today = fields.Date.context_today(self)
        run = self.env["collection.run"]._for_day(today, create=plan)
        summary = self._empty_summary()
        if not run:
            return summary  # the second worker waits for the daily cron to open the day
        if run.state == "done":
            if in_cron:
                self.env["ir.cron"]._commit_progress(0, remaining=0)
            return summary
        if not run.planned:
            if not plan:
                return summary  # the helper waits for the daily cron to plan the day
            if run._finish_stale_runs():
                self._end_catch_up()  # a complete run that nobody marked done still ended the catch-up
            since = run._incremental_since()
            size = int(self.env["ir.config_parameter"].sudo().get_param(
                "collections_management.engine_batch_size") or BATCH_SIZE)
            planned = run._plan(self._select_debtors(today, since=since), size, since=since)
            if planned > 1:
                # the second worker starts as soon as the plan is committed
                self.env.ref("collections_management.ir_cron_collection_engine_helper")._trigger()
            if in_cron:
                self.env["ir.cron"]._commit_progress(0, remaining=planned)  # the plan, visible to the others
            elif step_by_step:
                summary["planned"] = planned
                return summary
        while True:
            # nothing uncommitted here in a cron (the last batch was committed) or step by step (reads only)
            claimed = run._claim_batch(fresh_snapshot=in_cron or step_by_step)
            if not claimed:
                break
            batch_id, partner_ids = claimed
            before = {key: summary[key] for key in COUNTERS}
            self._process_batch(partner_ids, today, summary)
            self.env["collection.run.batch"].browse(batch_id)._done(
                {key: summary[key] - before[key] for key in COUNTERS})
            if in_cron:
                time_left = self.env["ir.cron"]._commit_progress(1, remaining=run._pending_count())
                if time_left <= 0:
                    # out of time: still, the worker that committed the last batch finishes the run (the
                    # check reads a new snapshot, so of two workers the one that commits last sees it complete)
                    self._finish_run(run)
                    return summary
            elif step_by_step:
                summary["batches"] = 1
                return summary
        self._finish_run(run)
        _logger.info("collections engine: %s", {k: v for k, v in summary.items() if k != "details"})
        return summary

    def _finish_run(self, run):
        """Mark ``run`` done when no batch is left (whoever sees it first), and end the first-run catch-up."""
        if run._finish_if_complete():
            self._end_catch_up()
            if self.env.context.get("ir_cron_progress_id"):
                self.env["ir.cron"]._commit_progress(0, remaining=0)

    def _catching_up(self, company_id):
        """Is this company's first run still placing old debts for review (see the catch-up policy)?"""
        company = self.env["res.company"].browse(company_id)
        return company.collection_catch_up_policy == "review" and not company.collection_catch_up_done

    def _end_catch_up(self, company_ids=None):
        """A complete run ends the first-run placement: from now on every stage entry acts."""
        domain = [("collection_catch_up_done", "=", False)]
        if company_ids:
            domain.append(("id", "in", list(company_ids)))
        self.env["res.company"].sudo().search(domain).write({"collection_catch_up_done": True})

    @api.model
    def _cron_refresh(self, batch_size=BATCH_SIZE):
        """Triggered after payments, credit notes and plan changes: the daily run's own code, for the
        queued debtors only. Requests are claimed by deleting them (skipping rows another worker holds)."""
        self = self.sudo().with_context(lang=self.env["res.lang"]._collection_database_lang())  # noqa: PLW0642
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        today = fields.Date.context_today(self)
        summary = self._empty_summary()
        self.env.flush_all()
        while True:
            self.env.cr.execute(SQL(
                """
                DELETE FROM collection_refresh_request
                 WHERE id IN (SELECT id FROM collection_refresh_request ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)
                RETURNING partner_id, company_id
                """, batch_size))
            rows = self.env.cr.fetchall()
            if not rows:
                break
            by_company = defaultdict(set)
            for partner_id, company_id in rows:
                by_company[company_id].add(partner_id)
            for company_id, partner_ids in by_company.items():
                self._process_batch(sorted(partner_ids), today, summary, company_ids=[company_id])
            if in_cron:
                self.env.cr.execute("SELECT COUNT(*) FROM collection_refresh_request")
                if self.env["ir.cron"]._commit_progress(len(rows), remaining=self.env.cr.fetchone()[0]) <= 0:
                    break
            elif len(rows) < batch_size:
                break
        return summary

    @api.model
    def _hand_over_to_cron(self):
        """Restart today's daily run from the first debtor and trigger its cron now."""
        run = self.env["collection.run"]._for_day(fields.Date.context_today(self))
        run._reset()
        self.env.ref("collections_management.ir_cron_collection_engine")._trigger()
        return run

    @api.model
    def _run(self, company_ids=None, dry_run=False, today=None, limit=None):
        """Run the whole pipeline now, in the current transaction.

        :param company_ids: restrict to these companies (default: all)
        :param dry_run: compute everything inside a savepoint, roll it back and
            return what would have happened (``summary['details']``)
        :return: summary dict with counters and, for a dry run, details
        """
        today = today or fields.Date.context_today(self)
        engine = self.sudo()  # a system run: it writes history, executions and activities for everyone
        summary = self._empty_summary()
        summary["dry_run"] = dry_run
        summary["keep_details"] = True
        debtors = engine._select_debtors(today, company_ids)
        if limit and len(debtors) > limit:
            # a preview of a large book looks at a sample: the first ``limit`` debtors
            summary["sample_of"] = len(debtors)
            debtors = debtors[:limit]

        def work():
            for start in range(0, len(debtors), BATCH_SIZE):
                engine._process_batch(debtors[start:start + BATCH_SIZE], today, summary,
                                    company_ids=company_ids, dry_run=dry_run)

        if not dry_run:
            work()
            self._end_catch_up(company_ids)
            return summary
        with contextlib.suppress(_DryRunRollback), self.env.cr.savepoint():
            work()
            self.env.flush_all()
            raise _DryRunRollback  # everything the preview wrote is rolled back with its savepoint
        self.env.invalidate_all()
        return summary

    @api.model
    def _empty_summary(self):
        return {
            "debtors": 0, "cases_opened": 0, "cases_closed": 0, "stage_changes": 0,
            "invoices_updated": 0, "executions_done": 0, "executions_failed": 0,
            "promises_kept": 0, "promises_broken": 0, "legal_records": 0, "details": [],
        }

    # ------------------------------------------------------------------ 1. select
    @api.model
    def _select_debtors(self, today, company_ids=None, since=None):
        """Commercial partners with open receivables within the stage horizon, or an open case.

        With ``since`` (the day of the last complete run), only the debtors for
        whom something can have changed since that day: a receivable line
        crossing a stage boundary (a date computed from its due date, the
        stage's first day and the grace days), a case whose next step or
        segment day boundary falls in the period, a promise past its date, a
        step to retry, and the debtors queued by ledger changes (postings,
        payments, credit notes, disputes, exclusions, plans). A day passing
        reads the other debtors no more than it writes them.
        """
        self.env.flush_all()
        if since is None:
            company_filter = SQL("AND l.company_id = ANY(%s)", list(company_ids)) if company_ids else SQL()
            case_filter = SQL("AND company_id = ANY(%s)", list(company_ids)) if company_ids else SQL()
            self.env.cr.execute(SQL(
                """
                SELECT partner_id FROM (
                    SELECT lp.commercial_partner_id AS partner_id
                      FROM account_move_line l
                      JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                      JOIN res_partner lp ON lp.id = l.partner_id
                      JOIN (SELECT company_id, MIN(day_from) AS first_day
                              FROM collection_stage WHERE active GROUP BY company_id) h
                        ON h.company_id = l.company_id
                     WHERE l.parent_state = 'posted' AND l.amount_residual > 0
                       AND COALESCE(l.date_maturity, l.date) <= %(today)s::date - h.first_day
                       %(company_filter)s
                    UNION
                    SELECT partner_id FROM collection_case WHERE state = 'open' %(case_filter)s
                ) debtors
                WHERE partner_id IS NOT NULL
                ORDER BY partner_id
                """,
                today=today, company_filter=company_filter, case_filter=case_filter,
            ))
            return [row[0] for row in self.env.cr.fetchall()]
        reasons = self._selection_reasons(today, since)
        self.env.cr.execute(SQL(
            "SELECT partner_id FROM (%s) debtors WHERE partner_id IS NOT NULL ORDER BY partner_id",
            SQL(" UNION ").join(reasons)))
        return [row[0] for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------------ batch
    def _process_batch(self, partner_ids, today, summary, company_ids=None, dry_run=False):
        # days overdue are computed from stored dates against the run's own day
        self = self.with_context(collection_today=today)  # noqa: PLW0642
        if not dry_run:
            # claim the debtors: a second worker (cron, refresh, Run now) skips the ones this one holds
            locked = self.env["res.partner"].browse(partner_ids).try_lock_for_update(allow_referencing=True)
            partner_ids = sorted(locked.ids)
            if not partner_ids:
                return
        summary["debtors"] += len(partner_ids)
        # details are for the person who launched the run: bounded, and none for the cron
        if not isinstance(summary["details"], _Bounded):
            summary["details"] = _Bounded(MAX_DETAILS if (dry_run or summary.get("keep_details")) else 0)
        measures = self._measure(partner_ids, today, company_ids)
        written = self._write_cases(partner_ids, measures, today, summary, company_ids, dry_run)
        case_ids = written.case_ids
        self.env.invalidate_all()
        cases = self.env["collection.case"].browse(case_ids)
        locked = cases.try_lock_for_update() if cases else cases
        if dry_run:
            locked = cases
        closed = self.env["collection.case"].browse(written.closed_ids)
        # what cash decides (collection.cash): promises and settlement offers, after every reconciliation
        # (refresh queue) and every morning
        self._check_promises(locked | closed, today, summary)
        self.env["collection.offer"]._collection_check_debtors(partner_ids, company_ids, today)
        behaviour = self._payment_behaviour(locked.partner_id.ids, today)
        self._segment_and_score(locked, behaviour)
        self._assign(locked)
        waiting = self._cancel_stale_executions(locked | closed)
        executions = self._claim_steps(locked, today, summary, dry_run, paused_ids=written.plan_only_ids,
                                       waiting=waiting)
        if not dry_run:
            self.env["collection.step.execution"]._execute(executions, summary)
        self.env.flush_all()

    def _selection_reasons(self, today, since):
        """The reasons to look at a debtor on a day after ``since``: one SQL query of ``partner_id`` each (their
        union is the day's selection). An extension adds its own reason by extending this list."""
        return [
            self._select_entering_a_stage(today, since),
            self._select_step_due(today, since),
            self._select_crossing_a_segment(today, since),
            self._select_promise_past(today, since),
            self._select_step_to_retry(today, since),
            self._select_ledger_moved(today, since),
        ]

    def _select_entering_a_stage(self, today, since):
        """A receivable line enters a stage between the last run and today (its due date, the stage's first day
        and the grace days)."""
        return SQL(
            """
            SELECT lp.commercial_partner_id AS partner_id
              FROM (SELECT s.company_id,
                           %(since)s::date - s.day_from
                               - CASE WHEN s.day_from > 0 THEN COALESCE(c.collection_grace_days, 0) ELSE 0 END AS after,
                           %(today)s::date - s.day_from
                               - CASE WHEN s.day_from > 0 THEN COALESCE(c.collection_grace_days, 0) ELSE 0 END AS upto
                      FROM collection_stage s JOIN res_company c ON c.id = s.company_id
                     WHERE s.active) b
              JOIN account_move_line l
                ON l.company_id = b.company_id AND l.date_maturity > b.after AND l.date_maturity <= b.upto
              JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
              JOIN res_partner lp ON lp.id = l.partner_id
             WHERE l.parent_state = 'posted' AND l.amount_residual > 0
            """, since=since, today=today)

    def _select_step_due(self, today, since):
        """A case's next step falls due."""
        return SQL("SELECT partner_id FROM collection_case WHERE state = 'open' AND next_action_date <= %s", today)

    def _select_crossing_a_segment(self, today, since):
        """A case's oldest debt crosses a segment's day boundary."""
        return SQL(
            """
            SELECT c.partner_id FROM collection_case c
              JOIN collection_segment g ON g.company_id = c.company_id AND g.active
             WHERE c.state = 'open' AND c.oldest_due_date IS NOT NULL
               AND ((COALESCE(g.days_min, 0) > 0 AND c.oldest_due_date > %(since)s::date - g.days_min
                     AND c.oldest_due_date <= %(today)s::date - g.days_min)
                 OR (COALESCE(g.days_max, 0) > 0 AND c.oldest_due_date > %(since)s::date - g.days_max - 1
                     AND c.oldest_due_date <= %(today)s::date - g.days_max - 1))
            """, since=since, today=today)

    def _select_promise_past(self, today, since):
        """An open promise's date has passed (kept or broken: the cash decides)."""
        return SQL("""SELECT c.partner_id FROM collection_promise p JOIN collection_case c ON c.id = p.case_id
                       WHERE p.state = 'open' AND p.date < %s""", today)

    def _select_step_to_retry(self, today, since):
        """A step waits to run or for a retry."""
        return SQL("""SELECT partner_id FROM collection_step_execution
                       WHERE state = 'pending' OR (state = 'failed' AND retry_count < %s)""", MAX_RETRIES)

    def _select_ledger_moved(self, today, since):
        """The ledger moved: payments, credit notes, postings, disputes, exclusions, plans (the refresh queue)."""
        return SQL("SELECT partner_id FROM collection_refresh_request")

    # ------------------------------------------------------------------ 2. measure
    def _measure(self, partner_ids, today, company_ids=None):
        """One SQL over the batch's open receivable lines; aggregated per invoice and per debtor."""
        company_filter = SQL("AND l.company_id = ANY(%s)", list(company_ids)) if company_ids else SQL()
        self.env.cr.execute(SQL(
            """
            SELECT l.move_id, lp.commercial_partner_id, l.company_id, l.amount_residual, COALESCE(l.date_maturity, l.date),
                   (%(today)s::date - COALESCE(l.date_maturity, l.date)) AS days,
                   %(set_aside)s AS skip,
                   s.id AS stage_id, s.day_from, (l.move_id = ANY(%(planned)s)) AS in_plan
              FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
              JOIN account_move m ON m.id = l.move_id
              JOIN res_partner lp ON lp.id = l.partner_id
              JOIN res_partner p ON p.id = lp.commercial_partner_id
              JOIN res_company c ON c.id = l.company_id
         LEFT JOIN collection_stage s
                ON s.company_id = l.company_id AND s.active AND l.amount_residual > 0
               AND (CASE WHEN %(today)s::date - COALESCE(l.date_maturity, l.date) > 0
                         THEN GREATEST(%(today)s::date - COALESCE(l.date_maturity, l.date) - COALESCE(c.collection_grace_days, 0), 0)
                         ELSE %(today)s::date - COALESCE(l.date_maturity, l.date) END) >= s.day_from
               AND (s.open_ended OR
                    (CASE WHEN %(today)s::date - COALESCE(l.date_maturity, l.date) > 0
                          THEN GREATEST(%(today)s::date - COALESCE(l.date_maturity, l.date) - COALESCE(c.collection_grace_days, 0), 0)
                          ELSE %(today)s::date - COALESCE(l.date_maturity, l.date) END) <= s.day_to)
             WHERE l.parent_state = 'posted' AND l.amount_residual != 0
               AND l.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%(partners)s))
               %(company_filter)s
            """,
            today=today, partners=list(partner_ids), company_filter=company_filter,
            planned=self._planned_move_ids(partner_ids), set_aside=self.env["collection.overdue"]._set_aside_sql(),
        ))
        moves = {}
        debtors = defaultdict(lambda: {
            "amount_due": 0.0, "amount_credit": 0.0, "amount_overdue": 0.0, "oldest_due_date": None,
            "days_overdue": None, "stage": None, "stage_from": None, "any_stage": False, "move_ids": set(),
            "plan": False,
        })
        for (move_id, partner_id, company_id, residual, maturity, days, skip, stage_id, day_from,
             in_plan) in self.env.cr.fetchall():
            debtor = debtors[(partner_id, company_id)]
            debtor["amount_due"] += residual
            if residual < 0:
                debtor["amount_credit"] -= residual
                continue
            debtor["move_ids"].add(move_id)
            if in_plan:
                # collected by the plan's dates: owed, but neither staged nor overdue by its own due date
                debtor["plan"] = True
                moves.setdefault(move_id, {"days": 0, "stage": None, "stage_from": None})
                continue
            move = moves.setdefault(move_id, {"days": days, "stage": stage_id, "stage_from": day_from})
            if days > move["days"]:
                move["days"] = days
            if stage_id and (move["stage_from"] is None or day_from > move["stage_from"]):
                move.update(stage=stage_id, stage_from=day_from)
            if days > 0 and not skip:
                # overdue and claimed (collection.overdue): disputed and excluded debt is owed, not overdue
                debtor["amount_overdue"] += residual
                if debtor["oldest_due_date"] is None or maturity < debtor["oldest_due_date"]:
                    debtor["oldest_due_date"] = maturity
            if debtor["days_overdue"] is None or days > debtor["days_overdue"]:
                debtor["days_overdue"] = days
            if stage_id:
                debtor["any_stage"] = True
                if not skip and (debtor["stage_from"] is None or day_from > debtor["stage_from"]):
                    debtor["stage"], debtor["stage_from"] = stage_id, day_from
        return {"moves": moves, "debtors": debtors}

    def _planned_move_ids(self, partner_ids):
        """Invoices covered by an active payment plan of these debtors, and that plan's interest invoices."""
        self.env.cr.execute(SQL(
            """
            SELECT r.move_id FROM collection_payment_plan_move_rel r
              JOIN collection_payment_plan pp ON pp.id = r.plan_id AND pp.state = 'active'
             WHERE pp.partner_id = ANY(%(partners)s)
             UNION
            SELECT im.id FROM account_move im
             WHERE im.collection_interest_plan_id IN (
                   SELECT id FROM collection_payment_plan WHERE state = 'active' AND partner_id = ANY(%(partners)s))
            """, partners=list(partner_ids)))
        return [row[0] for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------------ 3. write what changed
    def _write_cases(self, partner_ids, measures, today, summary, company_ids, dry_run):
        cr = self.env.cr
        company_filter = SQL("AND company_id = ANY(%s)", list(company_ids)) if company_ids else SQL()
        cr.execute(SQL(
            "SELECT id, partner_id, company_id, stage_id FROM collection_case"
            " WHERE state = 'open' AND partner_id = ANY(%s) %s",
            list(partner_ids), company_filter,
        ))
        existing = {(p, c): (cid, stage) for cid, p, c, stage in cr.fetchall()}
        wanted = {key: d for key, d in measures["debtors"].items() if d["any_stage"] or d["plan"]}
        plan_only = set()

        # new cases: one INSERT, a second worker's case for the same debtor wins (partial unique index)
        new_keys = [key for key in wanted if key not in existing]
        if new_keys:
            opened = self.env["collection.case"]._collection_insert_open(new_keys)
            for key in new_keys:
                existing[key] = (opened[key], None)
            summary["cases_opened"] += len(new_keys)
            summary.setdefault("case_ids", set()).update(opened.values())
            if summary["details"].limit:
                for case in self.env["collection.case"].browse(opened.values()):
                    summary["details"].append(("open", case.partner_id.display_name, case.name))

        # what changed: amounts, dates and stage of the open cases; cases with nothing left close
        values, stage_changes = [], []
        for key, d in wanted.items():
            case_id, old_stage = existing[key]
            if d["plan"] and not d["stage"]:
                # everything actionable is under the payment plan: the case keeps its stage, steps pause
                plan_only.add(case_id)
                d["stage"] = old_stage
            if old_stage != d["stage"]:
                stage_changes.append((case_id, old_stage, d["stage"]))
        to_close = [(cid, stage) for key, (cid, stage) in existing.items() if key not in wanted]
        closed_ids = [cid for cid, _stage in to_close]
        stage_changes += [(cid, stage, None) for cid, stage in to_close]

        # stage history first: one row per real change, the stage entry steps are keyed on; the cases are
        # then written once, with their new entry
        History = self.env["collection.case.stage.history"]
        rows, entry_of = History, {}
        if stage_changes:
            reason_open = self.env._("Daily run: oldest actionable line reached this stage")
            reason_close = self.env._("Daily run: nothing left overdue")
            reviewing = {company for company in {key[1] for key in existing} if self._catching_up(company)}
            company_of = {cid: company for (_partner, company), (cid, _stage) in existing.items()}
            reason_placed = self.env._("First run: placed in its stage for review (no steps yet)")
            overdue_of = {existing[key][0]: d["amount_overdue"] for key, d in wanted.items()}
            rows = History._collection_insert([{
                "case_id": cid, "stage_from_id": old, "stage_to_id": new,
                "amount_entered": overdue_of.get(cid, 0.0) if new else 0.0,
                "catch_up": bool(new) and company_of.get(cid) in reviewing,
                "reason": (reason_placed if company_of.get(cid) in reviewing else reason_open) if new else reason_close,
            } for cid, old, new in stage_changes])
            cr.execute(SQL("SELECT case_id, id FROM collection_case_stage_history WHERE id = ANY(%s)", rows.ids))
            entry_of = dict(cr.fetchall())

        for key, d in wanted.items():
            case_id = existing[key][0]
            values.append((case_id, d["amount_due"], d["amount_credit"], d["amount_overdue"], d["oldest_due_date"],
                           len(d["move_ids"]), d["stage"], not d["stage"], entry_of.get(case_id)))
        if values:
            cr.execute(SQL(
                """
                UPDATE collection_case c
                   SET amount_due = v.due, amount_credit = v.credit, amount_overdue = v.overdue,
                       oldest_due_date = v.oldest, invoice_count = v.cnt,
                       stage_id = v.stage, excluded = v.excluded,
                       stage_history_id = COALESCE(v.hid, c.stage_history_id),
                       stage_date = CASE WHEN v.hid IS NULL THEN c.stage_date ELSE %(today)s END,
                       write_date = now() AT TIME ZONE 'UTC', write_uid = %(uid)s
                  FROM %(rows)s
                 WHERE c.id = v.id
                   AND (c.amount_due IS DISTINCT FROM v.due OR c.amount_credit IS DISTINCT FROM v.credit
                        OR c.amount_overdue IS DISTINCT FROM v.overdue
                        OR c.oldest_due_date IS DISTINCT FROM v.oldest
                        OR c.invoice_count IS DISTINCT FROM v.cnt OR c.stage_id IS DISTINCT FROM v.stage
                        OR c.excluded IS DISTINCT FROM v.excluded OR v.hid IS NOT NULL)
                """,
                uid=self.env.uid, today=today, rows=self.env["collection.sql"]._rows_sql(
                    [("id", "int"), ("due", "numeric"), ("credit", "numeric"), ("overdue", "numeric"),
                     ("oldest", "date"), ("cnt", "int"), ("stage", "int"), ("excluded", "bool"), ("hid", "int")],
                    values),
            ))
        if to_close:
            cr.execute(SQL(
                """
                UPDATE collection_case c
                   SET state = 'closed', closed_date = %(today)s, amount_overdue = 0, oldest_due_date = NULL,
                       excluded = FALSE, invoice_count = 0, stage_id = NULL, stage_history_id = v.hid,
                       stage_date = %(today)s, write_date = now() AT TIME ZONE 'UTC'
                  FROM (VALUES %(values)s) AS v(id, hid)
                 WHERE c.id = v.id
                """, today=today,
                values=SQL(", ").join(SQL("(%s, %s)", cid, entry_of[cid]) for cid, _stage in to_close)))
            summary["cases_closed"] += len(to_close)
            closed_cases = self.env["collection.case"].browse([cid for cid, _s in to_close])
            summary["details"] += [("close", case.partner_id.display_name, case.name) for case in closed_cases]
            summary.setdefault("case_ids", set()).update(closed_cases.ids)
        self.env["collection.case"].invalidate_model()

        if rows:
            summary["stage_changes"] += len(rows)
            if summary["details"].limit:
                for row in rows:
                    summary["details"].append(("stage", row.case_id.partner_id.display_name, self.env._(
                        "%(from)s → %(to)s", **{"from": row.stage_from_id.name or "-", "to": row.stage_to_id.name or "-"})))
            summary.setdefault("case_ids", set()).update(cid for cid, _old, _new in stage_changes)
            self._apply_stage_effects(rows.filtered(lambda h: h.stage_to_id and not h.catch_up), today, summary)

        # invoices: worst open line's stage and their case, in collection.case.move rows (days come from
        # the dates, never stored); only the rows whose case or stage changed are written
        case_by_key = {key: cid for key, (cid, _stage) in existing.items() if key in wanted}
        move_rows = [(move_id, case_by_key[key], measures["moves"][move_id]["stage"])
                     for key, d in wanted.items() for move_id in d["move_ids"]]
        if move_rows:
            cr.execute(SQL(
                """
                INSERT INTO collection_case_move AS l (move_id, case_id, stage_id)
                SELECT v.move_id, v.case_id, v.stage_id FROM %s
                ON CONFLICT (move_id) DO UPDATE SET case_id = EXCLUDED.case_id, stage_id = EXCLUDED.stage_id
                 WHERE l.case_id IS DISTINCT FROM EXCLUDED.case_id OR l.stage_id IS DISTINCT FROM EXCLUDED.stage_id
                """, self.env["collection.sql"]._rows_sql([("move_id", "int"), ("case_id", "int"), ("stage_id", "int")], move_rows)))
            summary["invoices_updated"] += cr.rowcount
        # invoices of these debtors no longer open: they leave their stage, the case link stays as history
        open_moves = [move_id for move_id, _case, _stage in move_rows]
        cr.execute(SQL(
            """
            UPDATE collection_case_move l SET stage_id = NULL
              FROM collection_case c
             WHERE c.id = l.case_id AND c.partner_id = ANY(%s) AND l.stage_id IS NOT NULL
               AND NOT (l.move_id = ANY(%s)) %s
            """, list(partner_ids), open_moves,
            SQL("AND c.company_id = ANY(%s)", list(company_ids)) if company_ids else SQL()))
        summary["invoices_updated"] += cr.rowcount
        self.env["collection.case.move"].invalidate_model()
        self.env["account.move"].invalidate_model(["collection_link_ids", "collection_stage_id", "collection_case_id"])
        self.env["collection.case"].invalidate_model(["move_link_ids", "move_ids"])
        return WrittenCases(list(case_by_key.values()), closed_ids, plan_only)

    def _apply_stage_effects(self, entries, today, summary):
        """Entering a legal stage opens a legal record; a credit-hold stage flags the debtor."""
        legal = entries.filtered(lambda h: h.stage_to_id.is_legal)
        if legal:
            records = self.env["collection.legal.record"]._open_for_entries(legal)
            summary["legal_records"] += len(records)
        held = entries.filtered(lambda h: h.stage_to_id.credit_hold).case_id.partner_id
        if held:
            self.env.cr.execute(SQL(
                """
                UPDATE res_partner SET collection_credit_hold = TRUE, collection_credit_hold_date = %s
                 WHERE id = ANY(%s) AND collection_credit_hold IS NOT TRUE
                """, today, held.ids))
            self.env["res.partner"].invalidate_model(["collection_credit_hold", "collection_credit_hold_date"])

    # ------------------------------------------------------------------ promises
    def _check_promises(self, cases, today, summary):
        """Decide promises from cash only, applied to each case's promises oldest first.

        Cash is a customer payment or a bank statement line reconciled with the
        debtor's receivables after the promise was made (a payment's write-off
        part is not cash). A kept promise whose payment is reversed or
        unreconciled opens again until its date has passed; a promise on a case
        that closes is kept when paid, cancelled otherwise (debt settled
        another way).
        """
        Promise = self.env["collection.promise"]
        promises = Promise.search([
            ("case_id", "in", cases.ids),
            "|", ("state", "=", "open"), "&", ("state", "=", "kept"), ("date", ">=", today),
        ])
        if not promises:
            return
        # promises decided since then took their share of the same cash: they stay in the queue, unchanged
        decided = Promise.search([
            ("case_id", "in", promises.case_id.ids), ("id", "not in", promises.ids),
            ("state", "in", ("kept", "broken")), ("decided_date", ">=", min(promises.mapped("create_date_only"))),
        ])
        queue_all = promises | decided
        cash = self._promise_cash(queue_all)
        paid = dict.fromkeys(queue_all.ids, 0.0)
        for case, case_promises in queue_all.grouped("case_id").items():
            queue = case_promises.sorted(lambda p: (p.create_date, p.id))
            for paid_on, matched_at, amount in cash.get(case.id, []):
                for promise in queue:
                    if amount <= 0:
                        break
                    if paid_on < promise.create_date_only and matched_at < promise.create_date:
                        continue  # paid before the promise and already known then: not what was promised
                    if promise.state == "broken" and promise in decided and paid_on >= promise.decided_date:
                        continue  # cash after a promise was broken pays the debt, not that promise
                    take = min(amount, promise.amount - paid[promise.id])
                    if take > 0:
                        paid[promise.id] += take
                        amount -= take
        targets = defaultdict(lambda: Promise)
        amounts = []
        for promise in promises:
            currency = promise.currency_id
            amount_paid = currency.round(paid[promise.id])
            if currency.compare_amounts(promise.amount_paid, amount_paid):
                amounts.append(SQL("(%s, %s)", promise.id, amount_paid))
            if currency.compare_amounts(amount_paid, promise.amount) >= 0:
                target = "kept"
            elif promise.case_id.state == "closed":
                target = "cancelled"
            elif promise.date < today:
                target = "broken"
            else:
                target = "open"
            if target != promise.state:
                targets[target] |= promise
        if amounts:
            self.env.cr.execute(SQL(
                "UPDATE collection_promise p SET amount_paid = v.paid FROM (VALUES %s) AS v(id, paid) WHERE p.id = v.id",
                SQL(", ").join(amounts)))
            promises.invalidate_recordset(["amount_paid"])
        for target, group in targets.items():
            vals = {"state": target, "decided_date": today if target != "open" else False,
                    "cancel_reason": False}
            if target == "cancelled":
                vals["cancel_reason"] = self.env._(
                    "The case closed without the promised payment: the debt was settled otherwise "
                    "(credit note, write-off) or is no longer overdue.")
            group.write(vals)
        summary["promises_kept"] += len(targets["kept"])
        summary["promises_broken"] += len(targets["broken"])
        if targets["broken"]:
            self.env["collection.activity"]._schedule_activities(
                targets["broken"].case_id, self.env.ref("mail.mail_activity_data_call"),
                self.env._("Promise to pay broken: call the customer"), today,
            )

    def _promise_cash(self, promises):
        """{case id: [(paid on, matched at, amount)]}: the cash of the cases' debtors since the oldest of
        these promises, in the order it came in (the payment's date). See ``collection.cash``."""
        self.env.flush_all()
        since = min(promises.mapped("create_date_only"))
        self.env.cr.execute(SQL(
            """
            SELECT cc.id, cash.paid_on, cash.matched_at, cash.amount
              FROM (%(cash)s) cash
              JOIN collection_case cc ON cc.partner_id = cash.partner_id AND cc.company_id = cash.company_id
             WHERE cc.id = ANY(%(cases)s)
             ORDER BY cc.id, cash.paid_on, cash.matched_at, cash.partial_id
            """,
            cash=self.env["collection.cash"]._of_debtors_sql(
                promises.case_id.partner_id.ids, promises.company_id.ids, since=since),
            cases=promises.case_id.ids,
        ))
        cash = defaultdict(list)
        for case_id, paid_on, matched_at, amount in self.env.cr.fetchall():
            cash[case_id].append((paid_on, matched_at, float(amount)))
        return cash

    @api.model
    def _case_cash_sql(self, cases_filter):
        """``SELECT id, case_id, due_on, paid_on, amount``: every cash reconciliation with a case's receivables
        (company currency, money part only, dated by the payment; ``due_on`` the paid line's due date), for the cases ``cases_filter`` (SQL on
        ``cc``) keeps. The contact and collector reports credit it to contacts. See ``collection.cash``."""
        return SQL(
            """
            SELECT cash.partial_id AS id, cc.id AS case_id, cash.due_on, cash.paid_on, cash.amount
              FROM collection_case cc
              JOIN (%(cash)s) cash ON cash.partner_id = cc.partner_id AND cash.company_id = cc.company_id
             WHERE %(filter)s
            """, cash=self.env["collection.cash"]._rows_sql(), filter=cases_filter)

    # ------------------------------------------------------------------ 4. segment and score
    def _payment_behaviour(self, partner_ids, today):
        """Per debtor over the last 12 months: average days late, share paid late, broken promises, risk."""
        if not partner_ids:
            return {}
        self.env.cr.execute(SQL(
            """
            SELECT dl.partner_id,
                   AVG(GREATEST(apr.max_date - COALESCE(dl.date_maturity, dl.date), 0)),
                   AVG(CASE WHEN apr.max_date > COALESCE(dl.date_maturity, dl.date) THEN 1.0 ELSE 0.0 END)
              FROM account_partial_reconcile apr
              JOIN account_move_line dl ON dl.id = apr.debit_move_id
              JOIN account_account a ON a.id = dl.account_id AND a.account_type = 'asset_receivable'
             WHERE dl.partner_id = ANY(%s) AND apr.max_date >= %s AND COALESCE(dl.date_maturity, dl.date) IS NOT NULL
             GROUP BY dl.partner_id
            """, list(partner_ids), today - timedelta(days=365)))
        result = defaultdict(lambda: {"avg_days_late": 0.0, "late_share": 0.0, "broken_promises": 0, "risk": 0.0})
        for partner_id, avg_late, share in self.env.cr.fetchall():
            result[partner_id].update(avg_days_late=float(avg_late or 0), late_share=float(share or 0))
        for partner, count in self.env["collection.promise"]._read_group(
            [("partner_id", "in", list(partner_ids)), ("state", "=", "broken"),
             ("date", ">=", today - timedelta(days=365))], ["partner_id"], ["__count"],
        ):
            result[partner.id]["broken_promises"] = count
        for values in result.values():
            values["risk"] = round(
                min(100.0, values["late_share"] * 50 + min(values["avg_days_late"], 60) / 60 * 30
                    + min(values["broken_promises"], 2) * 10), 1)
        return result

    def _segment_and_score(self, cases, behaviour):
        if not cases:
            return
        segments = self.env["collection.segment"].search([("company_id", "in", cases.company_id.ids)])
        segment_of, reason_of = {}, {}
        for company in cases.company_id:
            remaining = cases.filtered(lambda c, company=company: c.company_id == company)
            for segment in segments.filtered(lambda s, company=company: s.company_id == company):
                if not remaining:
                    break
                matched = segment._match_cases(remaining, behaviour)
                for case_id, reason in matched.items():
                    segment_of[case_id], reason_of[case_id] = segment.id, reason
                remaining = remaining.filtered(lambda c, matched=matched: c.id not in matched)
        values = []
        for case in cases:
            b = behaviour.get(case.partner_id.id) or {"risk": 0.0, "broken_promises": 0}
            parts = {
                "amount": round(min(40.0, 10 * math.log10(1 + max(case.amount_overdue, 0.0))), 1),
                "stage": round(min(30.0, max(case.stage_id.day_from, 0) / 3), 1),
                "risk": round(b["risk"] * 0.2, 1),
                "broken_promises": min(b["broken_promises"], 2) * 10.0,
            }
            score = round(sum(parts.values()), 1)
            values.append((case.id, segment_of.get(case.id), reason_of.get(case.id), score,
                           json.dumps(parts, sort_keys=True)))
        self.env.cr.execute(SQL(
            """
            UPDATE collection_case c
               SET segment_id = v.seg, segment_reason = v.reason, priority_score = v.score,
                   priority_details = v.parts
              FROM %s
             WHERE c.id = v.id
               AND (c.segment_id IS DISTINCT FROM v.seg OR c.segment_reason IS DISTINCT FROM v.reason
                    OR c.priority_score IS DISTINCT FROM v.score
                    OR c.priority_details::jsonb IS DISTINCT FROM v.parts)
            """, self.env["collection.sql"]._rows_sql([("id", "int"), ("seg", "int"), ("reason", "varchar"), ("score", "float8"),
                                 ("parts", "jsonb")], values)))
        cases.invalidate_recordset(["segment_id", "segment_reason", "priority_score", "priority_details"])

    # ------------------------------------------------------------------ 5. assign
    def _assign(self, cases):
        """Balance cases across their segment's collectors by open workload; manual choices stay."""
        todo = cases.filtered(lambda c: not c.user_manual and c.segment_id.user_ids
                              and c.user_id not in c.segment_id.user_ids)
        if not todo:
            return
        team_users = todo.segment_id.user_ids
        load = {user.id: [0, 0.0] for user in team_users}
        for user, count, amount in self.env["collection.case"]._read_group(
            [("state", "=", "open"), ("user_id", "in", team_users.ids)], ["user_id"],
            ["__count", "amount_overdue:sum"],
        ):
            load[user.id] = [count, amount or 0.0]
        mean_amount = (sum(todo.mapped("amount_overdue")) / len(todo)) or 1.0
        by_user = defaultdict(list)
        for case in todo.sorted(lambda c: -c.amount_overdue):
            team = case.segment_id.user_ids.ids
            user_id = min(team, key=lambda u: (load[u][0] + load[u][1] / mean_amount, u))
            load[user_id][0] += 1
            load[user_id][1] += case.amount_overdue
            by_user[user_id].append(case.id)
        for user_id, case_ids in by_user.items():
            self.env["collection.case"].browse(case_ids).with_context(collection_engine_assign=True).write(
                {"user_id": user_id})

    # ------------------------------------------------------------------ 6. claim due steps
    def _cancel_stale_executions(self, cases):
        """Pending or failed steps of an earlier stage entry (or of a closed case) are never sent any more."""
        Execution = self.env["collection.step.execution"]
        waiting = Execution.search([("case_id", "in", cases.ids), ("state", "in", ("pending", "failed"))])
        stale = waiting.filtered(lambda e: e.case_id.state != "open"
                                 or e.stage_history_id != e.case_id.stage_history_id)
        if stale:
            stale.write({"state": "cancelled",
                         "error": self.env._("The case left the stage this step belonged to before it ran.")})
        return waiting - stale

    def _claim_steps(self, cases, today, summary, dry_run, paused_ids=(), waiting=None):
        """Insert one execution per due (case, stage entry, step); return the rows this run inserted and retries.

        A case is paused while it has an open promise whose date has not passed,
        or while all its actionable debt is under an active payment plan
        (``paused_ids``); below the company's minimum amount nothing is sent.
        Retries of pending or failed steps obey the same rules.
        """
        Execution = self.env["collection.step.execution"]
        if not cases:
            return Execution
        # plain rows: this loop runs over every case of the batch and every step of its strategy
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT c.id, c.company_id, c.stage_id, c.stage_history_id, c.stage_date, c.segment_id,
                   seg.strategy_id, c.amount_overdue, c.amount_due, s.day_from
              FROM collection_case c
              JOIN collection_stage s ON s.id = c.stage_id
              JOIN collection_case_stage_history h ON h.id = c.stage_history_id AND h.catch_up IS NOT TRUE
         LEFT JOIN collection_segment seg ON seg.id = c.segment_id
             WHERE c.id = ANY(%s) AND c.state = 'open'
            """, cases.ids))
        rows = self.env.cr.fetchall()
        actionable = self.env["collection.case"].browse([row[0] for row in rows])
        if not actionable:
            return Execution
        promised = set(self.env["collection.promise"].search(
            [("case_id", "in", actionable.ids), ("state", "=", "open"), ("date", ">=", today)]).case_id.ids)
        paused = set(promised) | set(paused_ids)
        companies = {row[1] for row in rows}
        company_records = self.env["res.company"].browse(companies)
        minimum_of = {company.id: company.collection_min_amount for company in company_records}
        default_strategy = {company.id: company.collection_strategy_id.id for company in company_records}
        strategy_ids = {row[6] for row in rows if row[6]} | {sid for sid in default_strategy.values() if sid}
        steps_of = defaultdict(list)
        for step in self.env["collection.strategy"].browse(strategy_ids).step_ids:
            steps_of[step.strategy_id.id].append(
                (step.id, step.stage_id.id, step.segment_id.id, step.day_offset, step.channel))
        blocked_ids = set()
        for case_id, company_id, _stage, _hid, _date, _seg, _strategy, overdue, due, day_from in rows:
            minimum = minimum_of[company_id]
            threshold = overdue if day_from > 0 else due
            if case_id in paused or (minimum and threshold < minimum):
                blocked_ids.add(case_id)

        candidates, next_action = [], {}
        for case_id, company_id, stage_id, history_id, stage_date, segment_id, strategy_id, *_rest in rows:
            steps = steps_of.get(strategy_id or default_strategy.get(company_id))
            if not steps:
                continue
            entered = stage_date or today
            days_in_stage = (today - entered).days
            for step_id, step_stage, step_segment, offset, channel in steps:
                if step_stage != stage_id or (step_segment and step_segment != segment_id):
                    continue
                if offset > days_in_stage:
                    due_on = entered + timedelta(days=offset)
                    next_action[case_id] = min(next_action.get(case_id, due_on), due_on)
                    continue
                if case_id in blocked_ids:
                    continue
                candidates.append((case_id, history_id, step_id, channel))
        self._write_next_action(actionable, next_action, promised, today)
        if waiting is None:
            waiting = Execution.search([("case_id", "in", actionable.ids), ("state", "in", ("pending", "failed"))])
        actionable_ids = set(actionable.ids)
        retry = waiting.filtered(lambda e: e.case_id.id in actionable_ids and e.case_id.id not in blocked_ids
                                 and (e.state == "pending" or e.retry_count < MAX_RETRIES))
        if not candidates:
            return retry
        now = fields.Datetime.now()
        self.env.cr.execute(SQL(
            """
            INSERT INTO collection_step_execution
                   (case_id, stage_history_id, step_id, channel, state, retry_count, partner_id, company_id,
                    create_uid, create_date, write_uid, write_date)
            SELECT v.case_id, v.hid, v.step_id, v.channel, 'pending', 0, c.partner_id, c.company_id,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM %(rows)s
              JOIN collection_case c ON c.id = v.case_id
            ON CONFLICT (case_id, stage_history_id, step_id) DO NOTHING
            RETURNING id
            """,
            uid=self.env.uid, now=now,
            rows=self.env["collection.sql"]._rows_sql([("case_id", "int"), ("hid", "int"), ("step_id", "int"), ("channel", "varchar")],
                                candidates),
        ))
        claimed = Execution.browse([row[0] for row in self.env.cr.fetchall()])
        summary.setdefault("case_ids", set()).update(claimed.case_id.ids)
        if summary["details"].limit:
            channels = dict(Execution._fields["channel"]._description_selection(self.env))
            summary["details"] += [("step", e.case_id.partner_id.display_name,
                                    f"{e.step_id.name} ({channels.get(e.channel, e.channel)})") for e in claimed]
        if dry_run:
            summary["executions_done"] += len(claimed)
        return claimed | retry

    def _write_next_action(self, cases, next_action, paused, today):
        promise_dates = {}
        for case, date in self.env["collection.promise"]._read_group(
            [("case_id", "in", list(paused)), ("state", "=", "open")], ["case_id"], ["date:min"],
        ):
            promise_dates[case.id] = date
        values = []
        for case in cases:
            dates = [d for d in (next_action.get(case.id), promise_dates.get(case.id)) if d]
            values.append((case.id, min(dates) if dates else None))
        self.env.cr.execute(SQL(
            """
            UPDATE collection_case c SET next_action_date = v.d
              FROM %s
             WHERE c.id = v.id AND c.next_action_date IS DISTINCT FROM v.d
            """, self.env["collection.sql"]._rows_sql([("id", "int"), ("d", "date")], values)))
        cases.invalidate_recordset(["next_action_date"])
