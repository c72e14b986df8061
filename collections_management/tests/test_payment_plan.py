from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestPaymentPlan(CollectionsCommon):
    def _plan(self, moves, **vals):
        self._run()
        return self.env["collection.payment.plan"].create({
            "case_id": self._case(moves.commercial_partner_id).id,
            "currency_id": moves.currency_id.id,
            "move_ids": [Command.set(moves.ids)],
            "installment_count": 3,
            "first_date": self.TODAY + timedelta(days=30),
            **vals,
        })

    def _pay_line(self, line, amount):
        self.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=line.ids).create(
            {"payment_date": self.TODAY, "amount": amount})._create_payments()

    def test_totals_exact_to_the_cent_and_restructuring_entry(self):
        with freeze_time(self.TODAY):
            moves = self._invoice(self.partner_a, 40, 600) | self._invoice(self.partner_a, 20, 400.01)
            plan = self._plan(moves, down_payment=100)
            self.assertEqual(plan.line_ids.mapped("amount"), [100.0, 300.0, 300.0, 300.01])
            self.assertAlmostEqual(sum(plan.line_ids.mapped("amount")), 1000.01, places=2)
            plan.action_activate()
            entry = plan.restructure_move_id
            self.assertEqual(entry.state, "posted")
            self.assertAlmostEqual(sum(entry.line_ids.mapped("debit")), sum(entry.line_ids.mapped("credit")), places=2)
            self.assertTrue(all(m.currency_id.is_zero(m.amount_residual) for m in moves), "originals settled")
            first = self.TODAY + timedelta(days=30)
            self.assertEqual(plan.line_ids.mapped("move_line_id.date_maturity"),
                             [self.TODAY, first, first + relativedelta(months=1), first + relativedelta(months=2)])
            self._run()
            case = self._case(self.partner_a)
            self.assertEqual(case.amount_overdue, 0.0, "the engine sees the new schedule")
            self.assertAlmostEqual(case.amount_due, 1000.01, places=2)

    def test_foreign_currency_plan_is_exact(self):
        with freeze_time(self.TODAY):
            usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.3)])
            moves = self._invoice(self.partner_a, 40, 100, currency=usd) | self._invoice(self.partner_a, 30, 100, currency=usd)
            plan = self._plan(moves)
            self.assertEqual(plan.line_ids.mapped("amount"), [66.66, 66.66, 66.68])
            plan.action_activate()
            receivables = plan.line_ids.move_line_id
            self.assertAlmostEqual(sum(receivables.mapped("amount_currency")), 200.0, places=2)
            self.assertAlmostEqual(sum(receivables.mapped("balance")), sum(moves.mapped("amount_total_signed")), places=2)
            self.assertTrue(all(m.currency_id.is_zero(m.amount_residual) for m in moves))

    def test_installment_states_from_payments(self):
        with freeze_time(self.TODAY):
            plan = self._plan(self._invoice(self.partner_a, 40, 300))
            plan.action_activate()
            first, second, third = plan.line_ids.sorted("sequence")
            self.assertEqual(first.state, "due")
            self._pay_line(first.move_line_id, 100)
            self._pay_line(second.move_line_id, 40)
            plan.line_ids.invalidate_recordset()
            self.assertEqual(first.state, "paid")
            self.assertEqual(second.state, "partial")
            self.assertEqual(third.state, "due")
            self._pay_line(second.move_line_id, 60)
            self._pay_line(third.move_line_id, 150)  # over-payment: the rest stays as a credit
            plan.line_ids.invalidate_recordset()
            self.assertEqual(set(plan.line_ids.mapped("state")), {"paid"})
            plan._check_breach()
            self.assertEqual(plan.state, "completed")

    def test_breach_returns_case_to_collections(self):
        with freeze_time(self.TODAY):
            plan = self._plan(self._invoice(self.partner_a, 40, 300), grace_days=5)
            plan.action_activate()
        later = self.TODAY + timedelta(days=40)
        plan._check_breach(self.TODAY + timedelta(days=33))
        self.assertEqual(plan.state, "active", "within the grace days")
        plan._check_breach(self.TODAY + timedelta(days=36))
        self.assertEqual(plan.state, "broken")
        case = plan.case_id
        self.assertTrue(case.activity_ids.filtered(lambda a: "plan broken" in (a.summary or "")))
        self._run(today=later)
        self.assertEqual(case.stage_id, self.stage_by_code["administrative"],
                         "back at the stage of the oldest unpaid installment (10 days)")

    def test_cancel_reopens_the_invoices(self):
        with freeze_time(self.TODAY):
            move = self._invoice(self.partner_a, 40, 300)
            plan = self._plan(move)
            plan.action_activate()
            plan.action_cancel()
            self.assertEqual(plan.state, "cancelled")
            self.assertEqual(plan.restructure_move_id.state, "cancel")
            self.assertEqual(move.amount_residual, 300.0)

    def test_bad_input_and_approval_threshold(self):
        with freeze_time(self.TODAY):
            move = self._invoice(self.partner_a, 40, 5000)
            with self.assertRaisesRegex(ValidationError, "at least one installment"):
                self._plan(move, installment_count=0)
            with self.assertRaisesRegex(ValidationError, "in the past"):
                self._plan(move, first_date=self.TODAY - timedelta(days=1))
            paid = self._invoice(self.partner_b, 10, 100)
            self.env["account.payment.register"].with_context(active_model="account.move", active_ids=paid.ids).create(
                {"payment_date": self.TODAY})._create_payments()
            self._invoice(self.partner_b, 10, 50)
            with self.assertRaisesRegex(ValidationError, "already paid"):
                self._plan(paid)
            self.company.collection_plan_approval_amount = 1000
            plan = self._plan(move)
            self._case(self.partner_a).user_id = self.collector
            as_collector = plan.with_user(self.collector)
            with self.assertRaisesRegex(UserError, "approve it first"):
                as_collector.action_activate()
            with self.assertRaisesRegex(UserError, "Only a Collections Manager"):
                as_collector.action_approve()
            other = self._plan(self._invoice(self.partner_b, 40, 100))
            self.assertNotIn(other, self.env["collection.payment.plan"].with_user(self.collector).search([]),
                             "a collector sees the plans of their own cases only")
            plan.with_user(self.manager).action_approve()
            as_collector.action_accept(ip="203.0.113.7")
            self.assertEqual(plan.state, "active")
            self.assertEqual((plan.accepted_ip, plan.acceptance_channel), ("203.0.113.7", "backend"))

    def test_propose_from_case_previews_schedule(self):
        with freeze_time(self.TODAY):
            self._invoice(self.partner_a, 40, 900)
            self._run()
            action = self._case(self.partner_a).action_propose_payment_plan()
            form = Form(self.env["collection.payment.plan"].with_context(**action["context"]))
            form.installment_count = 3
            self.assertEqual(len(form.line_ids), 3, "the schedule is previewed before saving")
            plan = form.save()
            self.assertEqual(plan.line_ids.mapped("amount"), [300.0, 300.0, 300.0])
            self.assertEqual(plan.state, "draft")

    def test_interest_is_spread_on_installments_and_booked_as_income(self):
        with freeze_time(self.TODAY):
            move = self._invoice(self.partner_a, 40, 1000)
            plan = self._plan(move, interest_rate=6)
            self.assertEqual(plan.interest_amount, 60.0)
            self.assertEqual(plan.line_ids.mapped("amount"), [353.33, 353.33, 353.34])
            plan.action_activate()
            entry = plan.restructure_move_id
            self.assertAlmostEqual(sum(entry.line_ids.mapped("debit")), 1060.0, places=2)
            self.assertAlmostEqual(sum(entry.line_ids.mapped("credit")), 1060.0, places=2)
            income = entry.line_ids.filtered(lambda l: l.account_id.account_type in ("income", "income_other"))
            self.assertAlmostEqual(income.credit, 60.0, places=2)
            self.assertEqual(move.amount_residual, 0.0)

    def test_plan_over_an_invoice_with_several_installments(self):
        with freeze_time(self.TODAY):
            term = self.env["account.payment.term"].create({
                "name": "30/60",
                "line_ids": [Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                             Command.create({"value": "percent", "value_amount": 50, "nb_days": 60})],
            })
            move = self.env["account.move"].create({
                "move_type": "out_invoice", "partner_id": self.partner_a.id,
                "invoice_date": self.TODAY - timedelta(days=45), "invoice_payment_term_id": term.id,
                "invoice_line_ids": [Command.create({"product_id": self.product_a.id, "price_unit": 800, "tax_ids": []})],
            })
            move.action_post()
            plan = self._plan(move)
            plan.action_activate()
            self.assertEqual(move.amount_residual, 0.0)
            self.assertTrue(all(line.reconciled for line in move.line_ids
                                if line.account_id.account_type == "asset_receivable"))
            self.assertEqual(plan.line_ids.move_line_id.mapped("amount_residual"), [266.66, 266.66, 266.68])
