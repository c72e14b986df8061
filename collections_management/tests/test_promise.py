from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestPromise(CollectionsCommon):
    """Promises are decided by cash, per promise, oldest first; anyone's input is validated by the model."""

    def setUp(self):
        super().setUp()
        self._freeze_today()

    def _promise(self, case, amount, days=5, user=None):
        return self.env["collection.promise"].with_user(user or self.env.user).create({
            "case_id": case.id, "date": self.TODAY + timedelta(days=days), "amount": amount, "source": "phone"})

    def _case_with(self, amount, days_overdue=10, partner=None):
        move = self._invoice(partner or self.partner_a, days_overdue, amount)
        self._run()
        return move, self._case(partner or self.partner_a)

    def test_only_cash_keeps_a_promise(self):
        move, case = self._case_with(500)
        promise = self._promise(case, 200)
        self._refund(move, 200)
        self._run(today=self.TODAY + timedelta(days=1))
        self.assertEqual((promise.state, promise.amount_paid), ("open", 0.0), "a credit note is not cash")
        self._register_payment(move, 150)
        self._run(today=self.TODAY + timedelta(days=2))
        self.assertEqual((promise.state, promise.amount_paid), ("open", 150.0))
        self._register_payment(move, 50)
        self._run(today=self.TODAY + timedelta(days=3))
        self.assertEqual((promise.state, promise.amount_paid), ("kept", 200.0))

    def test_payment_write_off_is_not_cash(self):
        move, case = self._case_with(300)
        promise = self._promise(case, 300)
        # the customer pays 250 and the rest is written off: only 250 arrived
        writeoff = self.company_data["default_account_expense"]
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create({
            "payment_date": self.TODAY, "amount": 250, "payment_difference_handling": "reconcile",
            "writeoff_account_id": writeoff.id, "writeoff_label": "Rounding"})._create_payments()
        self.assertEqual(move.payment_state, "paid")
        self._run(today=self.TODAY + timedelta(days=1))
        self.assertEqual(promise.amount_paid, 250.0)
        self.assertNotEqual(promise.state, "kept")

    def test_one_payment_is_applied_to_promises_oldest_first(self):
        move, case = self._case_with(1000)
        first = self._promise(case, 200, days=3)
        self._register_payment(move, 200)
        self._run(today=self.TODAY + timedelta(days=1))
        self.assertEqual((first.state, first.amount_paid), ("kept", 200.0))
        # a second promise once the first is kept: the same 200 cannot keep it too
        second = self._promise(case, 200, days=6)
        self._run(today=self.TODAY + timedelta(days=1))
        self.assertEqual((first.state, first.amount_paid), ("kept", 200.0))
        self.assertEqual((second.state, second.amount_paid), ("open", 0.0), "200 does not keep two promises of 200")
        self._run(today=self.TODAY + timedelta(days=7))
        self.assertEqual(second.state, "broken")

    def test_reversed_payment_reopens_a_kept_promise_until_its_date(self):
        move, case = self._case_with(500)
        promise = self._promise(case, 300, days=5)
        payment = self._register_payment(move, 300)
        self._run(today=self.TODAY + timedelta(days=1))
        self.assertEqual(promise.state, "kept")
        payment.move_id.line_ids.remove_move_reconcile()
        self._run(today=self.TODAY + timedelta(days=2))
        self.assertEqual((promise.state, promise.amount_paid), ("open", 0.0), "the cash bounced: open again")
        self._run(today=self.TODAY + timedelta(days=6))
        self.assertEqual(promise.state, "broken")

    def test_promise_decided_when_the_case_closes(self):
        move, case = self._case_with(300)
        paid = self._promise(case, 300)
        self._register_payment(move, 300)
        self._run(today=self.TODAY + timedelta(days=1))
        self.assertEqual(case.state, "closed")
        self.assertEqual(paid.state, "kept")
        other_move, other_case = self._case_with(400, partner=self.partner_b)
        settled = self._promise(other_case, 400)
        self._refund(other_move, 400)
        self._run(today=self.TODAY + timedelta(days=1))
        self.assertEqual(other_case.state, "closed")
        self.assertEqual(settled.state, "cancelled", "settled by a credit note: not kept, not broken")
        self.assertIn("settled otherwise", settled.cancel_reason)

    def test_promise_validated_by_the_model_for_anyone(self):
        _move, case = self._case_with(500)
        case.user_id = self.collector
        Promise = self.env["collection.promise"].with_user(self.collector)
        with self.assertRaisesRegex(ValidationError, "in the past"):
            Promise.create({"case_id": case.id, "date": self.TODAY - timedelta(days=1), "amount": 100})
        with self.assertRaisesRegex(ValidationError, "more than"):
            Promise.create({"case_id": case.id, "date": self.TODAY + timedelta(days=2), "amount": 500.01})
        with self.assertRaisesRegex(ValidationError, "positive"):
            Promise.create({"case_id": case.id, "date": self.TODAY + timedelta(days=2), "amount": -5})
        self.company.collection_promise_horizon_days = 30
        with self.assertRaisesRegex(ValidationError, "at most 30 days"):
            Promise.create({"case_id": case.id, "date": self.TODAY + timedelta(days=31), "amount": 100})
        with self.assertRaises(AccessError):
            Promise.create({"case_id": case.id, "date": self.TODAY + timedelta(days=2), "amount": 100,
                            "state": "kept"})
        promise = self._promise(case, 100, user=self.collector)
        with self.assertRaises(AccessError):
            promise.write({"state": "kept"})
        with self.assertRaises(AccessError):
            promise.write({"amount_paid": 100})
        with self.assertRaisesRegex(ValidationError, "in the past"):
            promise.write({"date": self.TODAY - timedelta(days=3)})
        with self.assertRaisesRegex(UserError, "cancel it instead"):
            promise.unlink()
        promise.action_cancel()
        self.assertEqual(promise.state, "cancelled")
        with self.assertRaisesRegex(UserError, "Only an open promise"):
            promise.write({"amount": 50})
        self.assertEqual(self.env["collection.promise"].search_count([("id", "=", promise.id)]), 1)

    def test_promise_pauses_new_steps_and_retries(self):
        self.partner_a.email = False
        move, case = self._case_with(300, days_overdue=5)
        self.assertEqual(case.stage_id, self.stage_by_code["administrative"])
        failed = case.execution_ids.filtered(lambda e: e.channel == "email")
        self.assertEqual(failed.state, "failed", "no address: the overdue notice waits for a retry")
        self.partner_a.email = "pagos@example.com"
        promise = self._promise(case, 300, days=10)
        self._run(today=self.TODAY + timedelta(days=6))
        self.assertEqual(failed.state, "failed", "a retry obeys the promise's pause")
        self.assertFalse(case.execution_ids.filtered(lambda e: e.step_id.day_offset == 5),
                         "the SMS of day 5 waits too")
        self._run(today=self.TODAY + timedelta(days=11))
        self.assertEqual(promise.state, "broken")
        self.assertEqual(failed.state, "done", "once the promise is broken the retry goes out")
        self.assertTrue(failed.mail_message_id)

    def test_step_of_an_earlier_stage_is_cancelled_never_sent_with_the_new_template(self):
        self.partner_a.email = False
        move, case = self._case_with(300, days_overdue=-3)
        self.assertEqual(case.stage_id, self.stage_by_code["preventive"])
        self._run(today=self.TODAY + timedelta(days=2))
        pending = case.execution_ids.filtered(lambda e: e.channel == "email")
        self.assertEqual(pending.state, "failed", "no address: waiting for a retry")
        self.assertEqual(pending.stage_id, self.stage_by_code["preventive"])
        self.partner_a.email = "pagos@example.com"
        self._run(today=self.TODAY + timedelta(days=10))
        self.assertEqual(case.stage_id, self.stage_by_code["administrative"])
        self.assertEqual(pending.state, "cancelled")
        self.assertFalse(pending.mail_message_id)
        sent = case.execution_ids.filtered(lambda e: e.channel == "email" and e.state == "done")
        self.assertEqual(sent.stage_id, self.stage_by_code["administrative"], "only the new stage's own step is sent")
        self.assertEqual(len(sent), 1)
