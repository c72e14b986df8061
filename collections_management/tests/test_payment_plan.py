from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestPaymentPlan(CollectionsCommon):
    """Plans are schedules: the covered invoices stay open and are paid by real payments only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.interest_product = cls.env["product.product"].create(
            {"name": "Financing interest", "type": "service", "taxes_id": []})
        cls.company.collection_interest_product_id = cls.interest_product

    def setUp(self):
        super().setUp()
        self._freeze_today()

    def _plan(self, moves, run=True, **vals):
        if run:
            self._run()
        return self.env["collection.payment.plan"].create({
            "case_id": self._case(moves.commercial_partner_id).id,
            "move_ids": [Command.set(moves.ids)],
            "installment_count": 3,
            "first_date": self.TODAY + timedelta(days=30),
            **vals,
        })

    def _states(self, plan):
        plan.invalidate_recordset()
        plan.line_ids.invalidate_recordset()
        return [(line.amount_paid, line.state) for line in plan.line_ids.sorted("sequence")]

    def test_plan_interest_within_the_legal_ceiling(self):
        """20 % over three months (about 204 % a year) is refused where the ceiling is 25.52 % EA."""
        self.company.collection_max_annual_rate = 25.52
        move = self._invoice(self.partner_a, 40, 900000)
        # 3 x 300,000 due in 30, 61 and 91 days (TODAY is 16 March: 15 April, 15 May, 15 June);
        # the ceiling: 300,000 * ((1.2552^(30/365) - 1) + (1.2552^(60/365) - 1) + (1.2552^(91/365) - 1))
        #            = 300,000 * (0.018857 + 0.038070 + 0.058304) = 34,569.65
        limit = sum(300000 * (1.2552 ** (days / 365) - 1) for days in (30, 60, 91))
        self.assertAlmostEqual(limit, 34569.65, places=1)
        with self.assertRaisesRegex(ValidationError, "above the legal ceiling"):
            self._plan(move, interest_rate=20)
        self.assertFalse(self.env["collection.payment.plan"].search([("case_id", "=", self._case(self.partner_a).id)]))
        plan = self._plan(move, run=False, interest_rate=3.8)   # 34,200 of interest: within
        self.assertEqual(plan.interest_amount, 34200.0)

    def test_activation_posts_nothing_and_cash_basis_vat_waits_for_cash(self):
        self.company.tax_exigibility = True
        transition = self.env["account.account"].create({
            "code": "CABA01", "name": "VAT to collect", "account_type": "liability_current", "reconcile": True})
        tax_account = self.company_data["default_account_tax_sale"]
        vat = self.env["account.tax"].create({
            "name": "IVA 19% on payment", "amount": 19, "type_tax_use": "sale", "tax_exigibility": "on_payment",
            "cash_basis_transition_account_id": transition.id,
            "invoice_repartition_line_ids": [Command.create({"repartition_type": "base"}),
                                             Command.create({"repartition_type": "tax", "account_id": tax_account.id})],
            "refund_repartition_line_ids": [Command.create({"repartition_type": "base"}),
                                            Command.create({"repartition_type": "tax", "account_id": tax_account.id})],
        })
        move = self._invoice(self.partner_a, 40, 1000, post=False)
        move.invoice_line_ids.tax_ids = vat
        move.action_post()
        self.assertEqual(move.amount_total, 1190.0)
        plan = self._plan(move)
        entries_before = self.env["account.move"].search_count([])
        plan.action_activate()
        self.assertEqual(plan.state, "active")
        self.assertEqual(self.env["account.move"].search_count([]), entries_before, "activation posts nothing")
        self.assertEqual(move.payment_state, "not_paid", "the invoice is not paid by a plan")
        self.assertEqual(move.amount_residual, 1190.0)
        self.assertFalse(move.tax_cash_basis_created_move_ids, "no VAT declared as collected without cash")
        self._register_payment(move, 396.66)
        self.assertEqual(move.payment_state, "partial")
        self.assertEqual(len(move.tax_cash_basis_created_move_ids), 1, "real cash: Odoo's own cash-basis entry")
        self.assertEqual(self._states(plan)[0], (396.66, "paid"))

    def test_installments_paid_in_date_order_with_overpayment_rolling(self):
        moves = self._invoice(self.partner_a, 40, 600) | self._invoice(self.partner_a, 20, 400.01)
        plan = self._plan(moves, down_payment=100)
        self.assertEqual(plan.line_ids.sorted("sequence").mapped("amount"), [100.0, 300.0, 300.0, 300.01],
                         "exact to the cent: rounded down, the last takes the remainder")
        plan.action_activate()
        first = self.TODAY + timedelta(days=30)
        self.assertEqual(plan.line_ids.sorted("sequence").mapped("date"),
                         [self.TODAY, first, first + relativedelta(months=1), first + relativedelta(months=2)])
        self._register_payment(moves, 250)
        # 250 = the down payment (100) + 150 of the first installment
        self.assertEqual(self._states(plan), [(100.0, "paid"), (150.0, "partial"), (0.0, "due"), (0.0, "due")])
        self._register_payment(moves, 400)
        # 400 more: 150 closes the first installment, 250 rolls into the second
        self.assertEqual(self._states(plan), [(100.0, "paid"), (300.0, "paid"), (250.0, "partial"), (0.0, "due")])
        self.assertAlmostEqual(plan.amount_paid, 650.0, places=2)
        self.assertAlmostEqual(plan.amount_remaining, 350.01, places=2)
        self.assertEqual((plan.next_date, plan.next_amount), (first + relativedelta(months=1), 50.0))

    def test_credit_note_shrinks_the_schedule_from_its_end_and_is_not_a_payment(self):
        move = self._invoice(self.partner_a, 40, 900)
        plan = self._plan(move)
        plan.action_activate()
        self._refund(move, 400)
        self.assertEqual(self._states(plan), [(0.0, "due"), (0.0, "due"), (0.0, "credited")],
                         "a credit note pays no installment: it cancels the last one")
        plan.line_ids.invalidate_recordset()
        self.assertEqual([line.amount_residual for line in plan.line_ids.sorted("sequence")], [300.0, 200.0, 0.0])
        self._register_payment(move, 500)
        plan._check_breach()
        self.assertEqual(plan.state, "completed")
        self.assertFalse(plan.case_id.plan_id)

    def test_unreconciled_payment_no_longer_pays_the_installment(self):
        move = self._invoice(self.partner_a, 40, 300)
        plan = self._plan(move)
        plan.action_activate()
        payment = self._register_payment(move, 100)
        self.assertEqual(self._states(plan)[0], (100.0, "paid"))
        payment.move_id.line_ids.remove_move_reconcile()
        self.assertEqual(self._states(plan)[0], (0.0, "due"))

    def test_plan_pauses_staging_dunning_and_fees_of_covered_invoices(self):
        fee_product = self.env["product.product"].create({"name": "Late fee", "type": "service", "taxes_id": []})
        rule = self.env["collection.fee.rule"].create(
            {"name": "Fixed", "fee_type": "fixed", "fixed_amount": 20, "product_id": fee_product.id})
        covered = self._invoice(self.partner_a, 40, 300)
        plan = self._plan(covered)
        case = plan.case_id
        stage = case.stage_id
        plan.action_activate()
        executions = len(case.execution_ids)
        self._run(today=self.TODAY + timedelta(days=5))
        self.assertEqual(case.state, "open", "the case stays open while the plan runs")
        self.assertEqual(case.plan_id, plan)
        self.assertEqual(case.stage_id, stage, "the case keeps its stage")
        self.assertEqual(case.amount_overdue, 0.0, "covered invoices are collected by the plan's dates")
        self.assertEqual(case.amount_due, 300.0)
        self.assertFalse(covered.collection_stage_id)
        self.assertEqual(len(case.execution_ids), executions, "no step while everything is under the plan")
        self.assertFalse(rule._charge(covered, self.TODAY + timedelta(days=5)), "no late fee on a covered invoice")
        self.assertNotIn(covered, case._collection_overdue_moves(), "no reminder lists it as overdue")

    def test_breach_sends_case_back_to_stage_of_oldest_unpaid_debt(self):
        move = self._invoice(self.partner_a, 40, 300)
        plan = self._plan(move, grace_days=5)
        case = plan.case_id
        plan.action_activate()
        case.activity_ids.unlink()
        plan._check_breach(self.TODAY + timedelta(days=35))
        self.assertEqual(plan.state, "active", "within the grace days")
        plan._check_breach(self.TODAY + timedelta(days=36))
        self.assertEqual(plan.state, "broken")
        self.assertFalse(case.plan_id)
        activity = case.activity_ids.filtered(lambda a: "plan broken" in (a.summary or ""))
        self.assertEqual(len(activity), 1, "the breach activity is on the open case")
        self._run(today=self.TODAY + timedelta(days=36))
        self.assertEqual(case.state, "open")
        # the invoice fell due 40 days before TODAY: 76 days overdue now
        self.assertEqual(case.stage_id, self.stage_by_code["extrajudicial"])
        self.assertEqual(move.collection_stage_id, self.stage_by_code["extrajudicial"])
        self.assertEqual(case.amount_overdue, 300.0)

    def test_interest_invoiced_per_installment_as_it_falls_due(self):
        move = self._invoice(self.partner_a, 40, 1000)
        plan = self._plan(move, interest_rate=6)
        self.assertEqual(plan.interest_amount, 60.0)
        self.assertEqual(plan.line_ids.sorted("sequence").mapped("interest_amount"), [20.0, 20.0, 20.0])
        plan.action_activate()
        self.assertFalse(plan.interest_move_ids, "no income booked on money that may never come")
        first = plan.line_ids.sorted("sequence")[0]
        with freeze_time(first.date):
            self.env["collection.payment.plan"]._cron_check_plans()
            self.env["collection.payment.plan"]._cron_check_plans()
        interest = plan.interest_move_ids
        self.assertEqual(len(interest), 1, "one document per installment, once")
        self.assertEqual((interest.move_type, interest.state, interest.amount_total), ("out_invoice", "posted", 20.0))
        self.assertEqual(interest.collection_charge_type, "interest")
        self.assertEqual(move.amount_residual, 1000.0, "the original invoice is untouched")
        self._register_payment(move, 333.33)
        self.assertEqual(self._states(plan)[0][1], "partial", "interest still unpaid")
        self._register_payment(interest, 20.0)
        self.assertEqual(self._states(plan)[0], (353.33, "paid"))

    def test_broken_plan_reverses_interest_not_yet_due_with_credit_notes(self):
        self.company.collection_plan_interest_timing = "activation"
        move = self._invoice(self.partner_a, 40, 1000)
        plan = self._plan(move, interest_rate=6)
        plan.action_activate()
        self.assertEqual(len(plan.interest_move_ids), 3, "all interest invoiced at activation, by choice")
        second_date = plan.line_ids.sorted("sequence")[1].date
        plan._check_breach(self.TODAY + timedelta(days=36))
        self.assertEqual(plan.state, "broken")
        first, second, third = plan.line_ids.sorted("sequence")
        self.assertEqual(first.interest_move_id.payment_state, "not_paid", "interest already due stays owed")
        for line in (second, third):
            self.assertGreater(line.date, self.TODAY + timedelta(days=36))
            self.assertEqual(line.interest_move_id.state, "posted", "never reset to draft")
            self.assertEqual(line.interest_move_id.payment_state, "reversed")
        refunds = self.env["account.move"].search([("reversed_entry_id", "in", plan.interest_move_ids.ids)])
        self.assertEqual(len(refunds), 2)
        self.assertTrue(all(r.state == "posted" and r.move_type == "out_refund" for r in refunds))
        self.assertLess(self.TODAY + timedelta(days=36), second_date)

    def test_cancel_leaves_the_books_as_if_there_had_been_no_plan(self):
        move = self._invoice(self.partner_a, 40, 300)
        plan = self._plan(move)
        entries = self.env["account.move"].search_count([])
        plan.action_activate()
        plan.action_cancel()
        self.assertEqual(plan.state, "cancelled")
        self.assertEqual(self.env["account.move"].search_count([]), entries, "nothing posted, nothing to reverse")
        self.assertEqual((move.amount_residual, move.payment_state), (300.0, "not_paid"))
        self.assertFalse(plan.case_id.plan_id)
        # with posted interest: reversed by credit notes
        self.company.collection_plan_interest_timing = "activation"
        other = self._plan(self._invoice(self.partner_b, 40, 500), interest_rate=3)
        other.action_activate()
        other.action_cancel()
        self.assertEqual(set(other.interest_move_ids.mapped("payment_state")), {"reversed"})
        self.assertEqual(set(other.interest_move_ids.mapped("state")), {"posted"})
        # with a payment received: refused
        paid = self._plan(self._invoice(self.env["res.partner"].create({"name": "Third"}), 40, 300))
        paid.action_activate()
        self._register_payment(paid.move_ids, 50)
        paid.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "break the plan instead"):
            paid.action_cancel()

    def test_accepted_schedule_is_frozen(self):
        move = self._invoice(self.partner_a, 40, 900)
        plan = self._plan(move)
        plan.action_propose()
        schedule = [(line.date, line.amount) for line in plan.line_ids]
        with freeze_time(self.TODAY + timedelta(days=31)):
            with self.assertRaisesRegex(UserError, "already past"):
                plan.action_activate()
        self.assertEqual([(line.date, line.amount) for line in plan.line_ids], schedule, "never recomputed silently")
        self._register_payment(move, 100)
        with self.assertRaisesRegex(UserError, "changed since this schedule was made"):
            plan.action_activate()
        self.assertEqual(plan.state, "proposed")
        plan.action_recompute_schedule()
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.amount_total, 800.0)
        plan.action_activate()
        with self.assertRaisesRegex(UserError, "frozen"):
            plan.installment_count = 6
        with self.assertRaisesRegex(UserError, "frozen"):
            plan.move_ids = [Command.clear()]

    def test_names_and_validation(self):
        move = self._invoice(self.partner_a, 40, 5000)
        self._run()
        case = self._case(self.partner_a)
        self.assertEqual(self.env["collection.payment.plan"].new({}).name, "New")
        plan = self._plan(move, run=False)
        self.assertEqual(plan.name, f"{case.name} · Plan 1")
        plan.action_cancel()
        self.assertEqual(self._plan(move, run=False).name, f"{case.name} · Plan 2")
        with self.assertRaisesRegex(ValidationError, "at least one installment"):
            self._plan(move, run=False, installment_count=0)
        with self.assertRaisesRegex(ValidationError, "in the past"):
            self._plan(move, run=False, first_date=self.TODAY - timedelta(days=1))
        paid = self._invoice(self.partner_b, 10, 100)
        self._register_payment(paid, 100)
        self._invoice(self.partner_b, 10, 50)
        with self.assertRaisesRegex(ValidationError, "already paid"):
            self._plan(paid)

    def test_foreign_currency_and_installment_invoices(self):
        usd = self.setup_other_currency("EUR", rates=[("2026-01-01", 1.3)])
        moves = self._invoice(self.partner_a, 40, 100, currency=usd) | self._invoice(self.partner_a, 30, 100, currency=usd)
        plan = self._plan(moves)
        self.assertEqual(plan.currency_id, usd)
        self.assertEqual(plan.line_ids.mapped("amount"), [66.66, 66.66, 66.68])
        self.company.collection_plan_approval_amount = 200
        plan.invalidate_recordset(["needs_approval"])
        # 200 EUR at 1.3 EUR per company unit is about 153.85 in company currency: under the limit
        self.assertFalse(plan.needs_approval, "the approval limit compares company-currency amounts")
        self.company.collection_plan_approval_amount = 0
        term = self.env["account.payment.term"].create({
            "name": "30/60",
            "line_ids": [Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                         Command.create({"value": "percent", "value_amount": 50, "nb_days": 60})],
        })
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.partner_b.id,
            "invoice_date": self.TODAY - timedelta(days=45), "invoice_payment_term_id": term.id,
            "invoice_line_ids": [Command.create({"product_id": self.product_a.id, "price_unit": 800, "tax_ids": []})],
        })
        move.action_post()
        other = self._plan(move)
        other.action_activate()
        self.assertEqual(other.amount_total, 800.0)
        self.assertFalse(any(line.reconciled for line in move.line_ids), "no reconciliation but real payments")

    def test_propose_from_case_previews_schedule(self):
        self._invoice(self.partner_a, 40, 900)
        self._run()
        action = self._case(self.partner_a).action_propose_payment_plan()
        form = Form(self.env["collection.payment.plan"].with_context(**action["context"]))
        form.installment_count = 3
        self.assertEqual(len(form.line_ids), 3, "the schedule is previewed before saving")
        plan = form.save()
        self.assertEqual(plan.line_ids.mapped("amount"), [300.0, 300.0, 300.0])
        self.assertEqual(plan.state, "draft")

    def test_the_down_payment_is_named_apart_and_a_negative_one_is_refused_in_the_form(self):
        self._invoice(self.partner_a, 40, 900)
        self._run()
        action = self._case(self.partner_a).action_propose_payment_plan()
        form = Form(self.env["collection.payment.plan"].with_context(**action["context"]))
        form.installment_count = 4
        form.down_payment = 100
        self.assertEqual(len(form.line_ids), 5)
        self.assertEqual(form.schedule_summary, "Down payment of $\xa0100.00 + 4 installments (monthly)")
        form.down_payment = -100
        self.assertEqual(len(form.line_ids), 0, "a refused down payment is not previewed")
        with self.assertRaises(ValidationError):
            form.save()
        form.down_payment = 0
        form.installment_count = 1
        self.assertEqual(form.schedule_summary, "1 installment (monthly)")
        form.down_payment = 300
        form.installment_count = 2
        plan = form.save()
        self.assertEqual(plan.line_ids.mapped("label"), ["Down payment", "Installment 1", "Installment 2"])
        plan.action_propose()
        self.assertIn("Down payment of $ 300.00 + 2 installments (monthly), total $ 900.00",
                      plan.message_ids[0].preview)

    # ------------------------------------------------------------------ roles
    def test_collector_cannot_bypass_approval_or_edit_installments(self):
        self.company.collection_plan_approval_amount = 1000
        move = self._invoice(self.partner_a, 40, 5000)
        self._run()
        self._case(self.partner_a).user_id = self.collector
        plan = self._plan(move, run=False).with_user(self.collector)
        with self.assertRaisesRegex(UserError, "approve it first"):
            plan.action_activate()
        with self.assertRaisesRegex(UserError, "Only a Collections Manager"):
            plan.action_approve()
        with self.assertRaises(AccessError):
            plan.write({"approved_by_id": self.collector.id})
        with self.assertRaises(AccessError):
            plan.write({"state": "active"})
        with self.assertRaises(AccessError):
            self.env["collection.payment.plan"].with_user(self.collector).create({
                "case_id": plan.case_id.id, "move_ids": [Command.set(move.ids)], "first_date": self.TODAY,
                "state": "active", "installment_count": 1})
        line = plan.line_ids[:1]
        with self.assertRaises(AccessError):
            line.write({"amount": 1.0})
        with self.assertRaises(AccessError):
            line.unlink()
        # approved, then the collector raises the total: the approval is void
        plan.with_user(self.manager).action_approve()
        self.assertFalse(plan.needs_approval)
        plan.write({"down_payment": 500})
        self.assertFalse(plan.approved_by_id, "changing the schedule voids the approval")
        self.assertTrue(plan.needs_approval)
        with self.assertRaisesRegex(UserError, "approve it first"):
            plan.action_activate()
        plan.with_user(self.manager).action_approve()
        plan.action_accept(ip="203.0.113.7")
        self.assertEqual(plan.state, "active")
        self.assertEqual((plan.accepted_ip, plan.acceptance_channel), ("203.0.113.7", "backend"))
        with self.assertRaises(AccessError):
            plan.line_ids[:1].write({"date": self.TODAY + timedelta(days=300)})
        other = self._plan(self._invoice(self.partner_b, 40, 100))
        self.assertNotIn(other, self.env["collection.payment.plan"].with_user(self.collector).search([]),
                         "a collector sees the plans of their own cases only")

    def test_taxed_interest_on_a_held_debtor_and_write_offs_are_not_cash(self):
        self.company.collection_block_held_invoices = True
        self.company.collection_plan_interest_timing = "activation"
        self.interest_product.taxes_id = self.company_data["default_tax_sale"]
        move = self._invoice(self.partner_a, 40, 1000)
        self.partner_a.collection_credit_hold = True
        self._run()
        self._case(self.partner_a).user_id = self.collector
        plan = self._plan(move, run=False, interest_rate=6).with_user(self.collector)
        plan.action_activate()  # the interest invoices of a held debtor are not new credit: they post
        self.assertEqual(len(plan.interest_move_ids), 3)
        tax_rate = self.company_data["default_tax_sale"].amount / 100
        self.assertAlmostEqual(plan.interest_move_ids[:1].amount_total, 20.0 * (1 + tax_rate), places=2)
        plan.invalidate_recordset()
        self.assertEqual(plan.amount_paid, 0.0, "unpaid taxed interest is not a negative payment")
        # 966.67 received and 33.33 written off as a discount: only the cash pays installments
        writeoff = self.company_data["default_account_expense"]
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create({
            "payment_date": self.TODAY, "amount": 966.67, "payment_difference_handling": "reconcile",
            "writeoff_account_id": writeoff.id, "writeoff_label": "Discount"})._create_payments()
        self.assertEqual(move.payment_state, "paid")
        self.assertAlmostEqual(plan._collection_cash_by_plan()[plan.id], 966.67, places=2)
        self.assertEqual([paid for paid, _state in self._states(plan)], [353.33 - 20.0, 333.33, 300.01],
                         "the write-off shrinks the last installment, it pays nothing")
        with self.assertRaisesRegex(UserError, "break the plan instead"):
            plan.action_cancel()

    # ------------------------------------------------------------------ restructuring
    def test_restructure_with_partial_payments_counts_each_payment_once(self):
        self.company.collection_plan_interest_timing = "activation"
        move = self._invoice(self.partner_a, 40, 900)
        old = self._plan(move, interest_rate=3)   # 3 x 300, interest 27 = 3 x 9, all invoiced at activation
        old.action_activate()
        # 300 + 9 pays the first installment with its interest; 100 more is part of the second
        self._register_payment(move, 400)
        self._register_payment(old.line_ids.sorted("sequence")[0].interest_move_id, 9)
        self.assertEqual(self._states(old), [(309.0, "paid"), (100.0, "partial"), (0.0, "due")])
        # all of this happened before today's restructuring (a test runs in one transaction: one timestamp)
        self.env.flush_all()
        self.env.cr.execute("UPDATE collection_payment_plan SET activation_date = activation_date - interval '2 days'"
                            " WHERE id = %s", [old.id])
        self.env.cr.execute("UPDATE account_partial_reconcile SET create_date = create_date - interval '1 day'")
        self.env.invalidate_all()
        action = old.action_restructure()
        new = self.env["collection.payment.plan"].browse(action["res_id"])
        # what remains of the invoice: 900 - 400 = 500, re-planned in 3 installments of 166.66 + 166.66 + 166.68
        self.assertEqual((new.state, new.amount_total, new.restructured_from_id, new.restructure_count),
                         ("draft", 500.0, old, 1))
        self.assertEqual(new.line_ids.sorted("sequence").mapped("amount"), [166.66, 166.66, 166.68])
        self.assertEqual(old.state, "active", "nothing changes until the customer accepts the new schedule")
        with self.assertRaisesRegex(UserError, "already being restructured"):
            old.action_restructure()
        new.action_activate()
        self.assertEqual((old.state, old.restructured_into_id, new.state), ("restructured", new, "active"))
        self.assertEqual(self._case(self.partner_a).plan_id, new)
        # the old plan's history is kept, its interest not yet due reversed (never reset to draft)
        first, second, third = old.line_ids.sorted("sequence")
        self.assertEqual(first.interest_move_id.payment_state, "paid")
        self.assertEqual((second.interest_move_id.state, second.interest_move_id.payment_state), ("posted", "reversed"))
        self.assertEqual(third.interest_move_id.payment_state, "reversed")
        # a payment after the restructuring pays the new plan only: each payment is counted exactly once
        self._register_payment(move, 166.66)
        # the new plan's interest (3 % of 500 = 15, 3 x 5) is invoiced at activation and not paid yet
        self.assertEqual(self._states(new), [(166.66, "partial"), (0.0, "due"), (0.0, "due")])
        old.invalidate_recordset()
        self.assertEqual(old.amount_paid, 409.0, "300 + 9 + 100, as before the restructuring")
        self.assertEqual(move.amount_residual, 333.34, "500 - 166.66: the books, not a copy")
        self.assertEqual(new.amount_remaining, 348.34, "333.34 of principal and 3 x 5 of interest")

    def test_restructuring_limit_and_bad_input(self):
        move = self._invoice(self.partner_a, 40, 900)
        plan = self._plan(move)
        self._case(self.partner_a).user_id = self.collector
        with self.assertRaisesRegex(UserError, "Only an active or defaulted plan can be restructured"):
            plan.action_restructure()
        plan.action_activate()
        first = self.env["collection.payment.plan"].browse(plan.action_restructure()["res_id"])
        self.assertFalse(first.needs_approval, "the first restructuring is within the default limit of 1")
        first.action_activate()
        second = self.env["collection.payment.plan"].browse(first.action_restructure()["res_id"])
        self.assertEqual(second.restructure_count, 2)
        self.assertTrue(second.needs_approval, "a second restructuring is a manager's decision")
        with self.assertRaisesRegex(UserError, "must approve it first"):
            second.with_user(self.collector).action_activate()
        second.with_user(self.manager).action_approve()
        second.action_activate()
        self.assertEqual(first.state, "restructured")
        self._register_payment(move, 900)
        self.env["collection.payment.plan"]._cron_check_plans()
        self.assertEqual(second.state, "completed")
        with self.assertRaisesRegex(UserError, "Only an active or defaulted plan can be restructured"):
            second.action_restructure()
        with self.assertRaises(AccessError):
            second.with_user(self.collector).write({"state": "active"})


@tagged("post_install", "-at_install")
class TestPlanRestructureUi(CollectionsCommon, HttpCase):
    def test_restructure_in_browser(self):
        move = self._invoice(self.partner_a, 40, 900)
        self._run()
        plan = self.env["collection.payment.plan"].create({
            "case_id": self._case(self.partner_a).id, "move_ids": [Command.set(move.ids)],
            "installment_count": 3, "first_date": fields.Date.today() + timedelta(days=30)})
        plan.action_activate()
        self._register_payment(move, 300, day=fields.Date.today())
        self.start_tour(f"/odoo/action-collections_management.collection_payment_plan_action/{plan.id}",
                        "collections_restructure_tour", login="colmanager")
        new = plan.restructured_into_id
        self.assertEqual((plan.state, new.state, new.amount_total), ("restructured", "active", 600.0))
