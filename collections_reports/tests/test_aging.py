import io
import zipfile
from datetime import timedelta

import openpyxl

from odoo import Command, fields
from odoo.addons.collections_management.tests.common import CollectionsCommon
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestAgedReceivables(CollectionsCommon, HttpCase):
    """Aging buckets from the ledger on a hand-made book; the XLSX export with its chart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        # due in 5 days 100 (current), 10 days late 200 (1-30) with 50 paid, 45 days 300 (31-60), 75 days 400
        # (61-90), 120 days 500 (91-180), 200 days 600 (180+), and a credit note of 30 not applied (current, -30)
        for days, amount in ((-5, 100), (10, 200), (45, 300), (75, 400), (120, 500), (200, 600)):
            move = cls._dated_invoice(cls.partner_a, days, amount)
            if days == 10:
                cls.partly_paid = move
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.partly_paid.ids).create(
            {"payment_date": cls.today, "amount": 50})._create_payments()
        refund = cls.env["account.move"].create({
            "move_type": "out_refund", "partner_id": cls.partner_a.id, "invoice_date": cls.today,
            "invoice_line_ids": [Command.create({"product_id": cls.product_a.id, "price_unit": 30, "tax_ids": []})]})
        refund.action_post()
        cls.other = cls._dated_invoice(cls.partner_b, 40, 1000)

    @classmethod
    def _dated_invoice(cls, partner, days_overdue, amount):
        return cls._invoice_due_on(cls, partner, fields.Date.today() - timedelta(days=days_overdue), amount)

    def _buckets(self, partner):
        measures = ["amount_current", "amount_1_30", "amount_31_60", "amount_61_90", "amount_91_180",
                    "amount_over_180", "amount_residual"]
        [row] = self.env["collection.aging.report"].with_user(self.manager)._read_group(
            [("partner_id", "=", partner.id)], [], [f"{m}:sum" for m in measures])
        return list(row)

    def test_buckets_from_the_ledger(self):
        # current: 100 - 30 = 70; 1-30: 200 - 50 = 150; then 300, 400, 500, 600; total 2,020
        self.assertEqual(self._buckets(self.partner_a), [70.0, 150.0, 300.0, 400.0, 500.0, 600.0, 2020.0])
        by_bucket = dict(self.env["collection.aging.report"]._read_group(
            [("partner_id", "=", self.partner_a.id)], ["bucket"], ["amount_residual:sum"]))
        self.assertEqual(by_bucket, {"current": 70.0, "1_30": 150.0, "31_60": 300.0, "61_90": 400.0,
                                     "91_180": 500.0, "over_180": 600.0})
        # charts and pivots read the buckets by age, not by the alphabetical order of their codes
        self.assertEqual(list(by_bucket), ["current", "1_30", "31_60", "61_90", "91_180", "over_180"])
        groups = self.env["collection.aging.report"].formatted_read_group(
            [("partner_id", "=", self.partner_a.id)], ["bucket"], ["amount_residual:sum"], order="bucket desc")
        self.assertEqual([g["bucket"] for g in groups], ["over_180", "91_180", "61_90", "31_60", "1_30", "current"])
        # paying the 31-60 invoice empties its bucket: the ledger decides, nothing is copied
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.other.ids).create(
            {"payment_date": self.today, "amount": 1000})._create_payments()
        self.assertFalse(self.env["collection.aging.report"].search([("partner_id", "=", self.partner_b.id)]))

    def test_two_companies_in_two_currencies_sum_in_one(self):
        """COP and USD are never added as they are: the other company's amounts at today's rate."""
        cop = self.setup_other_currency("COP", rounding=0.01, rates=[(str(self.today), 4000.0)])
        other = self.setup_other_company(name="Filial Colombia", currency_id=cop.id)["company"]
        self.env.user.company_ids |= other
        self._invoice(self.partner_a, 10, 4000000, company=other, currency=cop)   # 4,000,000 COP
        Aging = self.env["collection.aging.report"].with_context(allowed_company_ids=[self.company.id, other.id])
        [(total, currency)] = Aging._read_group([("partner_id", "=", self.partner_a.id)], [],
                                                ["amount_residual:sum", "company_currency_id:array_agg"])
        # 2,020 in the company's currency + 4,000,000 COP at 4,000 a unit = 1,000
        self.assertEqual(total, 3020.0)
        self.assertEqual(set(currency), {self.company.currency_id.id}, "one currency for every row")
        by_company = dict(Aging._read_group([("partner_id", "=", self.partner_a.id)], ["company_id"],
                                            ["amount_residual:sum"]))
        self.assertEqual(by_company, {self.company: 2020.0, other: 1000.0})

    def test_collectors_do_not_read_the_company_aging(self):
        with self.assertRaises(AccessError):
            self.env["collection.aging.report"].with_user(self.collector).search([])

    def test_xlsx_export_has_the_figures_a_frozen_header_a_filter_and_a_chart(self):
        data = self.env["collection.aging.report"].with_user(self.manager)._collection_export_xlsx(
            [("partner_id", "in", (self.partner_a | self.partner_b).ids)])
        book = openpyxl.load_workbook(io.BytesIO(data))
        sheet = book.active
        self.assertEqual([c.value for c in sheet[1]],
                         ["Customer", "Current", "1-30", "31-60", "61-90", "91-180", "180+", "Open"])
        rows = {row[0]: list(row[1:]) for row in sheet.iter_rows(min_row=2, max_row=3, values_only=True)}
        self.assertEqual(rows[self.partner_a.display_name], [70, 150, 300, 400, 500, 600, 2020])
        self.assertEqual(rows[self.partner_b.display_name], [0, 0, 1000, 0, 0, 0, 1000], "40 days late")
        self.assertEqual(sheet["A4"].value, "Total")
        self.assertEqual(sheet["H4"].value, "=SUM(H2:H3)")
        self.assertEqual(sheet.freeze_panes, "B2")
        self.assertEqual(sheet.auto_filter.ref, "A1:H3")
        items = book["Open items"]
        self.assertEqual([c.value for c in items[1]],
                         ["Customer", "Document", "Date", "Due date", "Days overdue", "Age", "Open"])
        lines = list(items.iter_rows(min_row=2, values_only=True))
        self.assertEqual(len(lines), 8, "6 invoices and the credit note of A, 1 invoice of B")
        self.assertEqual(sum(line[6] for line in lines), 3020, "2,020 + 1,000: the items add up to the totals")
        self.assertEqual(items.freeze_panes, "A2")
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        self.assertIn("xl/charts/chart1.xml", names, "a native Excel chart")

    def test_a_collector_downloads_the_statement_of_their_own_case_only(self):
        self.env["collection.engine"]._run(today=self.today)
        mine = self.env["collection.case"].search([("partner_id", "=", self.partner_a.id)])
        theirs = self.env["collection.case"].search([("partner_id", "=", self.partner_b.id)])
        mine.user_id = self.collector
        theirs.user_id = self.collector_2
        self.authenticate(self.collector.login, self.collector.login)
        response = self.url_open(f"/collections/reports/statement/{mine.id}.xlsx")
        self.assertEqual(response.status_code, 200)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertEqual([c.value for c in sheet[2]][1:], [70, 150, 300, 400, 500, 600, 2020], "only this debtor")
        self.assertEqual(sheet.max_row, 3, "one debtor and the total")
        self.assertEqual(self.url_open(f"/collections/reports/statement/{theirs.id}.xlsx").status_code, 403)

    def test_xlsx_download_over_http(self):
        self.authenticate(self.manager.login, self.manager.login)
        response = self.url_open("/collections/reports/aging.xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"), "an xlsx (zip) file")
        self.authenticate(self.collector.login, self.collector.login)
        self.assertEqual(self.url_open("/collections/reports/aging.xlsx").status_code, 403)
