from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestLateFees(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fee_product = cls.env["product.product"].create({"name": "Late fee", "type": "service", "taxes_id": []})
        cls.Rule = cls.env["collection.fee.rule"]

    def _rule(self, **vals):
        return self.Rule.create({"name": "Rule", "product_id": self.fee_product.id, **vals})

    def test_interest_with_grace_and_partial_payment(self):
        rule = self._rule(fee_type="interest", rate=36.5, rate_period="year", grace_days=10)
        move = self._invoice(self.partner_a, 40, 1000)
        fees = rule._charge(move, self.TODAY)
        # days 11..40 after the due date: 30 days at 0.1 % a day on 1000
        self.assertEqual((fees.days, fees.amount), (30, 30.0))
        self.assertEqual(fees.fee_move_id.state, "posted")
        self.assertEqual(fees.fee_move_id.amount_total, 30.0)
        self.assertEqual(fees.fee_move_id.partner_id, self.partner_a)
        self.assertFalse(rule._charge(move, self.TODAY), "the same days are never charged twice")
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
            {"payment_date": self.TODAY, "amount": 500})._create_payments()
        later = rule._charge(move, self.TODAY + timedelta(days=10))
        # only the 10 new days, on the 500 still open
        self.assertEqual((later.date_from, later.days, later.amount), (self.TODAY + timedelta(days=1), 10, 5.0))

    def test_fixed_fee_with_cap_once_per_invoice(self):
        rule = self._rule(fee_type="fixed", fixed_amount=50, max_amount=40)
        move = self._invoice(self.partner_a, 5, 1000)
        fee = rule._charge(move, self.TODAY)
        self.assertEqual(fee.amount, 40.0, "capped per invoice")
        self.assertFalse(rule._charge(move, self.TODAY + timedelta(days=30)))
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["collection.fee"].sudo().create({
                "rule_id": rule.id, "move_id": move.id, "date_from": self.TODAY - timedelta(days=1),
                "date_to": self.TODAY, "amount": 10, "currency_id": move.currency_id.id})

    def test_percentage_with_minimum_and_grace(self):
        rule = self._rule(fee_type="percent", percent=5, min_amount=60, grace_days=10)
        recent = self._invoice(self.partner_a, 8, 1000)
        old = self._invoice(self.partner_a, 20, 1000)
        fees = rule._charge(recent | old, self.TODAY)
        self.assertEqual(fees.move_id, old, "within the grace days no fee")
        self.assertEqual(fees.amount, 60.0, "5 % of 1000 raised to the minimum")

    def test_waiver_from_the_fee_form_posts_credit_note_managers_only(self):
        rule = self._rule(fee_type="fixed", fixed_amount=25)
        move = self._invoice(self.partner_a, 5, 100)
        self._run()
        self._case(self.partner_a).user_id = self.collector
        fee = rule._charge(move, self.TODAY)
        self.env.ref("collections_management.collection_fee_view_form")  # the form managers waive from
        with self.assertRaisesRegex(UserError, "Collections Manager"):
            fee.with_user(self.collector).action_waive()
        with self.assertRaises(AccessError):
            fee.with_user(self.collector).write({"state": "waived", "waive_reason": "goodwill"})
        with self.assertRaises(AccessError):
            fee.with_user(self.manager).write({"amount": 1.0})
        with self.assertRaises(AccessError):
            self.env["collection.fee.waive.wizard"].with_user(self.collector).create(
                {"fee_ids": [Command.set(fee.ids)], "reason": "goodwill"})
        action = fee.with_user(self.manager).action_waive()
        wizard = Form(self.env[action["res_model"]].with_user(self.manager).with_context(**action["context"]))
        with self.assertRaisesRegex(UserError, "why"):
            self.env["collection.fee.waive.wizard"].with_user(self.manager).create(
                {"fee_ids": [Command.set(fee.ids)], "reason": " "}).action_waive()
        wizard.reason = "Goodwill after a delivery problem"
        wizard.save().action_waive()
        self.assertEqual(fee.state, "waived")
        self.assertEqual(fee.waive_move_id.move_type, "out_refund")
        self.assertEqual(fee.waive_move_id.state, "posted")
        self.assertEqual(fee.fee_move_id.payment_state, "reversed")
        self.assertEqual(fee.fee_move_id.amount_residual, 0.0)
        self.assertEqual(fee.waive_reason, "Goodwill after a delivery problem")
        self.assertEqual(fee.waived_by_id, self.manager)

    def test_bad_rules_rejected(self):
        with self.assertRaisesRegex(ValidationError, "needs a product"):
            self.Rule.create({"name": "No product", "fee_type": "fixed", "fixed_amount": 10})
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._rule(fee_type="interest", rate=-2)
        with self.assertRaisesRegex(ValidationError, "set its amount"):
            self._rule(fee_type="percent")

    def test_wizard_previews_then_charges_a_case(self):
        self._rule(fee_type="interest", rate=3, rate_period="month")
        self._invoice(self.partner_a, 30, 1000)
        self._invoice(self.partner_a, 60, 2000)
        self._run()
        case = self._case(self.partner_a)
        wizard = self.env["collection.fee.wizard"].with_context(
            active_model="collection.case", active_ids=case.ids).create({"date": self.TODAY})
        # 30 days at 0.1 %/day on 1000 + 60 days on 2000
        self.assertEqual(sorted(wizard.line_ids.mapped("amount")), [30.0, 120.0])
        self.assertEqual(wizard.total, 150.0)
        self.assertFalse(self.env["collection.fee"].search([]), "the preview posts nothing")
        wizard.action_charge()
        self.assertEqual(sum(self.env["collection.fee"].search([]).mapped("amount")), 150.0)
        with self.assertRaisesRegex(UserError, "Nothing to charge"):
            self.env["collection.fee.wizard"].with_context(
                active_model="collection.case", active_ids=case.ids).create({"date": self.TODAY}).action_charge()

    def test_strategy_step_charges_fees_once(self):
        self._rule(fee_type="fixed", fixed_amount=15)
        stage = self.stage_by_code["administrative"]
        self.company.collection_strategy_id.step_ids = [
            Command.create({"name": "Late fee", "stage_id": stage.id, "channel": "fee", "day_offset": 0})]
        move = self._invoice(self.partner_a, 10, 300)
        self._run()
        self._run()
        fees = self.env["collection.fee"].search([("move_id", "=", move.id)])
        self.assertEqual(len(fees), 1)
        self.assertEqual(fees.amount, 15.0)
        execution = self._case(self.partner_a).execution_ids.filtered(lambda e: e.channel == "fee")
        self.assertEqual(execution.state, "done")

    def test_rule_limited_to_a_segment(self):
        vip = self.env["collection.segment"].create({"name": "VIP", "sequence": 1, "amount_min": 5000})
        self.env["collection.segment"].create({"name": "Others", "sequence": 2})
        rule = self._rule(fee_type="fixed", fixed_amount=20, segment_ids=[Command.set(vip.ids)])
        big = self._invoice(self.partner_a, 10, 6000)
        small = self._invoice(self.partner_b, 10, 100)
        self._run()
        fees = rule._charge(big | small, self.TODAY)
        self.assertEqual(fees.move_id, big, "only invoices of cases in the rule's segments")

    # ------------------------------------------------------------------ currency, base, ceiling
    def test_fixed_amounts_in_the_rule_currency_converted_at_the_invoice_date(self):
        usd = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0), ("2026-03-01", 4.0)])
        rule = self._rule(fee_type="fixed", fixed_amount=10, min_amount=0, max_amount=30)
        self.assertEqual(rule.currency_id, self.company.currency_id, "the company's currency by default")
        # due (and dated) 2026-02-14: 2 USD per company unit that day, not today's 4
        move = self._invoice(self.partner_a, 30, 1000, currency=usd)
        fee = rule._charge(move, self.TODAY)
        self.assertEqual((fee.currency_id, fee.amount), (usd, 20.0))
        capped = self._rule(fee_type="percent", percent=10, max_amount=30)
        fee = capped._charge(move, self.TODAY)
        self.assertEqual(fee.amount, 60.0, "a cap of 30 in company currency is 60 EUR at that date")

    def test_interest_day_by_day_on_each_days_open_amount(self):
        rule = self._rule(fee_type="interest", rate=36.5, rate_period="year")
        move = self._invoice(self.partner_a, 30, 1000)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
            {"payment_date": self.TODAY - timedelta(days=10), "amount": 500})._create_payments()
        fee = rule._charge(move, self.TODAY)
        # 0.1 % a day: 19 days (due+1 .. TODAY-11) on 1000 = 19.00, 11 days (TODAY-10 .. TODAY) on 500 = 5.50
        self.assertEqual((fee.days, fee.amount), (30, 24.5))

    def test_no_interest_on_fee_documents_unless_the_rule_compounds(self):
        fixed = self._rule(fee_type="fixed", fixed_amount=100)
        move = self._invoice(self.partner_a, 60, 1000)
        fee_invoice = fixed._charge(move, self.TODAY - timedelta(days=30)).fee_move_id
        self.assertEqual(fee_invoice.collection_charge_type, "fee")
        fee_invoice.invoice_date_due = self.TODAY - timedelta(days=30)
        interest = self._rule(fee_type="interest", rate=36.5)
        charged = interest._charge(move | fee_invoice, self.TODAY)
        self.assertEqual(charged.move_id, move, "no interest on interest by default")
        compound = self._rule(fee_type="interest", rate=36.5, compound=True)
        self.assertIn(fee_invoice, compound._charge(move | fee_invoice, self.TODAY).move_id)

    def test_legal_ceiling_caps_every_rule_and_the_preview_says_so(self):
        self.company.collection_max_annual_rate = 18.25
        self._rule(fee_type="interest", rate=3, rate_period="month")  # 36.5 % a year on a 30-day month basis
        self._invoice(self.partner_a, 20, 1000)
        self._run()
        wizard = self.env["collection.fee.wizard"].with_context(
            active_model="collection.case", active_ids=self._case(self.partner_a).ids).create({"date": self.TODAY})
        line = wizard.line_ids
        # the rule asks 0.1 % a day: 20 days on 1000 = 20.00; the ceiling, 18.25 % effective a year, allows
        # 1000 * (1.1825^(20/365) - 1) = 9.23 for those 20 days
        self.assertEqual((line.amount, line.rate_capped, line.ceiling_amount, line.amount_cut),
                         (9.23, True, 9.23, 10.77))
        self.assertAlmostEqual(line.rate_applied, 36.5, places=4, msg="the rule's own rate, cut by amount")
        self.assertEqual((wizard.ceiling_rate, wizard.total_cut), (18.25, 10.77), "the preview shows the cut")
        fee = wizard.action_charge() and self.env["collection.fee"].search([("move_id", "=", line.move_id.id)])
        self.assertEqual((fee.amount, fee.rate_capped, fee.amount_cut), (9.23, True, 10.77))

    def test_the_ceiling_is_an_effective_annual_rate(self):
        """30 days on 1,000,000 at Colombia's 25.52 % EA: at most 18,857.37, not 20,975.34."""
        self.company.collection_max_annual_rate = 25.52
        rule = self._rule(fee_type="interest", rate=25.52)
        move = self._invoice(self.partner_a, 30, 1000000)
        fee = rule._charge(move, self.TODAY)
        # the rule's simple rate: 1,000,000 * 0.2552 / 365 * 30 = 20,975.34
        # the ceiling: 1,000,000 * (1.2552^(30/365) - 1) = 18,857.37
        self.assertEqual((fee.days, fee.amount, fee.amount_cut), (30, 18857.37, 2117.97))
        # ten more days: the ceiling over the 40 days, less the 18,857.37 already charged
        later = rule._charge(move, self.TODAY + timedelta(days=10))
        # the rule asks 1,000,000 * 0.2552 / 365 * 10 = 6,991.78; the ceiling over the 40 days is
        # 1,000,000 * (1.2552^(40/365) - 1) = 25,221.85, of which 18,857.37 is charged: 6,364.48 left
        self.assertEqual((later.amount, later.amount_cut), (6364.48, 627.30))
        self.assertEqual(fee.amount + later.amount, 25221.85)

    def test_fees_and_minimums_within_the_ceiling_all_rules_together(self):
        self.company.collection_max_annual_rate = 25.52
        # a 10 % fee ten days late: at most 1,000,000 * (1.2552^(10/365) - 1) = 6,246.69, not 100,000
        percent = self._rule(fee_type="percent", percent=10, sequence=1)
        move = self._invoice(self.partner_a, 10, 1000000)
        fee = percent._charge(move, self.TODAY)
        self.assertEqual((fee.amount, fee.amount_cut), (6246.69, 93753.31))
        # two rules of 20 % each on another invoice: together within the same ceiling
        other = self._invoice(self.partner_a, 10, 1000000)
        second = self._rule(fee_type="percent", percent=20, sequence=2)
        third = self._rule(fee_type="percent", percent=20, sequence=3)
        fees = (second | third)._charge(other, self.TODAY)
        self.assertEqual(fees.mapped("amount"), [6246.69], "the first takes the whole ceiling, the second nothing")
        # a minimum of 50 where the ceiling allows 1,000 * (1.2552^(11/365) - 1) = 6.87
        small = self._invoice(self.partner_a, 11, 1000)
        minimum = self._rule(fee_type="interest", rate=1, min_amount=50)
        self.assertEqual(minimum._charge(small, self.TODAY).amount, 6.87, "a minimum never beats the ceiling")

    def test_disputed_excluded_and_planned_invoices_get_no_fee_and_no_reminder(self):
        rule = self._rule(fee_type="fixed", fixed_amount=15)
        disputed = self._invoice(self.partner_a, 20, 100)
        plain = self._invoice(self.partner_a, 20, 200)
        excluded = self._invoice(self.partner_a, 25, 300)
        excluded.write({"collection_excluded": True, "collection_exclusion_reason": "Agreed with the CFO"})
        self._run()
        case = self._case(self.partner_a)
        case.user_id = self.collector
        self.env["collection.dispute"].with_user(self.collector).create(
            {"move_id": disputed.id, "reason": "defective"})
        fees = rule._charge(disputed | plain | excluded, self.TODAY)
        self.assertEqual(fees.move_id, plain)
        self.assertEqual(case._collection_overdue_moves(), plain, "reminders and letters list only what is claimed")
        self.assertEqual(case._collection_claimed_total(), 200.0)
        self.assertEqual(set(case.move_ids.ids), {disputed.id, plain.id, excluded.id},
                         "the collector still sees them, flagged")
        template = self.stage_by_code["administrative"].mail_template_id
        body = template._render_field("body_html", case.ids)[case.id]
        self.assertIn(plain.name, body)
        self.assertNotIn(disputed.name, body)
        self.assertNotIn(excluded.name, body)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "collections_management.collection_case_letter_report", case.ids)[0].decode()
        self.assertNotIn(disputed.name, html)
        self.assertNotIn(excluded.name, html)


