from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestTypedAmounts(CollectionsCommon):
    """Amounts typed by people are read with their language's separators, or refused: never shrunk."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("es_419", "es_MX"):
            cls.env["res.lang"]._activate_lang(code)
        cls.intake = cls.env["collection.intake"]

    def test_latin_american_thousands_and_decimals(self):
        # es_419 and es_CO: "." groups thousands, "," marks decimals
        parse = self.intake._parse_amount
        self.assertEqual(parse("1.500.000", "es_419"), 1500000.0)
        self.assertEqual(parse("1.500.000,50", "es_419"), 1500000.5)
        self.assertEqual(parse("$ 1.500.000", "es_419"), 1500000.0)
        self.assertEqual(parse("1500000", "es_419"), 1500000.0)
        self.assertEqual(parse("1,5", "es_419"), 1.5)
        self.assertEqual(parse(" 250 ", "es_419"), 250.0)
        # es_MX and en_US: the other way round
        self.assertEqual(parse("1,500,000.50", "es_MX"), 1500000.5)
        self.assertEqual(parse("1.5", "en_US"), 1.5)

    def test_what_is_not_an_amount_is_refused_with_an_example(self):
        for text in ("1.5", "1500.50", "1.50.000", "1,500,000", "abc", "1,2,3", "-500", "", "1.500.000,5,0", "١٢",
                     "inf", "nan", "1e6", "²"):
            with self.subTest(text=text), self.assertRaisesRegex(ValidationError, r"1\.500\.000,00"):
                self.intake._parse_amount(text, "es_419")
        with self.assertRaisesRegex(ValidationError, r"1,500,000\.00"):
            self.intake._parse_amount("1.500.000", "es_MX")

    def test_shown_as_typed(self):
        cop = self.company.currency_id
        self.assertEqual(self.intake._format_amount(1500000, cop, "es_419"), "1.500.000,00")
        self.assertEqual(self.intake._parse_amount(self.intake._format_amount(1234.5, cop, "es_419"), "es_419"),
                         1234.5)


@tagged("post_install", "-at_install")
class TestPromiseIntake(CollectionsCommon):
    """One open promise per case, none on debt all under a plan, within what may be promised: every channel."""

    def setUp(self):
        super().setUp()
        self._freeze_today()
        self.invoice = self._invoice(self.partner_a, 20, 1000)
        self.later = self._invoice(self.partner_a, -10, 500)   # not due yet: owed, may be promised
        self._run()
        self.case = self._case(self.partner_a)
        self.case.user_id = self.collector
        self.when = self.TODAY + timedelta(days=5)
        self.first = self.env["collection.intake"].with_user(self.collector)._promise(self.case, self.when, 300, "phone")

    def _wizard(self, **values):
        return self.env["collection.promise.wizard"].with_user(self.collector).with_context(
            active_id=self.case.id).create({"date": self.when, "amount": 200, **values})

    def test_a_second_open_promise_is_refused_from_every_channel(self):
        Promise = self.env["collection.promise"]
        message = "already has an open promise"
        # over RPC as a collector
        with self.assertRaisesRegex(UserError, message):
            Promise.with_user(self.collector).create({"case_id": self.case.id, "date": self.when, "amount": 100,
                                                     "source": "phone"})
        # the promise wizard without "replace"
        with self.assertRaisesRegex(UserError, message):
            self._wizard().action_register()
        # the contact log
        outcome = self.env["collection.outcome"].search([("code", "=", "promise")])
        with self.assertRaisesRegex(UserError, message):
            self.env["collection.interaction"].with_user(self.collector).create({
                "case_id": self.case.id, "outcome_id": outcome.id, "channel": "call", "promise_date": self.when,
                "promise_amount": 100})
        # the intake itself, as the portal and WhatsApp call it
        with self.assertRaisesRegex(UserError, message):
            self.env["collection.intake"].sudo()._promise(self.case, self.when, 100, "portal")
        self.assertEqual(Promise.search([("case_id", "=", self.case.id)]), self.first, "nothing half-written")
        self.assertFalse(self.env["collection.interaction"].search([("case_id", "=", self.case.id),
                                                                   ("promise_id", "!=", False)]))

    def test_replacing_the_open_promise_explicitly(self):
        self._wizard(replace_open=True).action_register()
        promises = self.env["collection.promise"].search([("case_id", "=", self.case.id)], order="id")
        self.assertEqual(promises.mapped("state"), ["cancelled", "open"])
        self.assertEqual(promises[1].replaces_id, self.first)
        self.assertEqual(self.first.cancel_reason, "Replaced by a new promise")
        # only the open promise of the same case can be named
        other = self._invoice(self.partner_b, 20, 400)
        self._run()
        other_case = self._case(other.partner_id)
        with self.assertRaisesRegex(UserError, "Only the case's open promise"):
            self.env["collection.promise"].create({"case_id": other_case.id, "date": self.when, "amount": 100,
                                                   "source": "phone", "replaces_id": promises[1].id})
        # and it is named when the promise is made, never afterwards
        with self.assertRaises(UserError):
            promises[1].with_user(self.collector).write({"replaces_id": False})

    def test_amount_within_what_may_be_promised(self):
        self.first.action_cancel()
        intake = self.env["collection.intake"].with_user(self.collector)
        # 1,000 overdue + 500 not yet due
        with self.assertRaisesRegex(ValidationError, "more than"):
            intake._promise(self.case, self.when, 1500.01, "phone")
        promise = intake._promise(self.case, self.when, 1500, "phone")
        self.assertEqual(promise.amount, 1500)

    def test_no_promise_on_debt_all_under_an_active_plan(self):
        self.first.action_cancel()
        plan = self.env["collection.payment.plan"].create({
            "case_id": self.case.id, "move_ids": [Command.set((self.invoice | self.later).ids)],
            "installment_count": 3, "first_date": self.TODAY + timedelta(days=7)})
        plan.action_activate()
        with self.assertRaisesRegex(UserError, "under an active payment plan"):
            self.env["collection.intake"].with_user(self.collector)._promise(self.case, self.when, 100, "phone")
        with self.assertRaisesRegex(UserError, "under an active payment plan"):
            self.env["collection.promise"].with_user(self.collector).create({
                "case_id": self.case.id, "date": self.when, "amount": 100, "source": "phone"})
        self.assertFalse(self.env["collection.promise"].search([("case_id", "=", self.case.id),
                                                               ("state", "=", "open")]))


@tagged("post_install", "-at_install")
class TestDisputeIntake(CollectionsCommon):
    def test_a_dispute_covers_at_most_what_is_open(self):
        invoice = self._invoice(self.partner_a, 20, 1000)
        self._register_payment(invoice, 400)
        self._run()
        intake = self.env["collection.intake"]
        with self.assertRaisesRegex(ValidationError, "more than what is open"):
            intake._dispute(invoice, "other", "No reconozco el saldo", "internal", amount=700)
        dispute = intake._dispute(invoice, "other", "No reconozco el saldo", "internal")
        self.assertEqual(dispute.amount_disputed, 600.0, "what is open, by default")
        paid = self._invoice(self.partner_a, 20, 100)
        self._register_payment(paid, 100)
        with self.assertRaisesRegex(ValidationError, "nothing left to pay"):
            intake._dispute(paid, "other", "Ya pagada", "internal")


@tagged("post_install", "-at_install")
class TestEmailIntake(CollectionsCommon):
    """The debtor's email on its case is intake too: the same rules as the portal, WhatsApp and the contact log."""

    def setUp(self):
        super().setUp()
        self._freeze_today()
        self.partner_a.email = "tesoreria@deudor.example"
        self.invoice = self._invoice(self.partner_a, 20, 1000)
        self._run()
        self.case = self._case(self.partner_a)
        self.case.user_id = self.collector

    def _reply(self, body, subject="Re: Recordatorio de pago"):
        """What Odoo's mail gateway posts when the customer answers a reminder."""
        return self.case.with_context(mail_create_nosubscribe=True).message_post(
            body=body, subject=subject, message_type="email", author_id=self.partner_a.id,
            subtype_xmlid="mail.mt_comment")

    def _tasks(self):
        return self.case.activity_ids.mapped("summary")

    def test_a_promise_by_email(self):
        friday = self.TODAY + timedelta(days=(4 - self.TODAY.weekday()) % 7 or 7)
        message = self._reply("<p>Buenos días, pagaré el viernes. Saludos</p>")
        promise = self.env["collection.promise"].search([("case_id", "=", self.case.id)])
        self.assertEqual((promise.date, promise.amount, promise.source, promise.state), (friday, 1000.0, "email", "open"))
        logged = self.env["collection.interaction"].search([("source_ref", "=", f"mail.message,{message.id}")])
        self.assertEqual((logged.channel, logged.direction, logged.outcome_id.code, logged.promise_id),
                         ("email", "inbound", "promise", promise))
        self.assertTrue(any("Promise to pay by email" in (s or "") for s in self._tasks()))
        # a second promise by email while this one is open: refused as on every channel, the collector is told
        self._reply("<p>Mejor pago el 2026-03-30</p>")
        self.assertEqual(self.env["collection.promise"].search([("case_id", "=", self.case.id)]), promise)
        self.assertTrue(any("could not be recorded" in (s or "") and "open promise" in s for s in self._tasks()))

    def test_a_dispute_by_email_and_other_mail(self):
        self._reply(f"<p>No reconozco la factura {self.invoice.name}</p>")
        dispute = self.env["collection.dispute"].search([("move_id", "=", self.invoice.id)])
        self.assertEqual((dispute.source, dispute.amount_disputed, dispute.state), ("email", 1000.0, "open"))
        self._reply("<p>¿Me pueden enviar la factura otra vez?</p>")
        self.assertIn("Email from the customer to answer", self._tasks())
        # an email of the company's own staff on the case is no customer intake
        count = self.env["collection.interaction"].search_count([("case_id", "=", self.case.id)])
        self.case.message_post(body="<p>Pagaré el viernes</p>", message_type="email",
                               author_id=self.collector.partner_id.id)
        self.assertEqual(self.env["collection.interaction"].search_count([("case_id", "=", self.case.id)]), count)


