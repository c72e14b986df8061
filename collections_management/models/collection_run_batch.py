from odoo import fields, models
from odoo.tools import SQL

from .collection_run import COUNTERS


class CollectionRunBatch(models.Model):
    """A batch of one day's debtors: claimed by one worker at a time, done once."""

    _name = "collection.run.batch"
    _description = "Collections daily run batch"
    _log_access = False
    _order = "run_id, sequence"

    run_id = fields.Many2one("collection.run", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(required=True)
    partner_ids = fields.Json("Debtors", required=True)
    state = fields.Selection([("pending", "Pending"), ("done", "Done")], required=True, default="pending")
    date_done = fields.Datetime()
    debtors = fields.Integer("Debtors examined")
    cases_opened = fields.Integer()
    cases_closed = fields.Integer()
    stage_changes = fields.Integer()
    invoices_updated = fields.Integer()
    executions_done = fields.Integer()
    executions_failed = fields.Integer()
    promises_kept = fields.Integer()
    promises_broken = fields.Integer()
    legal_records = fields.Integer()

    _sequence_uniq = models.Constraint("UNIQUE(run_id, sequence)", "A batch is planned once per run.")

    def _done(self, summary_delta):
        """Record the batch as done with what it did, in the claiming worker's transaction."""
        self.ensure_one()
        self.env.cr.execute(SQL(
            "UPDATE collection_run_batch SET state = 'done', date_done = now() AT TIME ZONE 'UTC', %s WHERE id = %s",
            SQL(", ").join(SQL("%s = %s", SQL.identifier(name), int(summary_delta.get(name, 0)))
                           for name in COUNTERS),
            self.id))
