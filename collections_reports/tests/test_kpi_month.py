import calendar
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.addons.collections_management.tests.common import CollectionsCommon
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestKpiMonth(CollectionsCommon):
    """DSO (count-back), best possible DSO, ADD, CEI and % current on a hand-made book, last month."""

    def _invoice_on(self, day, due, amount):
        return self._invoice_due_on(self.partner_a, due, amount, day=day)

    def test_last_months_kpis(self):
        this_month = fields.Date.today().replace(day=1)
        last = this_month - relativedelta(months=1)
        days = calendar.monthrange(last.year, last.month)[1]
        # last month: X 600 invoiced on the 2nd, due the 11th; Y 400 invoiced on the 15th, due on the 21st of
        # this month; 250 paid on X on the 16th
        x = self._invoice_on(last + timedelta(days=1), last + timedelta(days=10), 600)
        self._invoice_on(last + timedelta(days=14), this_month + timedelta(days=20), 400)
        self._register_payment(x, 250, day=last + timedelta(days=15))
        row = self.env["collection.kpi.month"].search([("company_id", "=", self.company.id), ("month", "=", last)])
        # AR: 0 at the start, 1,000 sold, 250 collected, 750 at the end; current at the end: Y, 400
        self.assertEqual((row.ar_begin, row.sales, row.collections, row.ar_end, row.ar_end_current),
                         (0.0, 1000.0, 250.0, 750.0, 400.0))
        # count-back DSO: 750 of last month's 1,000 of sales = 0.75 of its days; best DSO: 400 / 1,000 of its days
        self.assertAlmostEqual(row.dso, 0.75 * days)
        self.assertAlmostEqual(row.best_dso, 0.4 * days)
        self.assertAlmostEqual(row.add, 0.35 * days)
        # CEI = (0 + 1,000 - 750) / (0 + 1,000 - 400) = 250 / 600; current share 400 / 750
        self.assertAlmostEqual(row.cei, 250 / 600 * 100)
        self.assertAlmostEqual(row.current_share, 400 / 750 * 100)
        # this month starts where last month ended
        current = self.env["collection.kpi.month"].search(
            [("company_id", "=", self.company.id), ("month", "=", this_month)])
        self.assertEqual(current.ar_begin, 750.0)

    def test_count_back_reaches_into_earlier_months(self):
        this_month = fields.Date.today().replace(day=1)
        last = this_month - relativedelta(months=1)
        before = this_month - relativedelta(months=2)
        days_last = calendar.monthrange(last.year, last.month)[1]
        days_before = calendar.monthrange(before.year, before.month)[1]
        # two months ago: 1,000 sold, due within that month and never paid; last month: 400 sold, due this
        # month, 100 of it paid last month
        self._invoice_on(before + timedelta(days=1), before + timedelta(days=11), 1000)
        y = self._invoice_on(last + timedelta(days=2), this_month + timedelta(days=4), 400)
        self._register_payment(y, 100, day=last + timedelta(days=9))
        row = self.env["collection.kpi.month"].search([("company_id", "=", self.company.id), ("month", "=", last)])
        # AR at the end: 1,000 + 400 - 100 = 1,300; current then: what is left of Y, 300
        self.assertEqual((row.ar_begin, row.sales, row.collections, row.ar_end, row.ar_end_current),
                         (1000.0, 400.0, 100.0, 1300.0, 300.0))
        # 1,300 = last month's 400 (all its days) + 900 of the 1,000 sold the month before (0.9 of its days)
        self.assertAlmostEqual(row.dso, days_last + 0.9 * days_before)
        self.assertAlmostEqual(row.best_dso, 300 / 400 * days_last)
        # CEI = (1,000 + 400 - 1,300) / (1,000 + 400 - 300)
        self.assertAlmostEqual(row.cei, 100 / 1100 * 100)
        # this month, read as of today: Y (300 left) is due on the 5th, current until then, overdue after
        current = self.env["collection.kpi.month"].search(
            [("company_id", "=", self.company.id), ("month", "=", this_month)])
        expected = 300.0 if fields.Date.today() <= this_month + timedelta(days=4) else 0.0
        self.assertEqual((current.ar_end, current.ar_end_current), (1300.0, expected))

    def test_the_month_adds_up_with_credit_notes_and_write_offs(self):
        this_month = fields.Date.today().replace(day=1)
        last = this_month - relativedelta(months=1)
        last_day = this_month - timedelta(days=1)
        # X 1,000 (due the 6th) settled by a payment of 900 with 100 written off; Z 400 due on the month's last
        # day; a credit note of 150 on the 21st, not applied yet
        x = self._invoice_on(last + timedelta(days=1), last + timedelta(days=5), 1000)
        self._invoice_on(last + timedelta(days=2), last_day, 400)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=x.ids).create({
            "payment_date": last + timedelta(days=15), "amount": 900, "payment_difference_handling": "reconcile",
            "writeoff_account_id": self.company_data["default_account_expense"].id,
            "writeoff_label": "Descuento"})._create_payments()
        self.assertEqual(x.payment_state, "paid")
        refund = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": self.partner_a.id, "invoice_date": last + timedelta(days=20),
            "invoice_line_ids": [Command.create({"product_id": self.product_a.id, "price_unit": 150,
                                                 "tax_ids": []})]})
        refund.action_post()
        row = self.env["collection.kpi.month"].search([("company_id", "=", self.company.id), ("month", "=", last)])
        # cash is what came in: 900, not the 1,000 the payment credited (its 100 written off is an adjustment)
        self.assertEqual((row.sales, row.collections, row.credit_notes, row.adjustments), (1400.0, 900.0, 150.0,
                                                                                          -100.0))
        # 0 + 1,400 - 900 - 150 - 100 = 250
        self.assertEqual((row.ar_begin, row.ar_end), (0.0, 250.0))
        self.assertEqual(row.ar_begin + row.sales - row.collections - row.credit_notes + row.adjustments, row.ar_end)
        # Z is due on the month's last day: current at the month's end, as in the aging
        self.assertEqual(row.ar_end_current, 400.0)


