from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

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

    def _pay(self, move, amount):
        """A payment registered in the back office; the refresh queue then decides the offers (the cron Odoo
        triggers after every reconciliation)."""
        payment = self._register_payment(move, amount, day=self.today)
        self.env["collection.engine"]._cron_refresh()
        return payment

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

    def test_the_form_shows_the_debt_and_the_invoices_before_saving(self):
        action = self.case.with_user(self.collector).action_make_offer()
        form = Form(self.env["collection.offer"].with_user(self.collector).with_context(**action["context"]))
        self.assertEqual(form.move_ids[:], self.invoice, "the invoices it would settle, before saving")
        self.assertEqual(form.amount_base, 1000.0, "not 'Open amount 0.00'")
        form.waiver_percent = 50
        self.assertEqual(form.fee_move_ids[:], self.fee)
        self.assertEqual(form.amount_fees, 50.0)
        form.discount_percent = 10
        self.assertEqual(form.amount_to_pay, 925.0)
        offer = form.save()
        self.assertEqual((offer.amount_base, offer.amount_fees, offer.amount_to_pay), (1000.0, 50.0, 925.0))

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
        self._pay(self.invoice, 400)
        self.assertEqual((offer.state, offer.amount_received), ("open", 400.0), "not yet: 400 of 900")
        self._pay(self.invoice, 500)
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
        self._pay(self.invoice, 900)
        entry = offer.settlement_move_id
        self.assertEqual((offer.state, entry.move_type, entry.state), ("honoured", "entry", "posted"))
        debit = sum(entry.line_ids.mapped("debit"))
        self.assertEqual((debit, sum(entry.line_ids.mapped("credit"))), (100.0, 100.0), "balanced")
        self.assertEqual(entry.line_ids.filtered(lambda line: line.debit).account_id,
                         self.company.collection_offer_account_id)
        self.assertEqual(self.invoice.payment_state, "paid")
        self.assertEqual(self.fee.amount_residual, 50.0)

    def test_expired_offer_posts_nothing(self):
        self.case.stage_id.write({"offer_max_discount": 10})
        offer = self._offer(discount_percent=10)
        offer.action_confirm()
        self._pay(self.invoice, 500)
        offer._collection_check(today=offer.deadline)
        self.assertEqual(offer.state, "open", "still time on the deadline itself")
        offer._collection_check(today=offer.deadline + timedelta(days=1))
        self.assertEqual(offer.state, "expired")
        self.assertFalse(self._settlements())
        self.assertEqual(self.invoice.amount_residual, 500.0, "the payment applies normally, nothing forgiven")
        self._pay(self.invoice, 400)
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
        self._freeze_today()
        soon = self._invoice(self.partner_b, -3, 2000)   # due in 3 days: the preventive stage
        self.env["collection.engine"]._run(today=self.TODAY)
        case = self._case(self.partner_b)
        case.user_id = self.collector
        case.stage_id.write({"offer_max_discount": 2})
        Offer = self.env["collection.offer"].with_user(self.collector)
        values = {"case_id": case.id, "kind": "early", "discount_percent": 2, "move_ids": [(6, 0, soon.ids)]}
        # paid before the invoice falls due, not after
        with self.assertRaisesRegex(ValidationError, "deadline cannot be after"):
            Offer.create({**values, "deadline": self.TODAY + timedelta(days=5)})
        offer = Offer.create({**values, "deadline": self.TODAY + timedelta(days=3)})
        # the invoice not yet due, 2 % off: 1,960 to pay
        self.assertEqual((offer.move_ids, offer.amount_to_pay), (soon, 1960.0))
        offer.with_user(self.collector).action_confirm()
        self.assertEqual(offer.state, "open", "within the preventive stage's limit")
        # paid on time but only 1,000: nothing forgiven; a payment after the deadline does not count
        self._register_payment(soon, 1000, day=self.TODAY + timedelta(days=2))
        self._register_payment(soon, 960, day=self.TODAY + timedelta(days=4))
        offer._collection_check(today=self.TODAY + timedelta(days=4))
        self.assertEqual((offer.state, offer.amount_received), ("expired", 1000.0))
        self.assertFalse(offer.settlement_move_id)
        self.assertEqual(soon.amount_residual, 40.0, "the 40 stays owed")
        # an early offer on an invoice already overdue is refused
        with self.assertRaisesRegex(ValidationError, "is overdue"):
            self.env["collection.offer"].create({
                "case_id": self.case.id, "kind": "early", "discount_percent": 2,
                "deadline": self.TODAY + timedelta(days=1), "move_ids": [(6, 0, self.invoice.ids)]})

    def test_an_early_offer_paid_on_time_is_honoured(self):
        self._freeze_today()
        soon = self._invoice(self.partner_b, -3, 2000)
        self.env["collection.engine"]._run(today=self.TODAY)
        case = self._case(self.partner_b)
        case.stage_id.write({"offer_max_discount": 2})
        offer = self.env["collection.offer"].create({
            "case_id": case.id, "kind": "early", "discount_percent": 2, "deadline": self.TODAY + timedelta(days=3),
            "move_ids": [(6, 0, soon.ids)]})
        offer.action_confirm()
        self._register_payment(soon, 1960, day=self.TODAY + timedelta(days=1))
        self.env["collection.engine"]._cron_refresh()
        self.assertEqual((offer.state, soon.payment_state, offer.settlement_move_id.amount_total),
                         ("honoured", "paid", 40.0))

    def test_a_cancelled_payment_reverses_the_settlement(self):
        """The payment that honoured an offer is cancelled: the settlement is reversed, never reset to draft,
        and the offer is open again until its deadline."""
        self.case.stage_id.write({"offer_max_discount": 10})
        offer = self._offer(discount_percent=10)
        offer.action_confirm()
        payment = self._pay(self.invoice, 900)
        settlement = offer.settlement_move_id
        self.assertEqual((offer.state, settlement.amount_total, self.invoice.payment_state),
                         ("honoured", 100.0, "paid"))
        payment.action_draft()
        payment.action_cancel()
        self.env["collection.engine"]._cron_refresh()
        self.assertEqual((offer.state, offer.amount_received, offer.settlement_move_id), ("open", 0.0,
                                                                                          self.env["account.move"]))
        self.assertEqual(settlement.state, "posted", "never reset to draft")
        reversal = offer.settlement_reversal_id
        self.assertEqual((reversal.state, reversal.reversed_entry_id, reversal.amount_total),
                         ("posted", settlement, 100.0))
        receivable = settlement.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        self.assertEqual(receivable.matched_debit_ids.debit_move_id.move_id, reversal,
                         "the settlement is matched with its reversal only")
        self.assertEqual((self.invoice.amount_residual, self.invoice.payment_state), (1000.0, "not_paid"),
                         "nothing forgiven any more, nothing paid")
        for move in settlement | reversal:
            self.assertEqual(sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit")))
        # paid again by the deadline: honoured again, by a new settlement
        self._pay(self.invoice, 900)
        self.assertEqual(offer.state, "honoured")
        self.assertNotEqual(offer.settlement_move_id, settlement)
        self.assertEqual(self.invoice.payment_state, "paid")

    def test_a_cancelled_payment_after_the_case_closed(self):
        """Everything settled, the case closed; the payment is then cancelled: the debt opens a new case and
        the offer, open again, goes with it (seen on the served demo)."""
        self.case.stage_id.write({"offer_max_discount": 10, "offer_max_waiver": 100})
        offer = self._offer(discount_percent=10, waiver_percent=100)
        offer.action_confirm()
        payment = self._pay(self.invoice, 900)
        self.env["collection.engine"]._cron_refresh()   # the settlement's own reconciliation closes the case
        self.assertEqual((offer.state, self.case.state), ("honoured", "closed"))
        payment.action_draft()
        payment.action_cancel()
        self.env["collection.engine"]._cron_refresh()
        new_case = self._case(self.partner_a)
        self.assertTrue(new_case and new_case != self.case, "the debt is back in collections")
        self.assertEqual((offer.state, offer.case_id), ("open", new_case))
        self.assertEqual(offer.settlement_reversal_id.reversed_entry_id.collection_offer_id.id, False)
        self.assertEqual((self.invoice.amount_residual, self.fee.amount_residual), (1000.0, 50.0))

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


@tagged("post_install", "-at_install")
class TestSettlementOfferCashBasisVat(CollectionsCommon):
    """Mexico's chart: IVA 16 % on cash basis. What an offer forgives is settled, and its IVA is never declared
    collected where a discount reduces it (Ley del IVA art. 7); where VAT stays owed, it is declared."""

    @classmethod
    @CollectionsCommon.setup_country("mx")
    def setUpClass(cls):
        super().setUpClass()
        cls.company.tax_exigibility = True
        cls.company.collection_offer_account_id = cls.company_data["default_account_expense"]
        cls.iva = cls.env["account.chart.template"].with_company(cls.company).ref("tax12")
        cls.iva_collected = cls.iva.invoice_repartition_line_ids.filtered(
            lambda line: line.repartition_type == "tax").account_id
        cls.invoice = cls.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": cls.partner_a.id, "invoice_date": cls.TODAY - timedelta(days=40),
            "invoice_line_ids": [Command.create({"product_id": cls.product_a.id, "price_unit": 1000.0,
                                                 "tax_ids": [Command.set(cls.iva.ids)]})]})
        cls.invoice.invoice_payment_term_id = False
        cls.invoice.invoice_date_due = cls.TODAY - timedelta(days=40)
        cls.invoice.action_post()
        cls.env["collection.engine"]._run(today=cls.TODAY)
        cls.case = cls.env["collection.case"].search([("partner_id", "=", cls.partner_a.id),
                                                      ("company_id", "=", cls.company.id)])
        cls.case.stage_id.offer_max_discount = 10

    def _iva_declared(self):
        """IVA moved to the collected account by the cash-basis entries of the invoice and its settlement."""
        caba = self.env["account.move"].search([("tax_cash_basis_origin_move_id", "!=", False),
                                                ("company_id", "=", self.company.id)])
        return -sum(caba.line_ids.filtered(lambda line: line.account_id == self.iva_collected).mapped("balance"))

    def _honoured_offer(self):
        self._freeze_today()
        offer = self.env["collection.offer"].create({
            "case_id": self.case.id, "discount_percent": 10, "deadline": self.TODAY + timedelta(days=10)})
        offer.action_confirm()
        # 1,000 + 16 % IVA = 1,160; 10 % off: 1,044 to pay
        self.assertEqual((offer.amount_base, offer.amount_to_pay), (1160.0, 1044.0))
        self._register_payment(self.invoice, 1044, day=self.TODAY)
        self.env["collection.engine"]._cron_refresh()
        self.assertEqual(offer.state, "honoured")
        self.assertEqual((self.invoice.amount_residual, self.invoice.payment_state), (0.0, "paid"),
                         "the forgiven part is settled: nothing left to chase")
        return offer

    def test_a_discount_reduces_iva(self):
        self.assertEqual((self.iva.amount, self.iva.tax_exigibility), (16.0, "on_payment"), "Mexico's IVA 16 %")
        self.assertEqual(self.company.collection_offer_vat, "reduce", "Mexico's default")
        settlement = self._honoured_offer().settlement_move_id
        # the 116 forgiven is 100 of price and 16 of IVA, on a credit note with the invoice's IVA
        self.assertEqual((settlement.amount_untaxed, settlement.amount_tax, settlement.amount_total),
                         (100.0, 16.0, 116.0))
        self.assertEqual(settlement.invoice_line_ids.tax_ids, self.iva)
        # IVA declared collected: 1,044 * 16 / 116 = 144 from the payment; the credit note's 16 cancel out
        self.assertAlmostEqual(self._iva_declared(), 144.0, places=2)
        for move in self.env["account.move"].search([("company_id", "=", self.company.id), ("state", "=", "posted")]):
            self.assertEqual(move.currency_id.compare_amounts(sum(move.line_ids.mapped("debit")),
                                                              sum(move.line_ids.mapped("credit"))), 0, move.name)

    def test_where_vat_stays_owed_it_is_declared(self):
        self.company.collection_offer_vat = "keep"
        settlement = self._honoured_offer().settlement_move_id
        self.assertEqual((settlement.amount_tax, settlement.amount_total), (0.0, 116.0))
        self.assertAlmostEqual(self._iva_declared(), 160.0, places=2, msg="the whole invoice's IVA stays owed")