@tagged("post_install", "-at_install")
class TestNumbersPeopleRead(CollectionsCommon):
    """Amounts and dates in what people read are written their way (es_419 and en_US), never raw."""

    def test_the_reminder_email_dates_the_invoices_the_customer_s_way(self):
        self.env["res.lang"]._activate_lang("es_419")
        self.partner_a.write({"lang": "es_419", "email": "pagos@a.example"})
        self.partner_b.write({"lang": "en_US", "email": "ap@b.example"})
        due_a = self._invoice(self.partner_a, 20, 2000000).invoice_date_due
        due_b = self._invoice(self.partner_b, 20, 300).invoice_date_due
        self._run()
        body_a = self._case(self.partner_a).execution_ids.mail_message_id.body
        body_b = self._case(self.partner_b).execution_ids.mail_message_id.body
        self.assertIn(due_a.strftime("%d/%m/%Y"), body_a)
        self.assertIn("2.000.000,00", body_a)
        self.assertIn(due_b.strftime("%m/%d/%Y"), body_b)
        self.assertNotIn(str(due_a), body_a, "no ISO date")

    def test_the_promise_logged_on_the_case(self):
        self._freeze_today()
        self.env["res.lang"]._activate_lang("es_419")
        self._invoice(self.partner_a, 20, 2000000)
        self._run()
        case = self._case(self.partner_a)
        when = self.TODAY + timedelta(days=5)
        for lang, amount, day in (("es_419", "1.500.000,00", when.strftime("%d/%m/%Y")),
                                  ("en_US", "1,500,000.00", when.strftime("%m/%d/%Y"))):
            with self.subTest(lang=lang):
                wizard = self.env["collection.promise.wizard"].with_context(active_id=case.id, lang=lang).create(
                    {"date": when, "amount": 1500000, "replace_open": True})
                wizard.action_register()
                body = case.message_ids[:1].body
                self.assertIn(amount, body)
                self.assertIn(day, body)
                self.assertNotIn("1500000.0", body)
