from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestSettlementOffer(CollectionsCommon):
    """Offers: limits and approval; honoured by real cash by the deadline (posted, reconciled), or expired."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.collection_offer_account_id = cls.company_data["default_account_expense"]
        cls.invoice = cls._invoice(cls, cls.partner_a, 40, 1000)
        cls.fee = cls._invoice(cls, cls.partner_a, 5, 50)
        cls.fee.sudo().collection_charge_type = "fee"
        cls.env["collection.engine"]._run(today=cls.TODAY)
        cls.case = cls.env["collection.case"].search([("partner_id", "=", cls.partner_a.id)])
        cls.case.user_id = cls.collector
        cls.today = fields.Date.today()

    def _offer(self, user=None, **values):
        return self.env["collection.offer"].with_user(user or self.collector).create({
            "case_id": self.case.id, "deadline": self.today + timedelta(days=10), **values})

    def _settlements(self):
        return self.env["account.move"].search([("collection_offer_id", "!=", False)])

    def test_within_the_limits_the_offer_is_made_at_once(self):
        stage = self.case.stage_id
        stage.write({"offer_max_discount": 10, "offer_max_waiver": 100})
        offer = self._offer(discount_percent=10, waiver_percent=100)
        # 1,000 open on the invoice, 10 % off = 100; the 50 of late fee waived: 900 to pay
        self.assertEqual((offer.move_ids, offer.fee_move_ids), (self.invoice, self.fee))
        self.assertEqual((offer.amount_base, offer.amount_fees, offer.amount_discount, offer.amount_waived,
                          offer.amount_to_pay), (1000.0, 50.0, 100.0, 50.0, 900.0))
        offer.with_user(self.collector).action_confirm()
        self.assertEqual(offer.state, "open")
        self.assertIn("900.00", self.case._collection_offer_text(self.env), "the script's {offer}")

    def test_above_the_limits_a_manager_approves(self):
        self.case.stage_id.write({"offer_max_discount": 5, "offer_max_waiver": 0})
        offer = self._offer(discount_percent=20)
        offer.with_user(self.collector).action_confirm()
        self.assertEqual(offer.state, "to_approve")
        with self.assertRaises(AccessError):
            offer.with_user(self.collector).action_approve()
        with self.assertRaises(AccessError):
            offer.with_user(self.collector).write({"approved_by_id": self.collector.id})
        offer.with_user(self.manager).action_approve()
        self.assertEqual((offer.state, offer.approved_by_id), ("open", self.manager))
        with self.assertRaisesRegex(UserError, "not changed"):
            offer.with_user(self.collector).write({"discount_percent": 30})
        # a segment with its own limits decides instead of the stage
        segment = self.env["collection.segment"].create({"name": "Key accounts", "offer_limits": True,
                                                         "offer_max_discount": 25, "offer_max_waiver": 0})
        self.case.sudo().segment_id = segment
        offer.action_cancel()
        second = self._offer(discount_percent=20)
        self.assertFalse(second.needs_approval)

    def test_honoured_by_cash_before_the_deadline_with_a_credit_note(self):
        self.case.stage_id.write({"offer_max_discount": 10, "offer_max_waiver": 100})
        offer = self._offer(discount_percent=10, waiver_percent=100)
        offer.action_confirm()
        self._register_payment(self.invoice, 400, day=self.today)
        self.assertEqual((offer.state, offer.amount_received), ("open", 400.0), "not yet: 400 of 900")
        self._register_payment(self.invoice, 500, day=self.today)
        self.assertEqual((offer.state, offer.amount_received), ("honoured", 900.0))
        refund = offer.settlement_move_id
        # what was left: 100 on the invoice, 50 on the fee, forgiven by one credit note without taxes
        self.assertEqual((refund.move_type, refund.state, refund.amount_total, refund.amount_tax),
                         ("out_refund", "posted", 150.0, 0.0))
        self.assertEqual(sorted(refund.invoice_line_ids.mapped("price_subtotal")), [50.0, 100.0])
        self.assertEqual(refund.invoice_line_ids.account_id, self.company.collection_offer_account_id)
        self.assertEqual((self.invoice.payment_state, self.invoice.amount_residual), ("paid", 0.0))
        self.assertEqual(self.fee.amount_residual, 0.0)
        self.assertTrue(refund.currency_id.is_zero(refund.amount_residual), "fully reconciled")
        self.assertEqual(self.invoice.amount_tax, 0.0)
        # once: running the check again posts nothing more
        offer._collection_check()
        self.env["collection.offer"]._cron_check_offers()
        self.assertEqual(len(self._settlements()), 1)

    def test_honoured_with_a_write_off_entry(self):
        self.company.collection_offer_method = "writeoff"
        self.case.stage_id.write({"offer_max_discount": 10})
        offer = self._offer(discount_percent=10)
        offer.action_confirm()
        self.assertFalse(offer.fee_move_ids, "no waiver asked: the fee stays owed")
        self._register_payment(self.invoice, 900, day=self.today)
        entry = offer.settlement_move_id
        self.assertEqual((offer.state, entry.move_type, entry.state), ("honoured", "entry", "posted"))
        debit = sum(entry.line_ids.mapped("debit"))
        self.assertEqual((debit, sum(entry.line_ids.mapped("credit"))), (100.0, 100.0), "balanced")
        self.assertEqual(entry.line_ids.filtered(lambda l: l.debit).account_id,
                         self.company.collection_offer_account_id)
        self.assertEqual(self.invoice.payment_state, "paid")
        self.assertEqual(self.fee.amount_residual, 50.0)

    def test_expired_offer_posts_nothing(self):
        self.case.stage_id.write({"offer_max_discount": 10})
        offer = self._offer(discount_percent=10)
        offer.action_confirm()
        self._register_payment(self.invoice, 500, day=self.today)
        offer._collection_check(today=offer.deadline)
        self.assertEqual(offer.state, "open", "still time on the deadline itself")
        offer._collection_check(today=offer.deadline + timedelta(days=1))
        self.assertEqual(offer.state, "expired")
        self.assertFalse(self._settlements())
        self.assertEqual(self.invoice.amount_residual, 500.0, "the payment applies normally, nothing forgiven")
        self._register_payment(self.invoice, 400, day=self.today)
        self.assertEqual(offer.state, "expired", "a late payment does not revive it")
        self.assertFalse(self._settlements())

    def test_bad_input_writes_nothing(self):
        count = self.env["collection.offer"].search_count([])
        with self.assertRaisesRegex(ValidationError, "cannot be in the past"):
            self._offer(discount_percent=5, deadline=self.today - timedelta(days=1))
        with self.assertRaisesRegex(ValidationError, "a discount, a waiver"):
            self._offer()
        with self.assertRaises(ValidationError):
            self._offer(discount_percent=100)
        self.assertEqual(self.env["collection.offer"].search_count([]), count)
        self._offer(discount_percent=5)
        with self.assertRaisesRegex(UserError, "already has an open offer"):
            self._offer(discount_percent=5)
        with self.assertRaises(AccessError):
            self._offer(user=self.collector_2, discount_percent=5)
        self.case.sudo().state = "closed"
        with self.assertRaisesRegex(UserError, "already has an open offer|is closed"):
            self._offer(discount_percent=5)

    def test_early_payment_incentive_on_invoices_not_yet_due(self):
        soon = self._invoice(self.partner_b, -3, 2000)   # due in 3 days: the preventive stage
        self.env["collection.engine"]._run(today=self.TODAY)
        case = self._case(self.partner_b)
        case.user_id = self.collector
        case.stage_id.write({"offer_max_discount": 2})
        offer = self.env["collection.offer"].with_user(self.collector).create({
            "case_id": case.id, "kind": "early", "discount_percent": 2, "deadline": self.today + timedelta(days=5),
            "move_ids": [(6, 0, soon.ids)]})
        # the invoice not yet due, 2 % off: 1,960 to pay
        self.assertEqual((offer.move_ids, offer.amount_to_pay), (soon, 1960.0))
        offer.with_user(self.collector).action_confirm()
        self.assertEqual(offer.state, "open", "within the preventive stage's limit")
        self._register_payment(soon, 1960, day=self.today)
        self.assertEqual((offer.state, soon.payment_state, offer.settlement_move_id.amount_total),
                         ("honoured", "paid", 40.0))

    def test_the_offer_email_states_amount_deadline_and_link(self):
        self.case.stage_id.write({"offer_max_discount": 10})
        offer = self._offer(discount_percent=10)
        with self.assertRaisesRegex(UserError, "Only an offer made to the customer can be sent"):
            offer.action_send()
        offer.action_confirm()
        action = offer.action_send()
        template = self.env["mail.template"].browse(action["context"]["default_template_id"])
        body = template._render_field("body_html", offer.ids)[offer.id]
        self.assertIn("900.00", body)
        self.assertIn("1,000.00", body)
        self.assertEqual(template._render_field("partner_to", offer.ids)[offer.id], str(self.partner_a.id))


@tagged("post_install", "-at_install")
class TestSettlementOfferUi(CollectionsCommon, HttpCase):
    def test_make_an_offer_in_browser(self):
        self._invoice(self.partner_a, 40, 1000)
        self._run()
        case = self._case(self.partner_a)
        case.user_id = self.collector
        case.stage_id.offer_max_discount = 10
        self.start_tour(f"/odoo/action-collections_management.collection_case_action/{case.id}",
                        "collections_offer_tour", login="collector")
        offer = case.offer_ids
        self.assertEqual((offer.state, offer.discount_percent, offer.amount_to_pay, offer.user_id),
                         ("open", 10.0, 900.0, self.collector))
