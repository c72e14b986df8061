from odoo import fields, models
from odoo.tools import SQL


class CollectionRecoveryReport(models.Model):
    """Recovery by stage: one row per entry of a case into a stage (SQL view, company currency).

    *Entered* is what the case had overdue when it entered the stage; *Recovered*
    the cash (payments and bank lines, not credit notes) reconciled with the
    debtor's receivables from that day until the case left the stage, at most
    what entered. *Recovery rate* = recovered / entered, exact in any grouping
    (stage, segment, collector, month of entry, company).
    """

    _name = "collection.recovery.report"
    _inherit = ["collection.report.ratio"]
    _description = "Recovery rate by stage"
    _auto = False
    _order = "date_entered desc, id desc"
    _collection_ratios = {"recovery_rate": ("amount_recovered", "amount_entered")}
    _depends = {
        "collection.case.stage.history": ["case_id", "stage_to_id", "date", "amount_entered", "catch_up"],
        "collection.case": ["segment_id", "user_id", "partner_id", "company_id"],
        "account.partial.reconcile": ["amount", "debit_move_id", "credit_move_id"],
    }

    case_id = fields.Many2one("collection.case", readonly=True)
    partner_id = fields.Many2one("res.partner", "Debtor", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    stage_id = fields.Many2one("collection.stage", readonly=True)
    segment_id = fields.Many2one("collection.segment", readonly=True)
    user_id = fields.Many2one("res.users", "Collector", readonly=True)
    date_entered = fields.Date("Entered on", readonly=True)
    date_left = fields.Date("Left on", readonly=True)
    catch_up = fields.Boolean("First-run placement", readonly=True)
    entry_count = fields.Integer("Entries", readonly=True)
    amount_entered = fields.Monetary("Entered", readonly=True)
    amount_recovered = fields.Monetary("Recovered", readonly=True)
    recovery_rate = fields.Float("Recovery rate (%)", aggregator="avg", readonly=True)

    @property
    def _table_query(self):
        cash = self.env["collection.engine"]._case_cash_sql(SQL("TRUE"))
        return SQL(
            """
            WITH entries AS (
                SELECT h.id, h.case_id, h.stage_to_id, h.catch_up, h.amount_entered,
                       (h.date AT TIME ZONE 'UTC')::date AS date_entered,
                       (LEAD(h.date) OVER (PARTITION BY h.case_id ORDER BY h.date, h.id) AT TIME ZONE 'UTC')::date
                           AS date_left,
                       LEAD(h.stage_to_id IS NULL) OVER (PARTITION BY h.case_id ORDER BY h.date, h.id) AS left_closed
                  FROM collection_case_stage_history h
            ), cash AS (
                %(cash)s
            ), recovered AS (
                -- the cash of every case at once, matched to the stage entry it fell in (a join, not a look-up
                -- per entry): paid while the case was in the stage (the payment that closes the case, on the
                -- day it closes, included) on a debt already overdue when the case entered it
                SELECT e.id, SUM(cash.amount) AS amount
                  FROM entries e
                  JOIN cash ON cash.case_id = e.case_id AND cash.paid_on >= e.date_entered
                           AND cash.due_on < e.date_entered
                           AND (e.date_left IS NULL OR cash.paid_on < e.date_left
                                OR (e.left_closed AND cash.paid_on = e.date_left))
                 WHERE e.stage_to_id IS NOT NULL
                 GROUP BY e.id
            )
            SELECT e.id, e.case_id, c.partner_id, c.company_id, rc.currency_id, e.stage_to_id AS stage_id,
                   c.segment_id, c.user_id, e.date_entered, e.date_left, COALESCE(e.catch_up, FALSE) AS catch_up,
                   1 AS entry_count, e.amount_entered,
                   LEAST(e.amount_entered, COALESCE(r.amount, 0)) AS amount_recovered,
                   100.0 * LEAST(e.amount_entered, COALESCE(r.amount, 0)) / NULLIF(e.amount_entered, 0)
                       AS recovery_rate
              FROM entries e
              JOIN collection_case c ON c.id = e.case_id
              JOIN res_company rc ON rc.id = c.company_id
              LEFT JOIN recovered r ON r.id = e.id
             WHERE e.stage_to_id IS NOT NULL
            """, cash=cash)
