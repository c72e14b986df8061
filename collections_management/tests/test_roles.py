from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestRolesInTheModels(CollectionsCommon):
    """What a button forbids a Collector, a plain write over RPC forbids too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.move_a = cls._invoice(cls, cls.partner_a, 40, 500)
        cls.move_b = cls._invoice(cls, cls.partner_b, 40, 300)
        cls.env["collection.engine"]._run(today=cls.TODAY)
        cls.case_a = cls.env["collection.case"].search([("partner_id", "=", cls.partner_a.id)])
        cls.case_b = cls.env["collection.case"].search([("partner_id", "=", cls.partner_b.id)])
        cls.case_a.user_id = cls.collector
        cls.case_b.user_id = cls.collector_2

    def test_collector_cannot_write_the_engines_figures_or_close_a_case(self):
        case = self.case_a.with_user(self.collector)
        for vals in ({"state": "closed"}, {"amount_overdue": 0.0}, {"amount_due": 1.0},
                     {"stage_id": self.stage_by_code["preventive"].id}, {"priority_score": 0.0},
                     {"segment_reason": "mine"}, {"plan_id": False}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                case.write(vals)
        with self.assertRaises(AccessError):
            case.write({"user_id": self.collector_2.id})
        self.assertEqual(self.case_a.state, "open")
        self.assertEqual(self.case_a.amount_overdue, 500.0)
        with self.assertRaises(AccessError):
            self.case_a.with_user(self.manager).write({"amount_overdue": 0.0})
        # what a collector may do on their case: talk in the chatter
        case.message_post(body="Called, the treasurer will call back")
        self.case_a.with_user(self.manager).write({"user_id": self.collector_2.id})
        self.assertEqual(self.case_a.user_id, self.collector_2)
        self.assertTrue(self.case_a.user_manual)

    def test_collector_cannot_dispute_or_promise_on_another_collectors_debtor(self):
        with self.assertRaises(AccessError):
            self.env["collection.dispute"].with_user(self.collector).create(
                {"move_id": self.move_b.id, "reason": "price"})
        self.assertFalse(self.move_b.collection_disputed)
        with self.assertRaises(AccessError):
            self.env["collection.promise"].with_user(self.collector).create(
                {"case_id": self.case_b.id, "date": self.TODAY, "amount": 10})
        dispute = self.env["collection.dispute"].with_user(self.collector).create(
            {"move_id": self.move_a.id, "reason": "price", "case_id": self.case_b.id})
        self.assertEqual(dispute.case_id, self.case_a, "the dispute belongs to the invoice's case, not the caller's")
        with self.assertRaises(AccessError):
            dispute.write({"state": "accepted"})
        with self.assertRaises(AccessError):
            dispute.write({"move_id": self.move_b.id})
        dispute.with_user(self.manager).action_accept()
        self.assertEqual(dispute.state, "accepted")

    def test_portal_and_collector_fields(self):
        self.assertEqual(self.env["collection.case"]._fields["priority_score"].groups,
                         "collections_management.collections_management_group_collector")
        self.assertEqual(self.env["collection.promise"]._fields["note"].groups,
                         "collections_management.collections_management_group_collector")
        self.assertTrue(self.case_a.with_user(self.collector).read(["priority_score", "segment_reason"]))
