import io
from datetime import datetime, time

import xlsxwriter

from odoo import api, fields, models
from odoo.tools import SQL

BUCKETS = [("current", "Current"), ("1_30", "1-30 days"), ("31_60", "31-60 days"), ("61_90", "61-90 days"),
           ("91_180", "91-180 days"), ("over_180", "Over 180 days")]


class CollectionAgingReport(models.Model):
    """Aged receivables, one row per open receivable journal item (SQL view, in the current company's currency:
    with several companies selected, each one's amounts at today's rate, so that every total is a sum).

    Read from the ledger as it is now: the open amount of each posted
    receivable item not fully reconciled, aged by its due date (its date when
    it has none: unapplied payments and credit notes count, negative, in the
    bucket of their date). Stage, segment and collector come from the item's
    invoice's collection case.
    """

    _name = "collection.aging.report"
    _description = "Aged receivables"
    _auto = False
    _order = "date_due, id"
    _rec_name = "move_id"
    # what the view reads: flushed before every query on it
    _depends = {
        "account.move.line": ["account_id", "amount_residual", "reconciled", "parent_state", "date",
                              "date_maturity", "partner_id", "company_id", "currency_id", "move_id"],
        "account.account": ["account_type"],
        "account.move": ["collection_disputed", "collection_excluded", "collection_interest_plan_id"],
        "res.partner": ["commercial_partner_id", "collection_excluded"],
        "collection.payment.plan": ["state", "move_ids"],
        "collection.case.move": ["move_id", "case_id", "stage_id"],
        "collection.case": ["segment_id", "user_id"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    company_currency_id = fields.Many2one(
        "res.currency", "Currency", readonly=True,
        help="The current company's currency: other companies' amounts are converted at today's rate.")
    currency_id = fields.Many2one("res.currency", "Document currency", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    move_id = fields.Many2one("account.move", "Document", readonly=True)
    date = fields.Date(readonly=True)
    date_due = fields.Date("Due date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Selection(BUCKETS, readonly=True)
    stage_id = fields.Many2one("collection.stage", readonly=True)
    segment_id = fields.Many2one("collection.segment", readonly=True)
    user_id = fields.Many2one("res.users", "Collector", readonly=True)
    amount_residual = fields.Monetary("Open", currency_field="company_currency_id", readonly=True)
    amount_current = fields.Monetary("Current", currency_field="company_currency_id", readonly=True)
    amount_1_30 = fields.Monetary("1-30", currency_field="company_currency_id", readonly=True)
    amount_31_60 = fields.Monetary("31-60", currency_field="company_currency_id", readonly=True)
    amount_61_90 = fields.Monetary("61-90", currency_field="company_currency_id", readonly=True)
    amount_91_180 = fields.Monetary("91-180", currency_field="company_currency_id", readonly=True)
    amount_over_180 = fields.Monetary("180+", currency_field="company_currency_id", readonly=True)
    amount_overdue = fields.Monetary(
        "Overdue (claimed)", currency_field="company_currency_id", readonly=True,
        help="Overdue and claimed, as the case and the customer's statement say: not under an active payment plan, "
             "disputed or excluded.")

    @property
    def _table_query(self):
        days = SQL("(CURRENT_DATE - COALESCE(aml.date_maturity, aml.date))")
        # amounts in one currency, whatever the companies selected: each company's at today's rate into the
        # current company's (Odoo's currency table: a rate of 1 when they share it), so that totals are sums
        currency = self.env.company.currency_id
        amount = SQL("ROUND(aml.amount_residual * account_currency_table.rate, %s)", currency.decimal_places)
        columns = [SQL("CASE WHEN %s THEN %s ELSE 0 END AS %s", condition, amount, SQL.identifier(name))
                   for name, condition in self._bucket_conditions(days)]
        bucket = SQL("CASE %s END", SQL(" ").join(
            SQL("WHEN %s THEN %s", condition, name.removeprefix("amount_").replace("over_180", "over_180"))
            for name, condition in self._bucket_conditions(days)))
        return SQL(
            """
            SELECT aml.id, aml.company_id, %(currency)s AS company_currency_id, aml.currency_id,
                   p.commercial_partner_id AS partner_id, aml.move_id, aml.date,
                   COALESCE(aml.date_maturity, aml.date) AS date_due, GREATEST(%(days)s, 0) AS days_overdue,
                   %(bucket)s AS bucket, cm.stage_id, c.segment_id, c.user_id,
                   %(amount)s AS amount_residual, %(columns)s,
                   -- overdue and claimed (collection.overdue): what the case and the portal call overdue
                   CASE WHEN aml.amount_residual > 0 AND %(overdue)s AND NOT %(on_hold)s THEN %(amount)s ELSE 0 END
                       AS amount_overdue
              FROM account_move_line aml
              JOIN %(rates)s ON account_currency_table.company_id = aml.company_id
                            AND account_currency_table.rate_type = 'current'
              JOIN account_move m ON m.id = aml.move_id
              LEFT JOIN res_partner p ON p.id = aml.partner_id
              LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id
              LEFT JOIN collection_case_move cm ON cm.move_id = aml.move_id
              LEFT JOIN collection_case c ON c.id = cm.case_id
             WHERE %(receivable)s AND aml.parent_state = 'posted' AND NOT aml.reconciled AND aml.amount_residual != 0
            """, days=days, bucket=bucket, columns=SQL(", ").join(columns), receivable=self._receivable_sql("aml"),
            currency=currency.id, amount=amount,
            overdue=self.env["collection.overdue"]._overdue_sql(SQL("CURRENT_DATE"), line="aml"),
            on_hold=self.env["collection.overdue"]._on_hold_sql("m", "cp"),
            rates=self.env["res.currency"]._get_simple_currency_table(self.env.companies))

    @api.model
    def _receivable_sql(self, alias):
        """``<alias>.account_id`` is a receivable account, as a list of ids: PostgreSQL then knows from its
        statistics how many items match (a join to the accounts made it guess a few percent of a million
        items, and loop over them)."""
        accounts = self.env["account.account"].sudo().with_context(active_test=False).search(
            [("account_type", "=", "asset_receivable")])
        return SQL("%s.account_id = ANY(%s)", SQL.identifier(alias), accounts.ids or [0])

    @api.model
    def _read_group_orderby(self, order, groupby_terms, query):
        # buckets read youngest to oldest (current, 1-30 … 180+), not in the alphabetical order of their codes
        parts = order.lower().split() if order else []
        if "bucket" in groupby_terms and (not order or (parts[0] == "bucket" and "," not in order)):
            age = SQL("array_position(%s::text[], %s::text)", [code for code, _label in BUCKETS],
                      groupby_terms["bucket"])
            if order:
                return SQL("%s %s", age, SQL("DESC" if "desc" in parts else "ASC"))
            return SQL(", ").join(age if spec == "bucket" else term for spec, term in groupby_terms.items())
        return super()._read_group_orderby(order, groupby_terms, query)

    @api.model
    def _bucket_conditions(self, days):
        return [
            ("amount_current", SQL("%s <= 0", days)),
            ("amount_1_30", SQL("%s BETWEEN 1 AND 30", days)),
            ("amount_31_60", SQL("%s BETWEEN 31 AND 60", days)),
            ("amount_61_90", SQL("%s BETWEEN 61 AND 90", days)),
            ("amount_91_180", SQL("%s BETWEEN 91 AND 180", days)),
            ("amount_over_180", SQL("%s > 180", days)),
        ]

    # ------------------------------------------------------------------ XLSX
    @api.model
    def _collection_export_xlsx(self, domain=()):
        """The aging report as an XLSX workbook (bytes): one row per customer, a total, a native bar chart.

        Grouped in SQL (one query, whatever the book's size), streamed row by
        row (no record is loaded: 200,000 customers cost no memory) and written
        in xlsxwriter's constant-memory mode; frozen header, autofilter, number
        formats in the company currency.
        """
        self.check_access("read")
        measures = ["amount_current", "amount_1_30", "amount_31_60", "amount_61_90", "amount_91_180",
                    "amount_over_180", "amount_residual"]
        labels = [self._fields[m].get_description(self.env)["string"] for m in measures]
        currency = self.env.company.currency_id
        output = io.BytesIO()
        # constant memory: each row is flushed to a temporary file as it is written ("in_memory" would disable it)
        book = xlsxwriter.Workbook(output, {"constant_memory": True})
        sheet = book.add_worksheet(self.env._("Aged receivables")[:31])
        header = book.add_format({"bold": True, "bg_color": "#DDE7F0", "border": 1, "text_wrap": True})
        money = book.add_format({"num_format": f'#,##0.{"0" * currency.decimal_places}'})
        bold_money = book.add_format({"bold": True, "top": 1,
                                      "num_format": f'#,##0.{"0" * currency.decimal_places}'})
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, len(measures), 16)
        sheet.write_row(0, 0, [self.env._("Customer"), *labels], header)
        sheet.freeze_panes(1, 1)
        self.env.cr.execute(SQL(
            """
            SELECT p.name, %(sums)s
              FROM %(view)s r
              LEFT JOIN res_partner p ON p.id = r.partner_id
             WHERE r.id IN %(ids)s
             GROUP BY r.partner_id, p.name
             ORDER BY SUM(r.amount_residual) DESC, p.name
            """, view=SQL("(%s)", self._table_query), ids=self._search(list(domain)).subselect(),
            sums=SQL(", ").join(SQL("SUM(r.%s)", SQL.identifier(m)) for m in measures)))
        row = 0
        no_customer = self.env._("(no customer)")
        while rows := self.env.cr.fetchmany(5000):
            for partner, *values in rows:
                row += 1
                sheet.write_string(row, 0, partner or no_customer)
                for col, value in enumerate(values, start=1):
                    sheet.write_number(row, col, value or 0.0, money)
        last = row
        total_row = last + 1
        sheet.write_string(total_row, 0, self.env._("Total"), header)
        for col in range(1, len(measures) + 1):
            letter = xlsxwriter.utility.xl_col_to_name(col)
            sheet.write_formula(total_row, col, f"=SUM({letter}2:{letter}{last + 1})" if last else "=0", bold_money)
        sheet.autofilter(0, 0, max(last, 1), len(measures))
        chart = book.add_chart({"type": "column"})
        chart.add_series({
            "name": self.env._("Open by age"),
            "categories": [sheet.name, 0, 1, 0, len(measures) - 1],
            "values": [sheet.name, total_row, 1, total_row, len(measures) - 1],
        })
        chart.set_title({"name": self.env._("Aged receivables")})
        chart.set_legend({"none": True})
        sheet.insert_chart(total_row + 2, 1, chart)
        self._collection_xlsx_items(book, domain, header, money)
        book.close()
        return output.getvalue()

    def _collection_xlsx_items(self, book, domain, header, money):
        """A second sheet with every open item (one row each), streamed from one SQL query."""
        sheet = book.add_worksheet(self.env._("Open items")[:31])
        date_format = book.add_format({"num_format": self.env["collection.xlsx"]._collection_date_format()})
        buckets = dict(self._fields["bucket"]._description_selection(self.env))
        titles = [self.env._("Customer"), self.env._("Document"), self.env._("Date"), self.env._("Due date"),
                  self.env._("Days overdue"), self.env._("Age"), self.env._("Open")]
        sheet.write_row(0, 0, titles, header)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, 1, 22)
        sheet.set_column(2, 6, 14)
        ids = self._search(list(domain)).subselect()
        self.env.cr.execute(SQL(
            """
            SELECT p.name, m.name, r.date, r.date_due, r.days_overdue, r.bucket, r.amount_residual
              FROM %(view)s r
              LEFT JOIN res_partner p ON p.id = r.partner_id
              JOIN account_move m ON m.id = r.move_id
             WHERE r.id IN %(ids)s
             ORDER BY p.name, r.date_due, r.id
            """, view=SQL("(%s)", self._table_query), ids=ids))
        row = 0
        while rows := self.env.cr.fetchmany(5000):
            for partner, move, date, due, days, bucket, amount in rows:
                row += 1
                sheet.write_string(row, 0, partner or "")
                sheet.write_string(row, 1, move or "")
                sheet.write_datetime(row, 2, datetime.combine(date, time()), date_format)
                sheet.write_datetime(row, 3, datetime.combine(due, time()), date_format)
                sheet.write_number(row, 4, days)
                sheet.write_string(row, 5, buckets.get(bucket, ""))
                sheet.write_number(row, 6, amount, money)
        sheet.autofilter(0, 0, max(row, 1), len(titles) - 1)
        return row