@tagged("post_install", "-at_install")
class TestPromisesKept(CollectionsCommon):
    def test_promises_kept_by_count_and_amount(self):
        self._invoice(self.partner_a, 20, 2000)
        self._run()
        case = self._case(self.partner_a)
        case.user_id = self.collector
        Promise = self.env["collection.promise"]
        today = fields.Date.today()
        states = [("kept", 100), ("kept", 300), ("broken", 200), ("cancelled", 999), ("open", 50)]
        for state, amount in states:
            promise = Promise.create({"case_id": case.id, "date": today + timedelta(days=3), "amount": amount})
            promise.sudo().state = state   # decided by the daily run from cash (tested with the promises)
        [(kept_rate, count, decided, kept)] = self.env["collection.promise.report"]._read_group(
            [("case_id", "=", case.id)], [], ["kept_rate:avg", "promise_count:sum", "amount_decided:sum",
                                              "amount_kept:sum"])
        # the withdrawn promise is left out: 4 promises; decided 3 (2 kept, 1 broken) -> 2/3 kept;
        # by amount: 100 + 300 kept of 100 + 300 + 200 decided
        self.assertEqual((count, decided, kept), (4, 600.0, 400.0))
        self.assertAlmostEqual(kept_rate, 200 / 3)

    def test_one_kept_rate_in_the_contact_kpis_and_the_promises_report(self):
        """A collector with a kept promise and a pending one: 100 % in both reports (decided promises only)."""
        self._invoice(self.partner_a, 20, 2000)
        self._run()
        case = self._case(self.partner_a)
        case.user_id = self.collector
        outcome = self.env["collection.outcome"].search([("code", "=", "promise")])
        Interaction = self.env["collection.interaction"].with_user(self.collector)
        first = Interaction.create({"case_id": case.id, "outcome_id": outcome.id, "channel": "call",
                                    "promise_date": fields.Date.today() + timedelta(days=3), "promise_amount": 300})
        first.promise_id.sudo().state = "kept"   # decided by the daily run from cash (tested with the promises)
        Interaction.create({"case_id": case.id, "outcome_id": outcome.id, "channel": "call",
                            "promise_date": fields.Date.today() + timedelta(days=9), "promise_amount": 200})
        [(contact_rate,)] = self.env["collection.contact.report"]._read_group(
            [("case_id", "=", case.id), ("user_id", "=", self.collector.id)], [], ["kept_rate:avg"])
        [(report_rate,)] = self.env["collection.promise.report"]._read_group(
            [("case_id", "=", case.id), ("recorded_by_id", "=", self.collector.id)], [], ["kept_rate:avg"])
        self.assertEqual((contact_rate, report_rate), (100.0, 100.0))


