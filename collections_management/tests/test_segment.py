from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestSegmentAndAssignment(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ar = cls.env.ref("base.ar")
        cls.mx = cls.env.ref("base.mx")
        cls.partner_a.country_id = cls.ar
        cls.partner_b.country_id = cls.mx
        cls.partner_c = cls.env["res.partner"].create({"name": "Comercial Lima SAC", "country_id": cls.env.ref("base.pe").id})
        cls.Segment = cls.env["collection.segment"]

    def test_first_matching_rule_wins_and_explains_why(self):
        big = self.Segment.create({"name": "Big debts", "sequence": 1, "amount_min": 1000})
        argentina = self.Segment.create({"name": "Argentina", "sequence": 2, "country_ids": [Command.set(self.ar.ids)]})
        rest = self.Segment.create({"name": "Everyone else", "sequence": 3})
        self._invoice(self.partner_a, 10, 5000)   # big and Argentine: first rule wins
        self._invoice(self.partner_b, 10, 100)    # Mexico, small
        self._invoice(self.partner_c, 10, 100)
        self.partner_b.country_id = self.ar       # now Argentine too
        self._run()
        case_a, case_b, case_c = (self._case(p) for p in (self.partner_a, self.partner_b, self.partner_c))
        self.assertEqual(case_a.segment_id, big)
        self.assertIn("Big debts", case_a.segment_reason)
        self.assertEqual(case_b.segment_id, argentina)
        self.assertIn("AR", case_b.segment_reason)
        self.assertEqual(case_c.segment_id, rest)
        big.sequence = 5
        self._run()
        self.assertEqual(case_a.segment_id, argentina, "reordering the rules re-segments on the next run")

    def test_each_criterion(self):
        category = self.env["product.category"].create({"name": "Maquinaria"})
        self.product_b.categ_id = category
        cases_by_rule = {
            "days": {"days_min": 31, "days_max": 90},
            "amount": {"amount_min": 200, "amount_max": 600},
            "state": {"state_ids": [Command.set(self.env.ref("base.state_mx_jal").ids)]},
            "domain": {"partner_domain": "[('name', 'ilike', 'Lima')]"},
            "category": {"product_category_ids": [Command.set(category.ids)]},
            "late": {"avg_days_late_min": 10},
        }
        self.partner_b.state_id = self.env.ref("base.state_mx_jal")
        self._invoice(self.partner_a, 45, 100)
        self._invoice(self.partner_b, 5, 100)
        self._invoice(self.partner_c, 5, 50)
        self._run()
        case_a, case_b, case_c = (self._case(p) for p in (self.partner_a, self.partner_b, self.partner_c))
        behaviour = {self.partner_a.id: {"avg_days_late": 25.0}}
        cases = (case_a | case_b | case_c).with_context(collection_today=self.TODAY)
        expected = {"days": case_a, "amount": self.env["collection.case"], "state": case_b, "domain": case_c,
                    "category": self.env["collection.case"], "late": case_a}
        for key, vals in cases_by_rule.items():
            segment = self.Segment.create({"name": key, **vals})
            matched = self.env["collection.case"].browse(list(segment._match_cases(cases, behaviour)))
            self.assertEqual(matched, expected[key], key)
        # product category: an invoice of partner_b selling product_b
        move = self._invoice(self.partner_b, 6, 400)
        move.button_draft()
        move.invoice_line_ids.product_id = self.product_b
        move.action_post()
        self._run()
        cases.invalidate_recordset()
        segment = self.Segment.search([("name", "=", "category")])
        self.assertEqual(self.env["collection.case"].browse(list(segment._match_cases(cases, {}))), case_b)
        segment = self.Segment.search([("name", "=", "amount")])
        self.assertEqual(self.env["collection.case"].browse(list(segment._match_cases(cases, {}))), case_b)

    def test_payment_behaviour_and_broken_promises_feed_risk(self):
        paid_late = self._invoice(self.partner_a, 60, 100)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=paid_late.ids).create(
            {"payment_date": self.TODAY - timedelta(days=10)})._create_payments()
        self._invoice(self.partner_a, 10, 100)
        behaviour = self.env["collection.engine"]._payment_behaviour(self.partner_a.ids, self.TODAY)
        self.assertEqual(behaviour[self.partner_a.id]["avg_days_late"], 50.0)
        self.assertEqual(behaviour[self.partner_a.id]["late_share"], 1.0)
        self.assertGreater(behaviour[self.partner_a.id]["risk"], 0)
        risky = self.Segment.create({"name": "Risky", "risk_min": 50})
        self._run()
        case = self._case(self.partner_a)
        self.assertEqual(case.segment_id, risky)
        self.assertEqual(set(case.priority_details), {"amount", "stage", "risk", "broken_promises"})
        self.assertAlmostEqual(case.priority_score, sum(case.priority_details.values()), places=1)

    def test_assignment_balances_workload_and_keeps_manual_choice(self):
        team = self.Segment.create({"name": "Team", "user_ids": [Command.set((self.collector | self.collector_2).ids)]})
        partners = self.env["res.partner"].create([{"name": f"Cliente {i}"} for i in range(6)])
        for i, partner in enumerate(partners):
            self._invoice(partner, 10, 100 * (i + 1))
        self._run()
        cases = self.env["collection.case"].search([("partner_id", "in", partners.ids)])
        self.assertEqual(cases.segment_id, team)
        by_user = {u: cases.filtered(lambda c, u=u: c.user_id == u) for u in (self.collector, self.collector_2)}
        self.assertEqual(len(by_user[self.collector]), 3)
        self.assertEqual(len(by_user[self.collector_2]), 3)
        amounts = [sum(c.amount_overdue for c in group) for group in by_user.values()]
        self.assertLessEqual(abs(amounts[0] - amounts[1]), 300, "amounts are balanced too")
        moved = by_user[self.collector][:1]
        moved.user_id = self.manager  # manual override, outside the team
        self.assertTrue(moved.user_manual)
        self._run()
        self.assertEqual(moved.user_id, self.manager, "the engine keeps a manual assignment")
