from odoo import fields, models
from odoo.tools import SQL

WEEKS = 13
SOURCES = [("plan", "Payment plan installments"), ("promise", "Promises to pay"),
           ("behaviour", "Open invoices (the debtor's habits)")]


class CollectionForecastWeek(models.Model):
    """Cash expected in each of the next 13 weeks, by what it is expected from (SQL view, company currency).

    - what is unpaid of the installments of active plans (the plan's cash pays them in date order), on their
      dates;
    - open promises, for what is still unpaid of them, on their dates;
    - every other open invoice of a debtor (not in an active plan, debtor without an open promise) on its
      due date moved by the debtor's own average days late over the last 12 months.
    What is already late is expected this week.
    """

    _name = "collection.forecast.week"
    _description = "13-week cash-collection forecast"
    _auto = False
    _order = "week, source"
    _depends = {
        "collection.payment.plan": ["state", "company_id", "activation_date", "ended_at", "move_ids"],
        "collection.payment.plan.line": ["date", "amount", "interest_amount", "plan_id", "interest_move_id"],
        "account.move": ["amount_residual", "amount_residual_signed", "state", "collection_interest_plan_id"],
        "collection.promise": ["state", "date", "amount", "amount_paid", "company_id", "case_id"],
        "account.move.line": ["amount_residual", "reconciled", "parent_state", "date", "date_maturity",
                              "partner_id", "account_id", "company_id"],
        "account.partial.reconcile": ["max_date", "debit_move_id"],
    }

    week = fields.Date("Week of", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    source = fields.Selection(SOURCES, readonly=True)
    amount = fields.Monetary("Expected", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            WITH weeks AS (
                SELECT w::date AS week
                  FROM generate_series(date_trunc('week', CURRENT_DATE),
                                       date_trunc('week', CURRENT_DATE) + interval '%(last)s weeks',
                                       interval '1 week') w
            ), habits AS (
                SELECT p.commercial_partner_id AS partner_id,
                       AVG(GREATEST(apr.max_date - COALESCE(dl.date_maturity, dl.date), 0)) AS days_late
                  FROM account_partial_reconcile apr
                  JOIN account_move_line dl ON dl.id = apr.debit_move_id
                  JOIN account_account a ON a.id = dl.account_id AND a.account_type = 'asset_receivable'
                  JOIN res_partner p ON p.id = dl.partner_id
                 WHERE apr.max_date >= CURRENT_DATE - 365
                 GROUP BY p.commercial_partner_id
            ), plan_cash AS (
                SELECT plan_id, SUM(amount) AS amount FROM (%(plan_cash)s) c GROUP BY plan_id
            ), plan_lines AS (
                -- the plan's cash pays its installments in date order: what is left of each is expected on
                -- its date (this week when already late), with the share of its interest not invoiced yet
                SELECT p.company_id, p.currency_id, l.date, l.amount, l.interest_amount, l.interest_move_id,
                       LEAST(l.amount, GREATEST(0, SUM(l.amount) OVER (PARTITION BY l.plan_id
                                                                        ORDER BY l.date, l.sequence, l.id)
                                                  - COALESCE(pc.amount, 0))) AS unpaid
                  FROM collection_payment_plan_line l
                  JOIN collection_payment_plan p ON p.id = l.plan_id AND p.state = 'active'
                  LEFT JOIN plan_cash pc ON pc.plan_id = p.id
            ), expected AS (
                -- in the company's currency (a plan in euros in a dollar company, at today's rate)
                SELECT company_id, GREATEST(date, CURRENT_DATE) AS day,
                       (unpaid + CASE WHEN interest_move_id IS NULL
                                      THEN COALESCE(interest_amount, 0) * unpaid / NULLIF(amount, 0) ELSE 0 END)
                       * %(plan_factor)s AS amount, 'plan' AS source
                  FROM plan_lines
                 WHERE unpaid > 0
                UNION ALL
                -- interest already invoiced: what is open on its invoice, on the installment's date (once: the
                -- invoices of a plan are not expected again by the debtors' habits below)
                SELECT im.company_id, GREATEST(l.date, CURRENT_DATE), im.amount_residual_signed, 'plan'
                  FROM collection_payment_plan_line l
                  JOIN collection_payment_plan p ON p.id = l.plan_id AND p.state = 'active'
                  JOIN account_move im ON im.id = l.interest_move_id AND im.state = 'posted'
                 WHERE im.amount_residual > 0
                UNION ALL
                SELECT pr.company_id, GREATEST(pr.date, CURRENT_DATE),
                       GREATEST(pr.amount - COALESCE(pr.amount_paid, 0), 0), 'promise'
                  FROM collection_promise pr
                 WHERE pr.state = 'open'
                UNION ALL
                SELECT l.company_id,
                       GREATEST(COALESCE(l.date_maturity, l.date) + COALESCE(h.days_late, 0)::int, CURRENT_DATE),
                       l.amount_residual, 'behaviour'
                  FROM account_move_line l
                  JOIN res_partner p ON p.id = l.partner_id
                  LEFT JOIN habits h ON h.partner_id = p.commercial_partner_id
                 WHERE %(receivable)s AND l.parent_state = 'posted' AND NOT l.reconciled AND l.amount_residual > 0
                   AND NOT %(in_plan)s
                   AND NOT EXISTS (SELECT 1 FROM collection_promise pr
                                     JOIN collection_case c ON c.id = pr.case_id
                                    WHERE pr.state = 'open' AND c.partner_id = p.commercial_partner_id
                                      AND c.company_id = l.company_id)
            ), by_day AS (
                -- summed per day before being put in its week (a few hundred days for a million items)
                SELECT company_id, source, day, SUM(amount) AS amount FROM expected GROUP BY 1, 2, 3
            ), by_week AS (
                SELECT date_trunc('week', day::timestamp)::date AS week, company_id, source, SUM(amount) AS amount
                  FROM by_day GROUP BY 1, 2, 3
            )
            SELECT row_number() OVER (ORDER BY w.week, w.company_id, w.source) AS id, w.week, w.company_id,
                   rc.currency_id, w.source, w.amount
              FROM by_week w
              JOIN res_company rc ON rc.id = w.company_id
             WHERE w.week <= (SELECT MAX(week) FROM weeks)
            """, last=SQL(str(WEEKS - 1)), plan_cash=self.env["collection.payment.plan"]._collection_plan_cash_sql(
                SQL("p.state = 'active'")), receivable=self.env["collection.aging.report"]._receivable_sql("l"),
            plan_factor=self.env["collection.cash"]._to_company_currency_sql(SQL("plan_lines.currency_id"),
                                                                         SQL("plan_lines.company_id")),
            in_plan=self.env["collection.overdue"]._in_active_plan_sql(SQL("l.move_id")))
