import csv
import io
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.addons.collections_management.tests.common import CollectionsCommon
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestCreditBureau(CollectionsCommon):
    """Notice, the legal term, report, withdrawal once paid, and the bureau's file: Colombian law (Ley 1266 de
    2008, Ley 2157 de 2021) on Colombia's chart, in pesos."""

    @classmethod
    @CollectionsCommon.setup_country("co")
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_a.write({"email": "pagos@deudor.example", "vat": "900123456", "lang": "en_US"})
        cls.invoice = cls._invoice(cls, cls.partner_a, 60, 800)
        administrative = cls.stage_by_code["extrajudicial"]
        cls.env["collection.strategy.step"].create({
            "strategy_id": cls.company.collection_strategy_id.id, "name": "Bureau notice",
            "stage_id": administrative.id, "day_offset": 0, "channel": "bureau_notice"})
        cls.env["collection.engine"]._run(today=cls.TODAY)
        cls.case = cls.env["collection.case"].search([("partner_id", "=", cls.partner_a.id)])

    def _entry(self):
        return self.env["collection.bureau.report"].search([("case_id", "=", self.case.id)])

    def test_notice_then_report_only_after_the_term(self):
        self.assertEqual(self.company.currency_id.name, "COP")
        entry = self._entry()
        today = fields.Date.today()
        # Ley 1266 de 2008 art. 12 (Ley 2157 de 2021): 20 calendar days after the notice, reported from day 21
        self.assertEqual((entry.state, entry.notice_date, entry.earliest_report_date, entry.amount_open),
                         ("noticed", today, today + timedelta(days=21), 800.0), "Ley 1266: 20 calendar days")
        notice = entry.message_ids.filtered(lambda m: "credit bureau" in (m.subject or ""))
        self.assertEqual(notice.partner_ids, self.partner_a, "the notice went to the debtor")
        self.assertIn("800.00", notice.body)
        self.env["collection.engine"]._run(today=self.TODAY)
        self.assertEqual(len(self._entry()), 1, "noticed once")
        with self.assertRaisesRegex(UserError, "may be reported from"):
            entry.action_report()
        with freeze_time(today + timedelta(days=20)):
            with self.assertRaisesRegex(UserError, "not before"):
                entry.action_report()   # the twentieth day still runs the term
        self.assertEqual(entry.state, "noticed")
        with freeze_time(today + timedelta(days=21)):
            entry.action_report()
        self.assertEqual((entry.state, entry.reported_amount, entry.report_date),
                         ("reported", 800.0, today + timedelta(days=21)))
        # 300 paid: the bureau's file says what is owed now, 500, not the 800 reported
        self._register_payment(self.invoice, 300, day=today + timedelta(days=25))
        self.company.collection_bureau_csv_layout = "vat,amount,state"
        rows = list(csv.reader(io.StringIO(entry._collection_csv().decode())))
        self.assertEqual(rows[1], ["900123456", "500.00", "Reported"])
        # paid on day 30, seen by the daily check on day 36: withdrawn within 10 days of the payment, by day 40
        self._register_payment(self.invoice, 500, day=today + timedelta(days=30))
        with freeze_time(today + timedelta(days=36)):
            self.env["collection.bureau.report"]._cron_check_paid()
        self.assertEqual((entry.state, entry.paid_date, entry.withdrawal_due_date),
                         ("to_withdraw", today + timedelta(days=30), today + timedelta(days=40)))
        entry.action_withdraw()
        self.assertEqual((entry.state, entry.withdrawal_date), ("withdrawn", today))

    def test_a_small_debt_needs_two_notices(self):
        """Ley 2157 de 2021: at most 15 % of the monthly minimum wage, two notices on different days, then 20
        calendar days after the last one."""
        self.company.collection_minimum_wage = 6000.0   # 15 %: 900; the 800 owed is a small debt
        self._entry().sudo().unlink()   # the step's notice; this test gives its own
        entry = self.env["collection.bureau.report"].create({"case_id": self.case.id})
        today = fields.Date.today()
        self.assertTrue(entry.small_debt)
        with freeze_time(today + timedelta(days=25)), self.assertRaisesRegex(UserError, "second notice"):
            entry.action_report()
        with self.assertRaisesRegex(UserError, "another day"):
            entry.action_second_notice()
        with freeze_time(today + timedelta(days=3)):
            entry.action_second_notice()
        self.assertEqual((entry.second_notice_date, entry.earliest_report_date),
                         (today + timedelta(days=3), today + timedelta(days=24)))
        with freeze_time(today + timedelta(days=23)), self.assertRaisesRegex(UserError, "not before"):
            entry.action_report()
        with freeze_time(today + timedelta(days=24)):
            entry.action_report()
        self.assertEqual(entry.state, "reported")
        # with a lower wage the 800 is above 15 % of it (750): not a small debt, one notice is enough
        self.company.collection_minimum_wage = 5000.0
        self.assertFalse(entry._collection_is_small_debt())

    def test_paid_before_the_report_is_closed_and_never_reported(self):
        entry = self._entry()
        self._register_payment(self.invoice, 800, day=fields.Date.today())
        self.env["collection.bureau.report"]._cron_check_paid()
        self.assertEqual(entry.state, "closed")
        with self.assertRaisesRegex(UserError, "Only a noticed debt"):
            entry.action_report()

    def test_the_bureau_file_in_the_company_layout(self):
        self.company.collection_bureau_csv_layout = "vat,name,amount,notice_date,state"
        rows = list(csv.reader(io.StringIO(self._entry()._collection_csv().decode())))
        self.assertEqual(rows, [["Tax id", "Name", "Amount reported", "Notice date", "State"],
                                ["900123456", self.partner_a.name, "800.00", str(fields.Date.today()), "Noticed"]])
        with self.assertRaisesRegex(ValidationError, "Unknown bureau file columns: cedula"):
            self.company.collection_bureau_csv_layout = "vat,cedula"

    def test_roles(self):
        entry = self._entry()
        self.case.user_id = self.collector
        self.assertEqual(self.env["collection.bureau.report"].with_user(self.collector).search([]), entry)
        with self.assertRaises(AccessError):
            entry.with_user(self.collector).action_report()
        with self.assertRaises(AccessError):
            entry.with_user(self.manager).write({"state": "reported"})
