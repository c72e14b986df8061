from datetime import timedelta

from odoo import Command, fields
from odoo.addons.collections_management.tests.common import CollectionsCommon
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL


class PlanBookMixin:
    def _active_plan(self, invoice, first_date, count=3, **vals):
        """An activated plan on ``invoice`` (monthly installments, no interest, 5 grace days)."""
        plan = self.env["collection.payment.plan"].create({
            "case_id": self._case(invoice.partner_id).id, "move_ids": [Command.set(invoice.ids)],
            "installment_count": count, "first_date": first_date, "interest_rate": 0.0, **vals})
        plan.action_activate()
        self.assertEqual(plan.state, "active")
        return plan

    def _backdate(self, plan, activated_days_ago, line_dates):
        """Give a plan its past: activated ``activated_days_ago`` days ago, installments on ``line_dates``."""
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE collection_payment_plan SET activation_date = activation_date - %s"
                                " WHERE id = %s", timedelta(days=activated_days_ago), plan.id))
        for line, day in zip(plan.line_ids.sorted(lambda pl: (pl.date, pl.sequence)), line_dates, strict=True):
            self.env.cr.execute(SQL("UPDATE collection_payment_plan_line SET date = %s WHERE id = %s", day, line.id))
        self.env.invalidate_all()

    def _paid_days_ago(self, invoice, amount, days):
        """A payment of ``amount`` on ``invoice``, reconciled ``days`` days ago (when the plan counts it)."""
        payment = self._register_payment(invoice, amount, day=fields.Date.today() - timedelta(days=days))
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """UPDATE account_partial_reconcile SET create_date = create_date - %s
                WHERE credit_move_id IN (SELECT id FROM account_move_line WHERE move_id = ANY(%s))""",
            timedelta(days=days), payment.move_id.ids))
        self.env.invalidate_all()
        return payment


@tagged("post_install", "-at_install")
class TestRecoveryRate(CollectionsCommon):
    """Recovery by stage: cash from the day a case entered a stage until it left it, over what entered."""

    def test_recovery_by_stage_exact_in_every_grouping(self):
        today = fields.Date.today()
        invoice_a = self._invoice_due_on(self.partner_a, today - timedelta(days=30), 1000)
        self._invoice_due_on(self.partner_b, today - timedelta(days=45), 600)
        # 100 paid by A before its case existed: not recovered by any stage
        self._register_payment(invoice_a, 100, day=today - timedelta(days=20))
        self._run(today=today)
        case_a, case_b = self._case(self.partner_a), self._case(self.partner_b)
        self.assertEqual((case_a.stage_id.code, case_b.stage_id.code), ("administrative", "extrajudicial"))
        # A entered its stage ten days ago; 200 paid five days ago
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE collection_case_stage_history SET date = date - interval '10 days'"
                                " WHERE case_id = %s", case_a.id))
        self._register_payment(invoice_a, 200, day=today - timedelta(days=5))
        # tomorrow A is 31 days late: pre-legal stage, with 700 overdue; 300 paid on that day
        self._run(today=today + timedelta(days=1))
        self.assertEqual(case_a.stage_id.code, "extrajudicial")
        self._register_payment(invoice_a, 300, day=today + timedelta(days=1))
        Report = self.env["collection.recovery.report"]
        rows = Report.search([("case_id", "in", (case_a | case_b).ids)], order="case_id, date_entered")
        self.assertEqual([(r.case_id, r.stage_id.code, r.amount_entered, r.amount_recovered) for r in rows], [
            (case_a, "administrative", 900.0, 200.0),     # 1,000 - 100; the 200 of five days ago
            (case_a, "extrajudicial", 700.0, 300.0),      # 900 - 200; the 300 of its first day
            (case_b, "extrajudicial", 600.0, 0.0),
        ])
        by_stage = {stage.code: rate for stage, rate in Report._read_group(
            [("case_id", "in", (case_a | case_b).ids)], ["stage_id"], ["recovery_rate:avg"])}
        # pre-legal: (300 + 0) / (700 + 600), not the average of 300/700 and 0/600
        self.assertAlmostEqual(by_stage["administrative"], 100 * 200 / 900)
        self.assertAlmostEqual(by_stage["extrajudicial"], 100 * 300 / 1300)
        [(total,)] = Report._read_group([("case_id", "in", (case_a | case_b).ids)], [], ["recovery_rate:avg"])
        self.assertAlmostEqual(total, 100 * 500 / 2200)
        # the web client's grouped read gives the same
        groups = Report.formatted_read_group([("case_id", "in", (case_a | case_b).ids)], ["segment_id"],
                                             ["recovery_rate:avg", "amount_entered:sum"])
        self.assertAlmostEqual(sum(g["amount_entered:sum"] for g in groups), 2200.0)
        if len(groups) == 1:
            self.assertAlmostEqual(groups[0]["recovery_rate:avg"], 100 * 500 / 2200)


    def test_the_payment_that_closes_the_case_is_recovered(self):
        """Paid in full on the day the case closes: recovered by the stage it leaves."""
        today = fields.Date.today()
        invoice = self._invoice_due_on(self.partner_a, today - timedelta(days=20), 1000)
        self._run(today=today - timedelta(days=1))
        case = self._case(self.partner_a)
        self._register_payment(invoice, 1000, day=today)
        self._run(today=today)
        self.assertEqual(case.state, "closed")
        [row] = self.env["collection.recovery.report"].search([("case_id", "=", case.id)])
        self.assertEqual((row.amount_entered, row.amount_recovered), (1000.0, 1000.0))
        self.assertEqual(row.recovery_rate, 100.0)

    def test_cash_on_a_debt_not_overdue_is_not_recovery(self):
        """The debtor pays an invoice that is not due yet: the overdue debt the stage entered is not recovered."""
        today = fields.Date.today()
        self._invoice_due_on(self.partner_a, today - timedelta(days=20), 1000)
        current = self._invoice_due_on(self.partner_a, today + timedelta(days=20), 400)
        self._run(today=today - timedelta(days=1))
        case = self._case(self.partner_a)
        self._register_payment(current, 400, day=today)
        [row] = self.env["collection.recovery.report"].search([("case_id", "=", case.id)])
        self.assertEqual((row.amount_entered, row.amount_recovered), (1000.0, 0.0))


