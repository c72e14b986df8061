from odoo import fields, models
from odoo.tools import SQL


class CollectionPlanComplianceReport(models.Model):
    """Payment-plan compliance: one row per installment of a plan that was activated (SQL view).

    Cash reconciled with the plan's invoices while it ran is applied to the
    installments in date order (as the plan itself does). An installment is
    *kept* when the cash received by its date plus the plan's grace days covers
    it and every earlier one; it is *decided* once kept or once that deadline
    has passed while the plan was still running. *Compliance (%)* counts kept
    over decided installments; *Compliance by amount (%)* is principal paid on
    time over principal decided, exact in any grouping. Amounts in the plan's
    currency, and in the company's at today's rate (sums across currencies);
    interest invoices are left out.
    """

    _name = "collection.plan.compliance.report"
    _inherit = ["collection.report.ratio"]
    _description = "Payment plan compliance"
    _auto = False
    _order = "date desc, id desc"
    _collection_ratios = {"amount_compliance_rate": ("amount_on_time", "amount_decided")}
    _depends = {
        "collection.payment.plan": ["case_id", "state", "activation_date", "ended_at", "grace_days", "move_ids"],
        "collection.payment.plan.line": ["plan_id", "date", "amount", "sequence"],
        "collection.case": ["segment_id", "user_id"],
        "res.currency.rate": ["rate", "name", "currency_id", "company_id"],
        "account.partial.reconcile": ["amount", "debit_amount_currency", "debit_move_id", "credit_move_id"],
    }

    plan_id = fields.Many2one("collection.payment.plan", readonly=True)
    case_id = fields.Many2one("collection.case", readonly=True)
    partner_id = fields.Many2one("res.partner", "Debtor", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    segment_id = fields.Many2one("collection.segment", readonly=True)
    user_id = fields.Many2one("res.users", "Collector", readonly=True)
    plan_state = fields.Selection(
        [("active", "Active"), ("completed", "Completed"), ("broken", "Broken"), ("cancelled", "Cancelled"),
         ("restructured", "Restructured")], readonly=True)
    date = fields.Date("Installment date", readonly=True)
    deadline = fields.Date("Paid by (with grace)", readonly=True)
    installment_count = fields.Integer("Installments", readonly=True)
    decided_count = fields.Integer("Decided", readonly=True)
    kept_count = fields.Integer("Kept", readonly=True)
    amount = fields.Monetary("Principal", readonly=True)
    amount_decided = fields.Monetary("Principal decided", readonly=True)
    amount_on_time = fields.Monetary("Paid on time", readonly=True)
    company_currency_id = fields.Many2one("res.currency", "Company currency", readonly=True)
    amount_company = fields.Monetary("Principal (company currency)", currency_field="company_currency_id",
                                     readonly=True)
    amount_decided_company = fields.Monetary("Principal decided (company currency)",
                                             currency_field="company_currency_id", readonly=True)
    amount_on_time_company = fields.Monetary("Paid on time (company currency)", currency_field="company_currency_id",
                                             readonly=True)
    compliance_rate = fields.Float("Compliance (%)", aggregator="avg", readonly=True)
    amount_compliance_rate = fields.Float("Compliance by amount (%)", aggregator="avg", readonly=True)

    @property
    def _table_query(self):
        cash = self.env["collection.payment.plan"]._collection_plan_cash_sql(SQL("TRUE"))
        return SQL(
            """
            WITH lines AS (
                SELECT l.id, l.plan_id, l.date, l.amount, l.date + COALESCE(p.grace_days, 0) AS deadline,
                       SUM(l.amount) OVER (PARTITION BY l.plan_id ORDER BY l.date, l.sequence, l.id) AS cumulated,
                       p.case_id, p.partner_id, p.company_id, p.currency_id, p.state, p.ended_at
                  FROM collection_payment_plan_line l
                  JOIN collection_payment_plan p ON p.id = l.plan_id
                 WHERE p.activation_date IS NOT NULL
            ), cash AS (
                %(cash)s
            ), received AS (
                -- the plan's cash received by each installment's deadline: one join, as recovery does
                SELECT lines.id, SUM(cash.amount) AS amount
                  FROM lines
                  JOIN cash ON cash.plan_id = lines.plan_id
                           AND cash.received_at <= lines.deadline
                 GROUP BY lines.id
            ), facts AS (
                SELECT lines.*, LEAST(lines.amount, GREATEST(0, COALESCE(r.amount, 0)
                                                              - (lines.cumulated - lines.amount))) AS on_time
                  FROM lines
                  LEFT JOIN received r ON r.id = lines.id
            ), decided AS (
                SELECT facts.*, facts.on_time >= facts.amount - 0.005 AS kept,
                       (facts.on_time >= facts.amount - 0.005
                        OR (facts.deadline < CURRENT_DATE
                            AND (facts.ended_at IS NULL OR facts.deadline < (facts.ended_at AT TIME ZONE 'UTC')::date)))
                           AS is_decided
                  FROM facts
            )
            SELECT d.id, d.plan_id, d.case_id, d.partner_id, d.company_id, d.currency_id,
                   rc.currency_id AS company_currency_id, c.segment_id, c.user_id,
                   d.state AS plan_state, d.date, d.deadline, 1 AS installment_count,
                   d.is_decided::int AS decided_count, d.kept::int AS kept_count, d.amount,
                   CASE WHEN d.is_decided THEN d.amount ELSE 0 END AS amount_decided,
                   CASE WHEN d.is_decided THEN d.on_time ELSE 0 END AS amount_on_time,
                   ROUND(d.amount * fx.factor, 2) AS amount_company,
                   CASE WHEN d.is_decided THEN ROUND(d.amount * fx.factor, 2) ELSE 0 END AS amount_decided_company,
                   CASE WHEN d.is_decided THEN ROUND(d.on_time * fx.factor, 2) ELSE 0 END AS amount_on_time_company,
                   CASE WHEN d.is_decided THEN d.kept::int * 100.0 END AS compliance_rate,
                   CASE WHEN d.is_decided THEN 100.0 * d.on_time / NULLIF(d.amount, 0) END AS amount_compliance_rate
              FROM decided d
              JOIN collection_case c ON c.id = d.case_id
              JOIN res_company rc ON rc.id = d.company_id
              -- the plan's currency in the company's at today's rate (the company's own rates first)
              CROSS JOIN LATERAL (SELECT %(factor)s AS factor) fx
            """, cash=cash, factor=self.env["collection.cash"]._to_company_currency_sql(
                SQL("d.currency_id"), SQL("d.company_id")))
