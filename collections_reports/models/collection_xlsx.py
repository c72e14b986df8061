import io
from datetime import date, datetime, time

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from odoo import api, models
from odoo.tools import SQL


class CollectionXlsx(models.AbstractModel):
    """Formatted Excel workbooks (xlsxwriter, constant memory): typed columns, frozen header, autofilter,
    totals and a native chart per sheet."""

    _name = "collection.xlsx"
    _description = "Collections Excel exports"

    @api.model
    def _collection_workbook(self, sheets):
        """Bytes of a workbook with one sheet per spec, written row by row (flushed to disk as they go).

        A spec is a dict: ``name``, ``columns`` (``(label, kind)`` with kind text, int (a count), days, money,
        float (a score or an average), percent or date), ``rows`` (an iterable of tuples, may be a generator),
        optional ``totals`` (sum the money and count columns: days, scores and averages add up to nothing)
        and ``chart`` (``{"type", "title", "values": [column index, ...]}``: the first column gives the
        categories). Dates are shown in the user's language's format.
        """
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"constant_memory": True})
        decimals = "0" * self.env.company.currency_id.decimal_places
        formats = {
            "header": book.add_format({"bold": True, "bg_color": "#DDE7F0", "border": 1, "text_wrap": True,
                                       "valign": "top"}),
            "money": book.add_format({"num_format": f"#,##0.{decimals}"}),
            "float": book.add_format({"num_format": "#,##0.0"}),
            "percent": book.add_format({"num_format": "0.0"}),
            "date": book.add_format({"num_format": self._collection_date_format()}),
            "int": None, "days": None, "text": None,
            "total": book.add_format({"bold": True, "top": 1, "num_format": f"#,##0.{decimals}"}),
            "total_int": book.add_format({"bold": True, "top": 1, "num_format": "#,##0"}),
            "total_label": book.add_format({"bold": True, "top": 1}),
        }
        for spec in sheets:
            self._collection_write_sheet(book, spec, formats)
        book.close()
        return output.getvalue()

    def _collection_write_sheet(self, book, spec, formats):
        sheet = book.add_worksheet(spec["name"][:31])
        columns = spec["columns"]
        sheet.write_row(0, 0, [label for label, _kind in columns], formats["header"])
        sheet.freeze_panes(1, 1)
        for col, (_label, kind) in enumerate(columns):
            sheet.set_column(col, col, 34 if col == 0 else 12 if kind in ("int", "days", "percent") else 16)
        row = 0
        for row, values in enumerate(spec["rows"], start=1):
            for col, ((_label, kind), value) in enumerate(zip(columns, values, strict=True)):
                if value is None or value is False or value == "":
                    continue
                if kind == "date":
                    value = datetime.combine(value, time()) if isinstance(value, date) else value
                    sheet.write_datetime(row, col, value, formats["date"])
                elif kind in ("int", "days", "money", "float", "percent"):
                    sheet.write_number(row, col, value, formats[kind])
                else:
                    sheet.write_string(row, col, str(value))
        last = row
        sheet.autofilter(0, 0, max(last, 1), len(columns) - 1)
        if spec.get("totals") and last:
            sheet.write_string(last + 1, 0, self.env._("Total"), formats["total_label"])
            for col, (_label, kind) in enumerate(columns):
                if kind in ("money", "int"):
                    letter = xl_col_to_name(col)
                    sheet.write_formula(last + 1, col, f"=SUBTOTAL(9,{letter}2:{letter}{last + 1})",
                                        formats["total" if kind == "money" else "total_int"])
        chart_spec = spec.get("chart")
        if chart_spec and last:
            chart = book.add_chart({"type": chart_spec["type"]})
            for col in chart_spec["values"]:
                chart.add_series({
                    "name": [sheet.name, 0, col],
                    "categories": [sheet.name, 1, 0, last, 0],
                    "values": [sheet.name, 1, col, last, col],
                })
            chart.set_title({"name": chart_spec["title"]})
            chart.set_size({"width": 720, "height": 360})
            sheet.insert_chart(1, len(columns) + 1, chart)
        return last

    @api.model
    def _collection_date_format(self):
        """The user's language's date format as an Excel number format ("%d/%m/%Y" -> "dd/mm/yyyy")."""
        pattern = self.env["res.lang"]._get_data(code=self.env.lang or "en_US").date_format or "%m/%d/%Y"
        codes = {"%d": "dd", "%m": "mm", "%Y": "yyyy", "%y": "yy", "%b": "mmm", "%B": "mmmm", "%a": "ddd",
                 "%A": "dddd", "%e": "d", "%-d": "d", "%-m": "m"}
        for code, excel in codes.items():
            pattern = pattern.replace(code, excel)
        return pattern

    # ------------------------------------------------------------------ the exports
    @api.model
    def _collection_export_collectors(self, domain=()):
        """Collector performance: per collector and month, and per collector with a chart."""
        Report = self.env["collection.collector.report"]
        Report.check_access("read")
        measures = ["contact_count", "activity_count", "collected_30d", "closed_count", "days_to_collect"]
        kinds = ["int", "int", "money", "int", "float"]  # days to collect: an average
        labels = [Report._fields[m].get_description(self.env)["string"] for m in measures]
        columns = [(self.env._("Collector"), "text"), *zip(labels, kinds, strict=True)]
        by_user = Report._read_group(list(domain), ["user_id"], [f"{m}:{'avg' if m == 'days_to_collect' else 'sum'}"
                                                                   for m in measures],
                                     order="collected_30d:sum desc")
        monthly = Report.search(list(domain), order="month desc, user_id")
        return self._collection_workbook([
            {"name": self.env._("By collector"), "columns": columns, "totals": True,
             "rows": ((user.name or self.env._("(no collector)"), *values) for user, *values in by_user),
             "chart": {"type": "bar", "title": self.env._("Collected within 30 days of a contact"),
                       "values": [3]}},
            {"name": self.env._("By month"), "columns": [(self.env._("Month"), "date"), *columns], "totals": True,
             "rows": ((r.month, r.user_id.name or "", *(r[m] for m in measures)) for r in monthly)},
        ])

    @api.model
    def _collection_export_cases(self, domain=()):
        """The cases the user may read: one row each (streamed from SQL) and a sheet per stage with a chart."""
        Case = self.env["collection.case"]
        Case.check_access("read")
        lang = self.env.lang or "en_US"
        ids = Case._search(list(domain)).subselect()
        columns = [(self.env._("Debtor"), "text"), (self.env._("Case"), "text"), (self.env._("Stage"), "text"),
                   (self.env._("Segment"), "text"), (self.env._("Collector"), "text"),
                   (self.env._("Oldest due date"), "date"), (self.env._("Days overdue"), "days"),
                   (self.env._("Open invoices"), "int"), (self.env._("Overdue"), "money"),
                   (self.env._("Total due"), "money"), (self.env._("Priority"), "float"),
                   (self.env._("Next action"), "date"), (self.env._("Status"), "text")]
        states = dict(Case._fields["state"]._description_selection(self.env))
        today = Case._collection_today()

        def name(table):
            return SQL("COALESCE(%s.name->>%s, %s.name->>'en_US')", SQL.identifier(table), lang,
                       SQL.identifier(table))

        def case_rows():
            self.env.cr.execute(SQL(
                """
                SELECT p.name, c.name, %(stage)s, %(segment)s, up.name, c.oldest_due_date,
                       GREATEST(%(today)s - c.oldest_due_date, 0), c.invoice_count, c.amount_overdue::float, c.amount_due::float,
                       c.priority_score::float, c.next_action_date, c.state
                  FROM collection_case c
                  JOIN res_partner p ON p.id = c.partner_id
                  LEFT JOIN collection_stage s ON s.id = c.stage_id
                  LEFT JOIN collection_segment g ON g.id = c.segment_id
                  LEFT JOIN res_users u ON u.id = c.user_id
                  LEFT JOIN res_partner up ON up.id = u.partner_id
                 WHERE c.id IN %(ids)s
                 ORDER BY c.amount_overdue DESC, c.id
                """, stage=name("s"), segment=name("g"), today=today, ids=ids))
            while rows := self.env.cr.fetchmany(5000):
                for *values, state in rows:
                    yield (*values, states.get(state, state))

        by_stage = Case._read_group(list(domain), ["stage_id", "excluded", "state"], ["__count", "amount_overdue:sum"],
                                    order="amount_overdue:sum desc")

        def stage_label(stage, excluded, state):
            # a case without a stage is excluded (everything set aside) or closed (nothing left)
            if stage:
                return stage.name
            if state == "closed":
                return self.env._("Closed")
            return self.env._("Excluded") if excluded else self.env._("(no stage)")
        return self._collection_workbook([
            {"name": self.env._("By stage"), "totals": True,
             "columns": [(self.env._("Stage"), "text"), (self.env._("Cases"), "int"), (self.env._("Overdue"), "money")],
             "rows": ((stage_label(stage, excluded, state), count, amount)
                      for stage, excluded, state, count, amount in by_stage),
             "chart": {"type": "column", "title": self.env._("Overdue by stage"), "values": [2]}},
            {"name": self.env._("Cases"), "columns": columns, "totals": True, "rows": case_rows()},
        ])

    @api.model
    def _collection_export_bureau(self, domain=()):
        """The credit-bureau register the user may read, and its amounts per state with a chart."""
        Register = self.env["collection.bureau.report"]
        Register.check_access("read")
        entries = Register.search(list(domain), order="notice_date desc, id desc")
        states = dict(Register._fields["state"]._description_selection(self.env))
        channels = dict(Register._fields["notice_channel"]._description_selection(self.env))
        columns = [(self.env._("Debtor"), "text"), (self.env._("Tax ID"), "text"), (self.env._("Status"), "text"),
                   (self.env._("Notice date"), "date"), (self.env._("Notice channel"), "text"),
                   (self.env._("May be reported from"), "date"), (self.env._("Still owed"), "money"),
                   (self.env._("Reported amount"), "money"), (self.env._("Reported on"), "date"),
                   (self.env._("Paid on"), "date"), (self.env._("Withdraw by"), "date"),
                   (self.env._("Withdrawn on"), "date")]
        by_state = {}
        for entry in entries:
            count, amount = by_state.get(entry.state, (0, 0.0))
            by_state[entry.state] = (count + 1, amount + entry.amount_open)
        return self._collection_workbook([
            {"name": self.env._("Register"), "columns": columns, "totals": True,
             "rows": ((e.partner_id.name, e.partner_id.vat or "", states.get(e.state), e.notice_date,
                       channels.get(e.notice_channel, ""), e.earliest_report_date, e.amount_open,
                       e.reported_amount, e.report_date, e.paid_date, e.withdrawal_due_date, e.withdrawal_date)
                      for e in entries)},
            {"name": self.env._("By status"), "totals": True,
             "columns": [(self.env._("Status"), "text"), (self.env._("Entries"), "int"),
                         (self.env._("Still owed"), "money")],
             "rows": ((states.get(state), count, amount) for state, (count, amount) in by_state.items()),
             "chart": {"type": "pie", "title": self.env._("Register by status"), "values": [1]}},
        ])