@tagged("post_install", "-at_install")
class TestPlanCompliance(PlanBookMixin, CollectionsCommon):
    """Installments kept when the plan's cash covers them (and the earlier ones) by their date plus grace."""

    def test_installments_kept_by_count_and_amount(self):
        today = fields.Date.today()
        invoice = self._invoice_due_on(self.partner_a, today - timedelta(days=80), 900)
        self._run(today=today)
        plan = self._active_plan(invoice, today + timedelta(days=1))
        self.assertEqual(plan.line_ids.mapped("amount"), [300.0, 300.0, 300.0])
        # activated 60 days ago; installments 40 and 10 days ago, and in 20 days (5 grace days each)
        self._backdate(plan, 60, [today - timedelta(days=40), today - timedelta(days=10), today + timedelta(days=20)])
        self._paid_days_ago(invoice, 300, 38)   # first installment, before its deadline (35 days ago)
        self._paid_days_ago(invoice, 250, 7)    # 250 of the second, before its deadline (5 days ago)
        rows = self.env["collection.plan.compliance.report"].search([("plan_id", "=", plan.id)], order="date")
        self.assertEqual([(r.decided_count, r.kept_count, r.amount_on_time) for r in rows],
                         [(1, 1, 300.0), (1, 0, 250.0), (0, 0, 0.0)])
        [(decided, kept, rate, amount_rate, on_time, principal)] = \
            self.env["collection.plan.compliance.report"]._read_group(
                [("plan_id", "=", plan.id)], [],
                ["decided_count:sum", "kept_count:sum", "compliance_rate:avg", "amount_compliance_rate:avg",
                 "amount_on_time:sum", "amount_decided:sum"])
        # 1 kept of 2 decided; by amount (300 + 250) / (300 + 300)
        self.assertEqual((decided, kept, on_time, principal), (2, 1, 550.0, 600.0))
        self.assertAlmostEqual(rate, 50.0)
        self.assertAlmostEqual(amount_rate, 100 * 550 / 600)
        # paid late: the 50 left of the second installment, today, keeps nothing retroactively
        self._paid_days_ago(invoice, 50, 0)
        rows.invalidate_recordset()
        self.assertEqual(rows.mapped("kept_count"), [1, 0, 0])
        # in the company's currency too (the same currency here)
        self.assertEqual(rows.mapped("amount_company"), [300.0, 300.0, 300.0])

    def test_installments_judged_on_the_payments_date_not_the_matching(self):
        """A payment made on time but matched with the invoice days later (a bank line reconciled late)."""
        today = fields.Date.today()
        invoice = self._invoice_due_on(self.partner_a, today - timedelta(days=80), 900)
        self._run(today=today)
        plan = self._active_plan(invoice, today + timedelta(days=1))
        # installments 40 and 10 days ago and in 20 days; deadline of the first: 35 days ago
        self._backdate(plan, 60, [today - timedelta(days=40), today - timedelta(days=10), today + timedelta(days=20)])
        # 300 paid 38 days ago (three days before the deadline), matched only 30 days ago
        payment = self._register_payment(invoice, 300, day=today - timedelta(days=38))
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """UPDATE account_partial_reconcile SET create_date = create_date - interval '30 days'
                WHERE credit_move_id IN (SELECT id FROM account_move_line WHERE move_id = ANY(%s))""",
            payment.move_id.ids))
        self.env.invalidate_all()
        rows = self.env["collection.plan.compliance.report"].search([("plan_id", "=", plan.id)], order="date")
        self.assertEqual([(r.kept_count, r.amount_on_time) for r in rows], [(1, 300.0), (0, 0.0), (0, 0.0)],
                         "kept: the money came in before the deadline")
        # the plan itself counts it too (matched while the plan ran)
        self.assertEqual(plan.amount_paid, 300.0)

    def test_amounts_in_the_company_currency(self):
        today = fields.Date.today()
        eur = self.setup_other_currency("EUR", rates=[("2020-01-01", 2.0), (str(today), 1.25)])
        invoice = self._invoice_due_on(self.partner_a, today - timedelta(days=80), 900, currency=eur)
        self._run(today=today)
        plan = self._active_plan(invoice, today + timedelta(days=1))
        self.assertEqual(plan.currency_id, eur)
        self._backdate(plan, 60, [today - timedelta(days=40), today - timedelta(days=10), today + timedelta(days=20)])
        rows = self.env["collection.plan.compliance.report"].search([("plan_id", "=", plan.id)], order="date")
        # 300 EUR an installment; 1.25 EUR per company unit today: 240 each in the company's currency
        self.assertEqual(rows.mapped("amount"), [300.0, 300.0, 300.0])
        self.assertEqual(rows.mapped("amount_company"), [240.0, 240.0, 240.0])
        [(decided, decided_company)] = self.env["collection.plan.compliance.report"]._read_group(
            [("plan_id", "=", plan.id)], [], ["amount_decided:sum", "amount_decided_company:sum"])
        self.assertEqual((decided, decided_company), (600.0, 480.0), "two installments past their deadline")


