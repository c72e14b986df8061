from odoo import api, fields, models
from odoo.tools import SQL

COUNTERS = ("debtors", "cases_opened", "cases_closed", "stage_changes", "invoices_updated", "executions_done",
            "executions_failed", "promises_kept", "promises_broken", "legal_records")


class CollectionRun(models.Model):
    """One daily run: where it is (the last debtor done) and what it did so far.

    Kept in its own small table, written with one UPDATE per batch, rather than
    in ``ir.config_parameter`` (every write there clears the registry caches of
    every worker). It is also what "Run Collections Now" shows as the last run.
    """

    _name = "collection.run"
    _description = "Collections daily run"
    _order = "date desc, id desc"

    date = fields.Date(required=True, readonly=True)
    state = fields.Selection([("running", "Running"), ("done", "Done")], default="running", required=True,
                             readonly=True)
    last_partner_id = fields.Integer("Last debtor done", readonly=True,
                                     help="Debtors are processed in id order; a resumed run starts after this one.")
    date_start = fields.Datetime("Started", readonly=True)
    date_end = fields.Datetime("Finished", readonly=True)
    debtors = fields.Integer(readonly=True)
    cases_opened = fields.Integer(readonly=True)
    cases_closed = fields.Integer(readonly=True)
    stage_changes = fields.Integer(readonly=True)
    invoices_updated = fields.Integer(readonly=True)
    executions_done = fields.Integer("Steps done", readonly=True)
    executions_failed = fields.Integer("Steps failed", readonly=True)
    promises_kept = fields.Integer(readonly=True)
    promises_broken = fields.Integer(readonly=True)
    legal_records = fields.Integer(readonly=True)

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
    def _for_day(self, day):
        """The run of ``day``, created if missing (ON CONFLICT: two workers get the same row)."""
        self.env.cr.execute(SQL(
            """
            INSERT INTO collection_run (date, state, last_partner_id, date_start, create_uid, create_date,
                                        write_uid, write_date)
            VALUES (%(day)s, 'running', 0, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC',
                    %(uid)s, now() AT TIME ZONE 'UTC')
            ON CONFLICT (date) DO NOTHING
            """, day=day, uid=self.env.uid))
        self.env.cr.execute(SQL("SELECT id FROM collection_run WHERE date = %s", day))
        return self.browse(self.env.cr.fetchone()[0])

    def _advance(self, last_partner_id, summary_delta, done=False):
        """Record a batch: the cursor moves on and the counters grow, in one UPDATE."""
        self.ensure_one()
        self.env.cr.execute(SQL(
            """
            UPDATE collection_run SET last_partner_id = GREATEST(last_partner_id, %(last)s),
                   state = %(state)s, date_end = CASE WHEN %(done)s THEN now() AT TIME ZONE 'UTC' END,
                   write_date = now() AT TIME ZONE 'UTC', %(counters)s
             WHERE id = %(id)s
            """,
            last=last_partner_id, state="done" if done else "running", done=done, id=self.id,
            counters=SQL(", ").join(
                SQL("%s = COALESCE(%s, 0) + %s", SQL.identifier(name), SQL.identifier(name),
                    int(summary_delta.get(name, 0)))
                for name in COUNTERS),
        ))
        self.invalidate_recordset()
