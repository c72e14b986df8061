from odoo import fields, models
from odoo.tools import SQL

from .collection_interaction import INTERACTION_CHANNELS


class CollectionContactReport(models.Model):
    """Contact KPIs, one row per logged contact or attempt (SQL view).

    Rates are averages of 0/100 values over the rows they are defined on (NULL
    elsewhere), so any grouping (collector, channel, segment, stage, period)
    gives the right ratio: contact rate = contacts / outbound attempts;
    right-party rate = right-party contacts / outbound attempts; promises per
    right-party contact; promises kept = kept / decided promises (count, the
    promise model's one definition, as the promises report) and kept amount /
    promised amount. The cash collected within 7 days is each
    payment (or bank line) reconciled with the debtor's receivables, in company
    currency, counted once: on the latest contact of the case in the 7 days
    before the payment's date.
    """

    _name = "collection.contact.report"
    _description = "Contact KPIs"
    _auto = False
    _order = "date desc"
    # what the view reads: flushed before every query on it
    _depends = {
        "collection.interaction": ["date", "case_id", "partner_id", "company_id", "user_id", "channel", "direction",
                                   "automatic", "outcome_id", "stage_id", "segment_id", "contact", "right_party",
                                   "promise_id"],
        "collection.promise": ["state", "amount"],
        "account.partial.reconcile": ["amount", "debit_move_id", "credit_move_id"],
        "account.move.line": ["partner_id", "company_id", "account_id", "move_id"],
        "account.move": ["date", "origin_payment_id", "statement_line_id"],
    }

    date = fields.Datetime(readonly=True)
    case_id = fields.Many2one("collection.case", readonly=True)
    partner_id = fields.Many2one("res.partner", "Debtor", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    user_id = fields.Many2one("res.users", "Collector", readonly=True)
    channel = fields.Selection(INTERACTION_CHANNELS, readonly=True)
    direction = fields.Selection([("outbound", "We contacted them"), ("inbound", "They contacted us")], readonly=True)
    automatic = fields.Boolean(readonly=True)
    outcome_id = fields.Many2one("collection.outcome", readonly=True)
    stage_id = fields.Many2one("collection.stage", readonly=True)
    segment_id = fields.Many2one("collection.segment", readonly=True)
    attempt_count = fields.Integer("Attempts", readonly=True)
    contact_count = fields.Integer("Contacts", readonly=True)
    right_party_count = fields.Integer("Right-party contacts", readonly=True)
    promise_count = fields.Integer("Promises", readonly=True)
    promise_kept_count = fields.Integer("Promises kept", readonly=True)
    promise_amount = fields.Monetary("Promised", readonly=True)
    promise_kept_amount = fields.Monetary("Promised and kept", readonly=True)
    collected_7d = fields.Monetary("Collected within 7 days", readonly=True)
    contact_rate = fields.Float("Contact rate (%)", aggregator="avg", readonly=True)
    right_party_rate = fields.Float("Right-party rate (%)", aggregator="avg", readonly=True)
    promise_rate = fields.Float("Promises per right-party contact (%)", aggregator="avg", readonly=True)
    kept_rate = fields.Float("Promises kept (%)", aggregator="avg", readonly=True)

    @property
    def _table_query(self):
        cash = self.env["collection.engine"]._case_cash_sql(SQL(
            "EXISTS (SELECT 1 FROM collection_interaction ci WHERE ci.case_id = cc.id AND ci.contact)"))
        return SQL(
            """
            WITH cash AS (
                %(cash)s
            ), credited AS (
                -- each payment to the latest contact of its case in the 7 days before it
                SELECT DISTINCT ON (cash.id) cash.id, cash.amount, i.id AS interaction_id
                  FROM cash
                  JOIN collection_interaction i ON i.case_id = cash.case_id AND i.contact
                   AND (i.date AT TIME ZONE 'UTC')::date <= cash.paid_on
                   AND (i.date AT TIME ZONE 'UTC')::date > cash.paid_on - 7
                 ORDER BY cash.id, i.date DESC, i.id DESC
            ), collected AS (
                SELECT interaction_id, SUM(amount) AS amount FROM credited GROUP BY interaction_id
            )
            SELECT i.id, i.date, i.case_id, i.partner_id, i.company_id, rc.currency_id, i.user_id, i.channel,
                   i.direction, COALESCE(i.automatic, false) AS automatic, i.outcome_id, i.stage_id, i.segment_id,
                   (i.direction = 'outbound')::int AS attempt_count,
                   COALESCE(i.contact, false)::int AS contact_count,
                   COALESCE(i.right_party, false)::int AS right_party_count,
                   (p.id IS NOT NULL)::int AS promise_count,
                   (p.state = 'kept')::int AS promise_kept_count,
                   COALESCE(p.amount, 0) AS promise_amount,
                   CASE WHEN p.state = 'kept' THEN p.amount ELSE 0 END AS promise_kept_amount,
                   COALESCE(collected.amount, 0) AS collected_7d,
                   CASE WHEN i.direction = 'outbound' THEN COALESCE(i.contact, false)::int * 100.0 END AS contact_rate,
                   CASE WHEN i.direction = 'outbound' THEN COALESCE(i.right_party, false)::int * 100.0 END
                       AS right_party_rate,
                   CASE WHEN i.right_party THEN (p.id IS NOT NULL)::int * 100.0 END AS promise_rate,
                   %(kept_rate)s AS kept_rate
              FROM collection_interaction i
              JOIN res_company rc ON rc.id = i.company_id
              LEFT JOIN collection_promise p ON p.id = i.promise_id AND p.state != 'cancelled'
              LEFT JOIN collected ON collected.interaction_id = i.id
            """, cash=cash, kept_rate=self.env["collection.promise"]._kept_rate_sql("p"))
