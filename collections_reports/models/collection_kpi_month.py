import calendar

from odoo import api, fields, models
from odoo.tools import SQL

MONTHS = 24


class CollectionKpiMonth(models.Model):
    """Receivables KPIs per company and month, for the last 24 months (SQL view, company currency).

    Read from posted receivable journal items:

    - **AR** at the start and the end of the month (sum of receivable balances
      dated up to then);
    - **credit sales** (receivable debits of customer invoices of the month) and
      **collections** (receivable credits of payments and bank lines of the month);
    - **current AR** at the month's end: what was still open then (reconciliations
      dated after the month's end do not count) on items not yet due then.

    Derived, per row: DSO by the count-back method (the month's end AR is
    covered by the sales of that month, then the month before, and so on,
    counting their days), best possible DSO (current AR / sales × days), ADD
    (average days delinquent = DSO − best DSO), CEI ((AR start + sales − AR end) /
    (AR start + sales − current AR end) × 100) and the share of AR current.
    """

    _name = "collection.kpi.month"
    _description = "Receivables KPIs per month"
    _auto = False
    _order = "company_id, month desc"
    _depends = {
        "account.move.line": ["account_id", "balance", "date", "date_maturity", "parent_state", "company_id",
                              "move_id"],
        "account.move": ["move_type", "origin_payment_id", "statement_line_id"],
        "account.partial.reconcile": ["amount", "max_date", "debit_move_id"],
        "account.account": ["account_type"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    month = fields.Date(readonly=True, help="First day of the month.")
    month_end = fields.Date(readonly=True)
    ar_begin = fields.Monetary("AR at start", readonly=True, aggregator=False)
    ar_end = fields.Monetary("AR at end", readonly=True, aggregator=False)
    ar_end_current = fields.Monetary("Current AR at end", readonly=True, aggregator=False)
    sales = fields.Monetary("Credit sales", readonly=True)
    collections = fields.Monetary("Cash collected", readonly=True)
    dso = fields.Float("DSO (count-back)", compute="_compute_kpis")
    best_dso = fields.Float("Best possible DSO", compute="_compute_kpis")
    add = fields.Float("Average days delinquent", compute="_compute_kpis")
    cei = fields.Float("CEI (%)", compute="_compute_kpis")
    current_share = fields.Float("AR current (%)", compute="_compute_kpis")

    @property
    def _table_query(self):
        return SQL(
            """
            WITH months AS (
                SELECT c.id AS company_id, c.currency_id, m::date AS month,
                       (m + interval '1 month - 1 day')::date AS month_end
                  FROM res_company c,
                       generate_series(date_trunc('month', CURRENT_DATE) - interval '%(back)s months',
                                       date_trunc('month', CURRENT_DATE), interval '1 month') m
            ), rec AS MATERIALIZED (
                SELECT l.id, l.company_id, l.date, l.balance, COALESCE(l.date_maturity, l.date) AS due,
                       m.move_type, (m.origin_payment_id IS NOT NULL OR m.statement_line_id IS NOT NULL) AS cash
                  FROM account_move_line l
                  JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                  JOIN account_move m ON m.id = l.move_id
                 WHERE l.parent_state = 'posted'
            ), agg AS (
                -- every receivable item against the 24 month ends at once: one pass, grouped
                SELECT mo.company_id, mo.month,
                       SUM(r.balance) FILTER (WHERE r.date < mo.month) AS ar_begin,
                       SUM(r.balance) FILTER (WHERE r.date <= mo.month_end) AS ar_end,
                       SUM(r.balance) FILTER (WHERE r.balance > 0 AND r.date <= mo.month_end
                                                AND r.due > mo.month_end) AS current_gross,
                       SUM(r.balance) FILTER (WHERE r.move_type = 'out_invoice' AND r.balance > 0
                                                AND r.date BETWEEN mo.month AND mo.month_end) AS sales,
                       -SUM(r.balance) FILTER (WHERE r.cash AND r.balance < 0
                                                 AND r.date BETWEEN mo.month AND mo.month_end) AS collections
                  FROM months mo
                  JOIN rec r ON r.company_id = mo.company_id
                 GROUP BY mo.company_id, mo.month
            ), paid AS (
                -- what had been reconciled by the month's end on the items not yet due then
                SELECT mo.company_id, mo.month, SUM(apr.amount) AS amount
                  FROM months mo
                  JOIN rec r ON r.company_id = mo.company_id AND r.balance > 0 AND r.date <= mo.month_end
                            AND r.due > mo.month_end
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = r.id AND apr.max_date <= mo.month_end
                 GROUP BY mo.company_id, mo.month
            )
            SELECT row_number() OVER (ORDER BY months.company_id, months.month) AS id, months.*,
                   COALESCE(agg.ar_begin, 0) AS ar_begin, COALESCE(agg.ar_end, 0) AS ar_end,
                   COALESCE(agg.current_gross, 0) - COALESCE(paid.amount, 0) AS ar_end_current,
                   COALESCE(agg.sales, 0) AS sales, COALESCE(agg.collections, 0) AS collections
              FROM months
              LEFT JOIN agg ON agg.company_id = months.company_id AND agg.month = months.month
              LEFT JOIN paid ON paid.company_id = months.company_id AND paid.month = months.month
            """, back=SQL(str(MONTHS - 1)))

    @api.depends("ar_end", "sales", "ar_begin", "ar_end_current")
    def _compute_kpis(self):
        # the count-back needs the sales of the months before: one read of the series per company
        series = {}
        for company in self.company_id:
            rows = self.search([("company_id", "=", company.id)], order="month desc")
            series[company.id] = [(row.month, row.sales) for row in rows]
        for row in self:
            days = calendar.monthrange(row.month.year, row.month.month)[1]
            remaining, dso = row.ar_end, 0.0
            for month, sales in series.get(row.company_id.id, []):
                if month > row.month:
                    continue
                month_days = calendar.monthrange(month.year, month.month)[1]
                if remaining <= 0:
                    break
                if sales and remaining > sales:
                    remaining -= sales
                    dso += month_days
                elif sales:
                    dso += remaining / sales * month_days
                    remaining = 0
                    break
                else:
                    dso += month_days
            row.dso = dso
            row.best_dso = row.ar_end_current / row.sales * days if row.sales else 0.0
            row.add = row.dso - row.best_dso if row.sales else 0.0
            collectible = row.ar_begin + row.sales - row.ar_end_current
            row.cei = (row.ar_begin + row.sales - row.ar_end) / collectible * 100 if collectible else 0.0
            row.current_share = row.ar_end_current / row.ar_end * 100 if row.ar_end else 0.0