@tagged("post_install", "-at_install")
class TestCollectorPerformance(CollectionsCommon):
    def test_contacts_tasks_and_cash_per_collector(self):
        outcome = self.env.ref("collections_management.outcome_no_answer")
        invoice_a = self._invoice(self.partner_a, 20, 1000)
        self._invoice(self.partner_b, 20, 500)
        self._run()
        case_a, case_b = self._case(self.partner_a), self._case(self.partner_b)
        case_a.user_id, case_b.user_id = self.collector, self.collector_2
        today = fields.Date.today()
        now = fields.Datetime.now()
        Interaction = self.env["collection.interaction"]
        # Carla: two calls on case A, 20 and 5 days ago; Diego: one call on case B, 40 days ago
        for days in (20, 5):
            Interaction.with_user(self.collector).create(
                {"case_id": case_a.id, "outcome_id": outcome.id, "date": now - timedelta(days=days)})
        Interaction.with_user(self.collector_2).create(
            {"case_id": case_b.id, "outcome_id": outcome.id, "date": now - timedelta(days=40)})
        # Carla marks a task of case A done
        activity = case_a.activity_schedule("mail.mail_activity_data_todo", user_id=self.collector.id)
        activity.with_user(self.collector).action_feedback("Llamado")
        # 600 paid on A today: credited to Carla's latest contact (5 days ago, within 30 days)
        self._register_payment(invoice_a, 600, day=today)
        rows = self.env["collection.collector.report"]._read_group(
            [("user_id", "in", (self.collector | self.collector_2).ids)], ["user_id"],
            ["contact_count:sum", "activity_count:sum", "collected_30d:sum"])
        figures = {user: values for user, *values in rows}
        self.assertEqual(figures[self.collector], [2, 1, 600.0])
        self.assertEqual(figures[self.collector_2], [1, 0, 0.0], "no payment on case B")


@tagged("post_install", "-at_install")
class TestCashForecast(CollectionsCommon):
    def test_thirteen_weeks_from_plans_promises_and_habits(self):
        today = fields.Date.today()
        monday = today - timedelta(days=today.weekday())

        def week_of(day):
            return day - timedelta(days=day.weekday())

        # partner A paid an invoice 10 days late last month: its habit is 10 days late
        past = self._invoice_due_on(self.partner_a, today - timedelta(days=40), 100)
        self._register_payment(past, 100, day=today - timedelta(days=30))
        # A's open invoice due in 7 days is expected 10 days after that: today + 17
        self._invoice_due_on(self.partner_a, today + timedelta(days=7), 500)
        # B: an open promise of 300 in 20 days covers B (B's invoices are not forecast a second time)
        self._invoice_due_on(self.partner_b, today - timedelta(days=5), 800)
        self.env["collection.engine"]._run(today=today)
        case_b = self._case(self.partner_b)
        self.env["collection.promise"].create({"case_id": case_b.id, "date": today + timedelta(days=20),
                                               "amount": 300})
        rows = {(r.week, r.source): r.amount for r in self.env["collection.forecast.week"].search(
            [("company_id", "=", self.company.id)])}
        self.assertEqual(rows, {(week_of(today + timedelta(days=17)), "behaviour"): 500.0,
                                (week_of(today + timedelta(days=20)), "promise"): 300.0})
        self.assertLessEqual(max(week for week, _s in rows), monday + timedelta(weeks=12))
