from odoo import fields, models
from odoo.addons.collections_management.models.collection_promise import PROMISE_SOURCES
from odoo.tools import SQL


class CollectionPromiseReport(models.Model):
    """Promises to pay and how they ended, one row per promise not withdrawn (SQL view).

    *Promises kept (%)* averages 100/0 over the decided promises (kept or
    broken) only, so it is right for any grouping; *Kept amount* / *Decided
    amount* gives the same by amount.
    """

    _name = "collection.promise.report"
    _description = "Promises kept"
    _auto = False
    _order = "date desc"
    _depends = {
        "collection.promise": ["case_id", "date", "create_date_only", "amount", "amount_paid", "state", "source",
                               "user_id", "company_id", "partner_id"],
        "collection.case": ["user_id", "segment_id", "stage_id"],
    }

    date = fields.Date("Promised date", readonly=True)
    made_on = fields.Date("Promised on", readonly=True)
    promise_id = fields.Many2one("collection.promise", readonly=True)
    case_id = fields.Many2one("collection.case", readonly=True)
    partner_id = fields.Many2one("res.partner", "Debtor", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    recorded_by_id = fields.Many2one("res.users", "Recorded by", readonly=True)
    user_id = fields.Many2one("res.users", "Collector", readonly=True)
    segment_id = fields.Many2one("collection.segment", readonly=True)
    stage_id = fields.Many2one("collection.stage", readonly=True)
    source = fields.Selection(PROMISE_SOURCES, readonly=True)
    state = fields.Selection([("open", "Pending"), ("kept", "Kept"), ("broken", "Broken")], readonly=True)
    promise_count = fields.Integer("Promises", readonly=True)
    kept_count = fields.Integer("Kept", readonly=True)
    broken_count = fields.Integer("Broken", readonly=True)
    amount = fields.Monetary("Promised", readonly=True)
    amount_paid = fields.Monetary("Paid since the promise", readonly=True)
    amount_decided = fields.Monetary("Decided amount", readonly=True, help="Promised amount of kept and broken ones.")
    amount_kept = fields.Monetary("Kept amount", readonly=True)
    kept_rate = fields.Float("Promises kept (%)", aggregator="avg", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT p.id, p.id AS promise_id, p.date, p.create_date_only AS made_on, p.case_id, p.partner_id,
                   p.company_id, rc.currency_id, p.user_id AS recorded_by_id, c.user_id, c.segment_id, c.stage_id,
                   p.source, p.state, 1 AS promise_count, (p.state = 'kept')::int AS kept_count,
                   (p.state = 'broken')::int AS broken_count, p.amount, COALESCE(p.amount_paid, 0) AS amount_paid,
                   CASE WHEN p.state IN ('kept', 'broken') THEN p.amount ELSE 0 END AS amount_decided,
                   CASE WHEN p.state = 'kept' THEN p.amount ELSE 0 END AS amount_kept,
                   %(kept_rate)s AS kept_rate
              FROM collection_promise p
              JOIN collection_case c ON c.id = p.case_id
              JOIN res_company rc ON rc.id = p.company_id
             WHERE p.state != 'cancelled'
            """, kept_rate=self.env["collection.promise"]._kept_rate_sql("p"))
