import json

import psycopg2.errors

from odoo import api, fields, models
from odoo.tools import SQL

COUNTERS = ("debtors", "cases_opened", "cases_closed", "stage_changes", "invoices_updated", "executions_done",
            "executions_failed", "promises_kept", "promises_broken", "legal_records")


class CollectionRun(models.Model):
    """One daily run: its debtors split into batches, which batches are done, and what they did.

    The run's own worker plans the batches once; then every worker (the daily
    cron and its second worker) claims the next pending batch with
    ``FOR UPDATE SKIP LOCKED``, processes it and marks it done in the same
    transaction, so a batch is done exactly once and a dead worker's batch goes
    back to the others. Kept in its own small tables rather than in
    ``ir.config_parameter`` (every write there clears the registry caches of
    every worker). It is also what "Run Collections Now" shows as the last run.
    """

    _name = "collection.run"
    _description = "Collections daily run"
    _order = "date desc, id desc"

    date = fields.Date(required=True, readonly=True)
    state = fields.Selection([("running", "Running"), ("done", "Done")], default="running", required=True,
                             readonly=True)
    date_start = fields.Datetime("Started", readonly=True)
    date_end = fields.Datetime("Finished", readonly=True)
    planned = fields.Boolean(readonly=True, help="Its debtors are split into batches that workers claim.")
    incremental_since = fields.Date(
        "Changes since", readonly=True,
        help="Day of the last complete run this run looked at the changes since (empty: the whole book).")
    batch_ids = fields.One2many("collection.run.batch", "run_id", readonly=True)
    # what the run did: sums of its batches (each worker writes its own batch rows, never this one)
    debtors = fields.Integer(compute="_compute_counters")
    cases_opened = fields.Integer(compute="_compute_counters")
    cases_closed = fields.Integer(compute="_compute_counters")
    stage_changes = fields.Integer(compute="_compute_counters")
    invoices_updated = fields.Integer(compute="_compute_counters")
    executions_done = fields.Integer("Steps done", compute="_compute_counters")
    executions_failed = fields.Integer("Steps failed", compute="_compute_counters")
    promises_kept = fields.Integer(compute="_compute_counters")
    promises_broken = fields.Integer(compute="_compute_counters")
    legal_records = fields.Integer(compute="_compute_counters")

    _date_uniq = models.Constraint("UNIQUE(date)", "One daily run per day.")

    def _incremental_since(self):
        """The day of the last complete run when today's run may look at what changed since then only.

        ``None`` (look at the whole book) for the first run, after a gap of more
        than a month, or when the rules changed since that run: stages,
        strategies, steps, segments or a company's collections settings.
        """
        self.ensure_one()
        previous = self.search([("date", "<", self.date), ("state", "=", "done")], order="date desc", limit=1)
        if not previous or (self.date - previous.date).days > 31:
            return None
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT GREATEST((SELECT MAX(write_date) FROM collection_stage),
                            (SELECT MAX(write_date) FROM collection_strategy),
                            (SELECT MAX(write_date) FROM collection_strategy_step),
                            (SELECT MAX(write_date) FROM collection_segment),
                            (SELECT MAX(write_date) FROM res_company))
            """))
        changed = self.env.cr.fetchone()[0]
        if changed and changed > (previous.date_start or previous.create_date):
            return None
        return previous.date

    @api.model
    def _for_day(self, day, create=True):
        """The run of ``day``, created if missing and ``create`` (ON CONFLICT: two workers get the same row).

        An existing run is read first: inserting over a row another worker updated since this
        transaction began would be a serialization failure under Odoo's repeatable read.
        """
        self.env.cr.execute(SQL("SELECT id FROM collection_run WHERE date = %s", day))
        row = self.env.cr.fetchone()
        if row or not create:
            return self.browse(row and row[0])
        self.env.cr.execute(SQL(
            """
            INSERT INTO collection_run (date, state, planned, date_start, create_uid, create_date,
                                        write_uid, write_date)
            VALUES (%(day)s, 'running', FALSE, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC',
                    %(uid)s, now() AT TIME ZONE 'UTC')
            ON CONFLICT (date) DO NOTHING
            """, day=day, uid=self.env.uid))
        self.env.cr.execute(SQL("SELECT id FROM collection_run WHERE date = %s", day))
        return self.browse(self.env.cr.fetchone()[0])

    @api.depends("batch_ids.state")
    def _compute_counters(self):
        sums = {run.id: dict.fromkeys(COUNTERS, 0) for run in self}
        if self.ids:
            self.env.flush_all()
            self.env.cr.execute(SQL(
                "SELECT run_id, %s FROM collection_run_batch WHERE run_id = ANY(%s) GROUP BY run_id",
                SQL(", ").join(SQL("COALESCE(SUM(%s), 0)", SQL.identifier(name)) for name in COUNTERS),
                self.ids))
            for run_id, *values in self.env.cr.fetchall():
                sums[run_id] = dict(zip(COUNTERS, values, strict=True))
        for run in self:
            run.update(sums.get(run.id) or dict.fromkeys(COUNTERS, 0))

    def _plan(self, debtor_ids, size, since=None):
        """Split the day's debtors into batches, in one INSERT (the run's own worker, once)."""
        self.ensure_one()
        batches = [debtor_ids[start:start + size] for start in range(0, len(debtor_ids), size)]
        if batches:
            self.env.cr.execute(SQL(
                """
                INSERT INTO collection_run_batch (run_id, sequence, partner_ids, state)
                SELECT %s, v.seq, v.ids::jsonb, 'pending' FROM (VALUES %s) AS v(seq, ids)
                """, self.id,
                SQL(", ").join(SQL("(%s, %s)", index, json.dumps(batch)) for index, batch in enumerate(batches))))
        self.env.cr.execute(SQL(
            "UPDATE collection_run SET planned = TRUE, incremental_since = %s WHERE id = %s",
            since, self.id))
        self.invalidate_recordset()
        return len(batches)

    def _claim_batch(self, fresh_snapshot=False):
        """The next pending batch no other worker holds (``FOR UPDATE SKIP LOCKED``), or None.

        The row stays locked until the claiming transaction ends: a worker that
        dies mid-batch rolls back and releases it, and the next worker takes it.

        Odoo's transactions are repeatable read: when another worker commits a
        batch as done after this transaction's snapshot was taken, locking that
        row raises a serialization failure instead of skipping it. With
        ``fresh_snapshot`` (the caller has nothing uncommitted: a cron that
        just committed its previous batch, or a step-by-step caller) the
        transaction is rolled back and the claim retried on a new snapshot.
        """
        self.ensure_one()
        claim = SQL(
            """
            SELECT id, partner_ids FROM collection_run_batch
             WHERE run_id = %s AND state = 'pending'
             ORDER BY sequence LIMIT 1
               FOR UPDATE SKIP LOCKED
            """, self.id)
        for _attempt in range(10):
            if not fresh_snapshot:
                self.env.cr.execute(claim)
                break
            try:
                self.env.cr.execute(claim, log_exceptions=False)
                break
            except psycopg2.errors.SerializationFailure:
                self.env.cr.rollback()
        else:
            return None  # ten collisions in a row: the other workers have the day in hand
        row = self.env.cr.fetchone()
        return row and (row[0], row[1])

    def _pending_count(self):
        self.ensure_one()
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM collection_run_batch WHERE run_id = %s AND state = 'pending'",
                                self.id))
        return self.env.cr.fetchone()[0]

    def _finish_if_complete(self):
        """Mark the run done when no batch is left; True when this worker saw it complete.

        Two workers can see it at once: Odoo's repeatable-read transactions make
        the second UPDATE of the same row fail, which a savepoint absorbs.
        """
        self.ensure_one()
        if self._pending_count():
            return False
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(SQL(
                    """
                    UPDATE collection_run SET state = 'done', date_end = now() AT TIME ZONE 'UTC',
                           write_date = now() AT TIME ZONE 'UTC'
                     WHERE id = %s AND state = 'running'
                    """, self.id))
                finished = self.env.cr.rowcount == 1
        except psycopg2.errors.SerializationFailure:
            return False
        self.invalidate_recordset()
        return finished

    def _finish_stale_runs(self):
        """Mark done the earlier runs left running with every batch done; True when there were some.

        Self-healing for runs whose last worker stopped before marking them done: without it the next
        morning finds no complete run to start from and reads the whole book. Each is dated by its last batch.
        """
        self.ensure_one()
        self.env.cr.execute(SQL(
            """
            UPDATE collection_run run
               SET state = 'done', write_date = now() AT TIME ZONE 'UTC',
                   date_end = (SELECT MAX(batch.date_done) FROM collection_run_batch batch WHERE batch.run_id = run.id)
             WHERE run.date < %s AND run.state = 'running' AND run.planned
               AND NOT EXISTS (SELECT 1 FROM collection_run_batch batch
                                WHERE batch.run_id = run.id AND batch.state = 'pending')
            RETURNING run.id
            """, self.date))
        finished = self.env.cr.fetchall()
        if finished:
            self.browse([row[0] for row in finished]).invalidate_recordset()
        return bool(finished)

    def _reset(self):
        """Start the day's run again from its first debtor (Run now on a large book)."""
        self.ensure_one()
        self.env.cr.execute(SQL("DELETE FROM collection_run_batch WHERE run_id = %s", self.id))
        self.env.cr.execute(SQL(
            "UPDATE collection_run SET state = 'running', planned = FALSE, date_end = NULL WHERE id = %s", self.id))
        self.invalidate_recordset()
