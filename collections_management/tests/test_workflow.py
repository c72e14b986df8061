from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestWorkflow(CollectionsCommon):
    def test_credit_hold_blocks_posting_unless_manager(self):
        self.company.collection_block_held_invoices = True
        self._invoice(self.partner_a, 120, 1000)
        self._run()
        self.assertTrue(self.partner_a.collection_credit_hold)
        accountant = self.env["res.users"].create({
            "name": "Ana Contadora", "login": "ana", "company_id": self.company.id,
            "company_ids": [self.company.id],
            "group_ids": [(4, self.env.ref("account.group_account_invoice").id)],
        })
        draft = self._invoice(self.partner_a, 0, 50, post=False)
        with self.assertRaisesRegex(UserError, "credit hold"):
            draft.with_user(accountant).action_post()
        self.assertEqual(draft.state, "draft")
        draft.with_user(self.manager).action_post()  # a manager overrides
        self.assertEqual(draft.state, "posted")
        self.partner_a.with_user(self.manager).action_collection_lift_credit_hold()
        self.assertFalse(self.partner_a.collection_credit_hold)
        other = self._invoice(self.partner_a, 0, 60, post=False)
        other.with_user(accountant).action_post()
        self.assertEqual(other.state, "posted")

    def test_dispute_lifecycle_drives_the_invoice_flag(self):
        move = self._invoice(self.partner_a, 20, 300)
        self._run()
        self._case(self.partner_a).user_id = self.collector
        dispute = self.env["collection.dispute"].with_user(self.collector).create({
            "move_id": move.id, "reason": "defective", "amount_disputed": 100})
        self.assertTrue(move.collection_disputed)
        self.assertEqual(dispute.case_id, move.collection_case_id)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["collection.dispute"].create({"move_id": move.id, "reason": "price"})
        with self.assertRaisesRegex(AccessError, "Collections Manager"):
            dispute.with_user(self.collector).action_reject()
        with self.assertRaises(AccessError):
            dispute.with_user(self.collector).write({"state": "accepted"})
        with self.assertRaises(AccessError):
            dispute.with_user(self.collector).write({"resolution": "Credit note agreed"})
        self._run()
        self.assertFalse(self._case(self.partner_a).stage_id, "a disputed invoice leaves collections")
        case = self._case(self.partner_a)
        self.assertEqual((case.amount_due, case.amount_overdue), (300, 0),
                         "owed (in the totals), not claimed as overdue while in review (collection.overdue)")
        dispute.with_user(self.manager).action_reject()
        self.assertFalse(move.collection_disputed)
        self._run()
        self.assertEqual(case.stage_id, self.stage_by_code["administrative"])
        self.assertEqual(case.amount_overdue, 300, "rejected: overdue again")

    def test_dispute_validation(self):
        move = self._invoice(self.partner_a, 20, 300)
        with self.assertRaisesRegex(ValidationError, "between 0 and the invoice total"):
            self.env["collection.dispute"].create({"move_id": move.id, "amount_disputed": 400})
        draft = self._invoice(self.partner_a, 20, 300, post=False)
        with self.assertRaisesRegex(ValidationError, "posted customer invoices"):
            self.env["collection.dispute"].create({"move_id": draft.id})

    def test_exclusion_needs_a_reason(self):
        move = self._invoice(self.partner_a, 20, 300)
        with self.assertRaisesRegex(ValidationError, "needs a reason"):
            move.collection_excluded = True
        with self.assertRaisesRegex(ValidationError, "needs a reason"):
            self.partner_b.collection_excluded = True