@tagged("post_install", "-at_install")
class TestForecastPlans(PlanBookMixin, CollectionsCommon):
    def test_what_is_unpaid_of_each_installment_on_its_date(self):
        today = fields.Date.today()

        def week_of(day):
            return day - timedelta(days=day.weekday())

        invoice = self._invoice_due_on(self.partner_a, today - timedelta(days=50), 900)
        self._run(today=today)
        plan = self._active_plan(invoice, today + timedelta(days=1))
        self._backdate(plan, 30, [today - timedelta(days=3), today + timedelta(days=14), today + timedelta(days=42)])
        # 400 paid: the first installment (300, three days late) and 100 of the second
        self._paid_days_ago(invoice, 400, 1)
        rows = {(r.week, r.source): r.amount for r in self.env["collection.forecast.week"].search(
            [("company_id", "=", self.company.id), ("source", "=", "plan")])}
        self.assertEqual(rows, {(week_of(today + timedelta(days=14)), "plan"): 200.0,
                                (week_of(today + timedelta(days=42)), "plan"): 300.0})
        # nothing paid of a late installment: expected this week
        self._backdate(plan, 0, [today - timedelta(days=3), today - timedelta(days=2), today + timedelta(days=42)])
        rows = {(r.week, r.source): r.amount for r in self.env["collection.forecast.week"].search(
            [("company_id", "=", self.company.id), ("source", "=", "plan")])}
        self.assertEqual(rows, {(week_of(today), "plan"): 200.0,
                                (week_of(today + timedelta(days=42)), "plan"): 300.0})


    def _forecast_total(self):
        return sum(self.env["collection.forecast.week"].search([("company_id", "=", self.company.id)]).mapped("amount"))

    def test_plan_interest_is_expected_once(self):
        """Interest invoiced at activation is expected on the installments' dates, not a second time as debt."""
        today = fields.Date.today()
        self.company.collection_interest_product_id = self.env["product.product"].create(
            {"name": "Intereses de financiación", "type": "service", "taxes_id": []})
        self.company.collection_plan_interest_timing = "activation"
        invoice = self._invoice_due_on(self.partner_a, today - timedelta(days=50), 900)
        self._run(today=today)
        plan = self._active_plan(invoice, today + timedelta(days=7), interest_rate=3)
        self.assertEqual(len(plan.interest_move_ids), 3, "3 x 9 of interest, invoiced at activation")
        # 900 of principal + 27 of interest: 927, not 954
        self.assertAlmostEqual(self._forecast_total(), 927.0)

    def test_a_plan_in_another_currency_is_converted(self):
        today = fields.Date.today()
        eur = self.setup_other_currency("EUR", rates=[(str(today), 2.0)])   # 2 EUR a unit of the company's
        invoice = self._invoice_due_on(self.partner_a, today - timedelta(days=50), 900, currency=eur)
        self._run(today=today)
        self._active_plan(invoice, today + timedelta(days=7))
        # 900 EUR expected: 450 in the company's currency
        self.assertAlmostEqual(self._forecast_total(), 450.0)


