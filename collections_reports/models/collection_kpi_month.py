from odoo import fields, models
from odoo.tools import SQL

MONTHS = 24


class CollectionKpiMonth(models.Model):
    """Receivables KPIs per company and month, for the last 24 months (SQL view, company currency).

    Read from posted receivable journal items:

    - **AR** at the start and the end of the month (sum of receivable balances
      dated up to then);
    - **credit sales** (receivable debits in sales journals: the customer invoices of the month),
      **credit notes** (receivable credits in sales journals), **cash collected** (the money the month's
      payments and bank lines brought, ``collection.cash``) and the **other movements** that make the month
      add up (write-offs, exchange differences, refunds paid out);
    - **current AR** at the month's end: what was still open then (reconciliations
      dated after the month's end do not count) on items not overdue then (``collection.overdue``: due on the
      month's last day is current at its end); the running month is read as of today.

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
                              "journal_id", "payment_id", "statement_line_id", "amount_residual"],
        "account.move": ["origin_payment_id", "statement_line_id", "state", "date"],
        "account.journal": ["type"],
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
    collections = fields.Monetary("Cash collected", readonly=True,
                                  help="Money received by payments and bank lines (collection.cash): a payment's "
                                       "write-off part is an adjustment, not cash.")
    credit_notes = fields.Monetary("Credit notes", readonly=True)
    adjustments = fields.Monetary(
        "Other movements", readonly=True,
        help="Write-offs, exchange differences, refunds paid out and other entries: AR at start + credit sales - "
             "cash collected - credit notes + other movements = AR at end.")
    dso = fields.Float("DSO (count-back)", readonly=True, aggregator=False)
    best_dso = fields.Float("Best possible DSO", readonly=True, aggregator=False)
    add = fields.Float("Average days delinquent", readonly=True, aggregator=False)
    cei = fields.Float("CEI (%)", readonly=True, aggregator=False)
    current_share = fields.Float("AR current (%)", readonly=True, aggregator=False)

    @property
    def _table_query(self):
        # One pass over the receivable items, each turned into what it changes per month (a running sum then
        # gives the balances at every month's end), instead of every item against every month end.
        # - AR: an item moves the balance from its month on (items older than the window: the opening).
        # - current AR at a month's end (not yet due then: the item's month <= M < its due month): +balance
        #   from the item's month, -balance from its due month; what was reconciled by then on such items
        #   likewise, from the later of the item's and the reconciliation's month.
        # - DSO by count-back: the month's end AR covered by its sales, then the month before's…
        # the items grouped by what the KPIs read of them (a few thousand groups for millions of items)
        # the items grouped by what the KPIs read of them, on raw columns (a few thousand groups for millions of
        # items), then dated by month
        receivable = SQL(
            """
            SELECT company_id, date_trunc('month', date::timestamp)::date AS month,
                   date_trunc('month', (due + 1)::timestamp)::date AS due_month, sale, debit, credit
              FROM (SELECT l.company_id, l.date, COALESCE(l.date_maturity, l.date) AS due, j.type = 'sale' AS sale,
                           COALESCE(SUM(l.balance) FILTER (WHERE l.balance > 0), 0) AS debit,
                           COALESCE(SUM(l.balance) FILTER (WHERE l.balance < 0), 0) AS credit
                      FROM account_move_line l
                      JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                      JOIN account_journal j ON j.id = l.journal_id
                     WHERE l.parent_state = 'posted'
                     GROUP BY 1, 2, 3, 4) items
            """)
        # cash collected: what the payments and bank lines of the month brought (collection.cash), the
        # write-off and bank-fee parts left out (they are adjustments)
        received = SQL(
            """
            SELECT company_id, date_trunc('month', paid_on::timestamp)::date AS month, SUM(amount) AS amount
              FROM (%s) cash GROUP BY 1, 2
            """, self.env["collection.cash"]._received_moves_sql())
        reconciled = SQL(
            """
            SELECT company_id, date_trunc('month', date::timestamp)::date AS month,
                   date_trunc('month', (due + 1)::timestamp)::date AS due_month,
                   date_trunc('month', max_date::timestamp)::date AS reconciled_month, amount
              FROM (SELECT l.company_id, l.date, COALESCE(l.date_maturity, l.date) AS due, apr.max_date,
                           SUM(apr.amount) AS amount
                      FROM account_partial_reconcile apr
                      JOIN account_move_line l ON l.id = apr.debit_move_id AND l.balance > 0
                                              AND l.parent_state = 'posted'
                      JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                     GROUP BY 1, 2, 3, 4) items
            """)
        return SQL(
            """
            WITH window_start AS (
                SELECT (date_trunc('month', CURRENT_DATE) - interval '%(back)s months')::date AS month
            ), months AS (
                SELECT c.id AS company_id, c.currency_id, m::date AS month,
                       (m + interval '1 month - 1 day')::date AS month_end,
                       -- the running month has lived only its days so far (its sales cover those days)
                       CASE WHEN m = date_trunc('month', CURRENT_DATE) THEN EXTRACT(DAY FROM CURRENT_DATE)
                            ELSE EXTRACT(DAY FROM m + interval '1 month - 1 day') END AS days
                  FROM res_company c, window_start w,
                       generate_series(w.month, date_trunc('month', CURRENT_DATE), interval '1 month') m
            ), changes AS (
                SELECT r.company_id, v.month, SUM(v.net) AS net, SUM(v.opening) AS opening, SUM(v.sales) AS sales,
                       SUM(v.credit_notes) AS credit_notes, NULL::numeric AS collections, SUM(v.current) AS current
                  FROM (%(receivable)s) r
                 CROSS JOIN window_start w
                 CROSS JOIN LATERAL (SELECT r.debit > 0 AND r.due_month > GREATEST(r.month, w.month) AS current_item) c
                 CROSS JOIN LATERAL (VALUES
                       (GREATEST(r.month, w.month),
                        CASE WHEN r.month >= w.month THEN r.debit + r.credit END,
                        CASE WHEN r.month < w.month THEN r.debit + r.credit END,
                        CASE WHEN r.month >= w.month AND r.sale THEN r.debit END,
                        CASE WHEN r.month >= w.month AND r.sale THEN -r.credit END,
                        CASE WHEN c.current_item THEN r.debit END),
                       (r.due_month, NULL, NULL, NULL, NULL, CASE WHEN c.current_item THEN -r.debit END)
                 ) AS v(month, net, opening, sales, credit_notes, current)
                 GROUP BY r.company_id, v.month
                UNION ALL
                SELECT cash.company_id, cash.month, NULL, NULL, NULL, NULL, cash.amount, NULL
                  FROM (%(received)s) cash
                 CROSS JOIN window_start w
                 WHERE cash.month >= w.month
                UNION ALL
                SELECT r.company_id, v.month, NULL, NULL, NULL, NULL, NULL, SUM(v.current)
                  FROM (%(reconciled)s) r
                 CROSS JOIN window_start w
                 CROSS JOIN LATERAL (SELECT GREATEST(r.month, r.reconciled_month, w.month) AS month) f
                 CROSS JOIN LATERAL (VALUES (f.month, -r.amount), (r.due_month, r.amount)) AS v(month, current)
                 WHERE r.due_month > f.month
                 GROUP BY r.company_id, v.month
            ), per_month AS (
                SELECT company_id, month, SUM(net) AS net, SUM(opening) AS opening, SUM(sales) AS sales,
                       SUM(credit_notes) AS credit_notes, SUM(collections) AS collections, SUM(current) AS current
                  FROM changes GROUP BY company_id, month
            ), current_now AS (
                -- the running month is read as of today: what is open and not overdue today (collection.overdue)
                SELECT l.company_id, SUM(l.amount_residual) AS amount
                  FROM account_move_line l
                  JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                 WHERE l.parent_state = 'posted' AND l.amount_residual > 0 AND NOT %(overdue_today)s
                 GROUP BY l.company_id
            ), series AS (
                SELECT mo.company_id, mo.currency_id, mo.month, mo.month_end, mo.days,
                       COALESCE(pm.net, 0) AS net, COALESCE(pm.sales, 0) AS sales,
                       COALESCE(pm.credit_notes, 0) AS credit_notes, COALESCE(pm.collections, 0) AS collections,
                       SUM(COALESCE(pm.net, 0) + COALESCE(pm.opening, 0)) OVER w AS ar_end,
                       CASE WHEN mo.month = date_trunc('month', CURRENT_DATE) THEN COALESCE(cn.amount, 0)
                            ELSE SUM(COALESCE(pm.current, 0)) OVER w END AS ar_end_current
                  FROM months mo
                  LEFT JOIN per_month pm ON pm.company_id = mo.company_id AND pm.month = mo.month
                  LEFT JOIN current_now cn ON cn.company_id = mo.company_id
                WINDOW w AS (PARTITION BY mo.company_id ORDER BY mo.month)
            ), count_back AS (
                -- each month against itself and the months before it, latest first: the month whose sales
                -- finish covering the month's end AR gives the fraction of its days
                SELECT s.company_id, s.month, s.ar_end, p.sales, p.days,
                       SUM(p.sales) OVER b - p.sales AS sales_after, SUM(p.days) OVER b - p.days AS days_after,
                       SUM(p.days) OVER b AS days_through
                  FROM series s
                  JOIN series p ON p.company_id = s.company_id AND p.month <= s.month
                WINDOW b AS (PARTITION BY s.company_id, s.month ORDER BY p.month DESC)
            ), dso AS (
                SELECT company_id, month,
                       CASE WHEN MAX(ar_end) <= 0 THEN 0
                            ELSE COALESCE(MIN(days_after + (ar_end - sales_after) / sales * days)
                                              FILTER (WHERE sales > 0 AND sales_after < ar_end
                                                      AND ar_end <= sales_after + sales),
                                          MAX(days_through)) END AS dso
                  FROM count_back GROUP BY company_id, month
            )
            SELECT row_number() OVER (ORDER BY s.company_id, s.month) AS id, s.company_id, s.currency_id, s.month,
                   s.month_end, s.ar_end - s.net AS ar_begin, s.ar_end, s.ar_end_current, s.sales, s.collections,
                   s.credit_notes, s.net - s.sales + s.collections + s.credit_notes AS adjustments,
                   d.dso,
                   CASE WHEN s.sales != 0 THEN s.ar_end_current / s.sales * s.days ELSE 0 END AS best_dso,
                   CASE WHEN s.sales != 0 THEN d.dso - s.ar_end_current / s.sales * s.days ELSE 0 END AS add,
                   COALESCE(100.0 * (s.ar_end - s.net + s.sales - s.ar_end)
                            / NULLIF(s.ar_end - s.net + s.sales - s.ar_end_current, 0), 0) AS cei,
                   COALESCE(100.0 * s.ar_end_current / NULLIF(s.ar_end, 0), 0) AS current_share
              FROM series s
              JOIN dso d ON d.company_id = s.company_id AND d.month = s.month
            """, back=SQL(str(MONTHS - 1)), receivable=receivable, reconciled=reconciled, received=received,
            overdue_today=self.env["collection.overdue"]._overdue_sql(SQL("CURRENT_DATE")))