@tagged("post_install", "-at_install")
class TestUsuryCeilingColombia(CollectionsCommon):
    """Colombia's chart and pesos: late interest within the certified usury rate (Código de Comercio art. 884)."""

    @classmethod
    @CollectionsCommon.setup_country("co")
    def setUpClass(cls):
        super().setUpClass()
        cls.company.collection_max_annual_rate = 25.52   # an effective annual rate, as certified
        product = cls.env["product.product"].create({"name": "Intereses de mora", "type": "service", "taxes_id": []})
        cls.rule = cls.env["collection.fee.rule"].create({
            "name": "Intereses de mora", "fee_type": "interest", "rate": 2.5, "rate_period": "month",
            "product_id": product.id, "company_id": cls.company.id})

    def test_thirty_days_on_a_million_pesos(self):
        self.assertEqual(self.company.currency_id.name, "COP")
        move = self._invoice(self.partner_a, 30, 1000000)
        fee = self.rule._charge(move, self.TODAY)
        # 2.5 % a month asks 1,000,000 * 0.025 / 30 * 30 = 25,000.00; the usury ceiling allows
        # 1,000,000 * (1.2552^(30/365) - 1) = 18,857.37 for those 30 days
        self.assertEqual((fee.days, fee.amount, fee.amount_cut, fee.rate_capped), (30, 18857.37, 6142.63, True))
        self.assertEqual(fee.fee_move_id.amount_total, 18857.37)
        self.assertEqual(fee.fee_move_id.currency_id.name, "COP")