@tagged("post_install", "-at_install")
class TestDaysToCollect(CollectionsCommon):
    def test_average_days_from_opening_to_closing(self):
        today = fields.Date.today()
        cases = self.env["collection.case"]
        for partner, opened_days_ago in ((self.partner_a, 12), (self.partner_b, 30)):
            invoice = self._invoice_due_on(partner, today - timedelta(days=20), 100)
            self._run(today=today)
            case = self._case(partner)
            case.user_id = self.collector
            self.env.flush_all()
            self.env.cr.execute(SQL("UPDATE collection_case SET create_date = create_date - %s WHERE id = %s",
                                    timedelta(days=opened_days_ago), case.id))
            self._register_payment(invoice, 100, day=today)
            cases |= case
        self._run(today=today)
        self.assertEqual(set(cases.mapped("state")), {"closed"})
        [(closed, days)] = self.env["collection.collector.report"]._read_group(
            [("user_id", "=", self.collector.id)], [], ["closed_count:sum", "days_to_collect:avg"])
        # opened 12 and 30 days ago, both closed today: (12 + 30) / 2
        self.assertEqual(closed, 2)
        self.assertAlmostEqual(days, 21.0)


@tagged("post_install", "-at_install")
class TestReportsInBrowser(PlanBookMixin, CollectionsCommon, HttpCase):
    def test_manager_reads_recovery_and_plan_compliance(self):
        today = fields.Date.today()
        self._invoice_due_on(self.partner_a, today - timedelta(days=45), 700)
        invoice = self._invoice_due_on(self.partner_b, today - timedelta(days=20), 900)
        self._run(today=today)
        plan = self._active_plan(invoice, today + timedelta(days=1))
        self._backdate(plan, 40, [today - timedelta(days=30), today + timedelta(days=1), today + timedelta(days=31)])
        self._paid_days_ago(invoice, 300, 32)
        self.start_tour("/odoo", "collections_reports_tour", login=self.manager.login)
