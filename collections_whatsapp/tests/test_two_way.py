import hashlib
import hmac
import json
from datetime import date, timedelta

from odoo import fields
from odoo.addons.collections_management.tests.common import CollectionsCommon
from odoo.addons.collections_management.tools.intent import PAYLOAD_PROMISE, parse_date, read_intent
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .fake_graph import FakeGraphApi, meta_error, start_server

URL = "/collections/whatsapp/webhook"


@tagged("post_install", "-at_install")
class TestIntentReading(CollectionsCommon):
    """The reading of replies, on fixed dates (pure functions)."""

    def test_dates_in_spanish_and_english(self):
        wednesday = date(2026, 11, 25)
        friday = wednesday + timedelta(days=2)          # Wed -> Fri
        cases = [
            ("Pagaré el viernes", friday),
            ("el VIERNES", friday),
            ("next Friday", friday),
            ("I'll pay on friday", friday),
            ("el miércoles", wednesday + timedelta(days=7)),  # said on a Wednesday: the next one
            ("15/12", date(2026, 12, 15)),
            ("pago el 15/12/2026", date(2026, 12, 15)),
            ("15-12-26", date(2026, 12, 15)),
            ("15 de diciembre", date(2026, 12, 15)),
            ("el 3 de enero", date(2027, 1, 3)),              # past this year: next year's
            ("December 15th", date(2026, 12, 15)),
            ("on 15 December 2026", date(2026, 12, 15)),
            ("2026-12-01", date(2026, 12, 1)),
            ("mañana", date(2026, 11, 26)),
            ("pasado mañana", date(2026, 11, 27)),
            ("tomorrow", date(2026, 11, 26)),
            ("en 3 días", date(2026, 11, 28)),
            ("te pago en dos semanas", date(2026, 12, 9)),   # 25 + 14
            ("in 10 days", date(2026, 12, 5)),
            ("pago el 30", date(2026, 11, 30)),
            ("el 2", date(2026, 12, 2)),                     # the 2nd already passed this month
        ]
        for text, expected in cases:
            self.assertEqual(parse_date(text, wednesday), expected, text)
        self.assertEqual(parse_date("05/06", wednesday), date(2027, 6, 5), "day first")
        self.assertEqual(parse_date("05/06", wednesday, month_first=True), date(2027, 5, 6), "US English")
        self.assertEqual(parse_date("12/25", wednesday), date(2026, 12, 25), "only a month-first reading is valid")
        for nothing in ("hola", "31/02", "gracias, saludos", ""):
            self.assertIsNone(parse_date(nothing, wednesday), nothing)

    def test_intents(self):
        cases = [
            ("STOP", "opt_out"), ("Baja", "opt_out"), ("no", "opt_out"),
            ("No reconozco esta factura", "dispute"), ("I don't recognize this invoice", "dispute"),
            ("Ya pagué el viernes", "paid"), ("we paid already", "paid"),
            ("Pagaré el viernes", "promise"), ("I will pay next week", "promise"),
            ("Quiero pagar", "pay"), ("Pay now", "pay"), ("Pagar ahora", "pay"),
            ("No puedo pagar este mes", "talk"), ("Hablar con alguien", "talk"), ("Talk to someone", "talk"),
            ("hola, buenas tardes", "other"),
        ]
        for text, expected in cases:
            self.assertEqual(read_intent(text), expected, text)
        self.assertEqual(read_intent("Pagaré el…", PAYLOAD_PROMISE), "promise", "the button's payload decides")


@tagged("post_install", "-at_install")
class TestWhatsappTwoWay(CollectionsCommon, HttpCase):
    """Customer replies through the signed webhook become what a collector would do; answers go out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.base_url_api = start_server(cls)
        cls.account = cls.env["collection.whatsapp.account"].sudo().create({
            "name": "Cobranzas AR", "phone_number_id": "1001", "business_account_id": "2001",
            "company_id": cls.company.id, "access_token": "EAAG-test", "app_secret": "s3cret",
            "base_url": cls.base_url_api,
        })
        cls.partner_a.write({"phone": "+54 9 11 5555-1234", "country_id": cls.env.ref("base.ar").id,
                             "lang": "en_US", "collection_whatsapp_consent": "in"})
        cls.invoice_old = cls._invoice(cls, cls.partner_a, 40, 300)
        cls.invoice_new = cls._invoice(cls, cls.partner_a, 10, 200)
        cls.env["collection.engine"]._run(today=cls.TODAY)
        cls.case = cls.env["collection.case"].search([("partner_id", "=", cls.partner_a.id)])
        cls.case.user_id = cls.collector

    def setUp(self):
        super().setUp()
        FakeGraphApi.reset()

    # ------------------------------------------------------------------ helpers
    def _post(self, messages):
        payload = {"object": "whatsapp_business_account", "entry": [{"id": "2001", "changes": [{
            "field": "messages", "value": {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "1001"},
                                           "messages": messages, "contacts": []}}]}]}
        raw = json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(b"s3cret", raw, hashlib.sha256).hexdigest()
        response = self.url_open(URL, data=raw, headers={"Content-Type": "application/json",
                                                         "X-Hub-Signature-256": signature})
        self.assertEqual(response.status_code, 200)

    _seq = 0

    def _say(self, text=None, payload=None, number="5491155551234"):
        """The customer writes (or taps a button); the inbound message recorded."""
        type(self)._seq += 1
        wamid = f"wamid.IN{self._seq}"
        if payload:
            message = {"from": number, "id": wamid, "timestamp": "1795500000", "type": "button",
                       "button": {"payload": payload, "text": text}}
        else:
            message = {"from": number, "id": wamid, "timestamp": "1795500000", "type": "text",
                       "text": {"body": text}}
        self._post([message])
        return self.env["collection.whatsapp.message"].search([("wamid", "=", wamid)])

    def _answers(self, inbound):
        return self.env["collection.whatsapp.message"].search([("reply_to_id", "=", inbound.id)])

    def _send(self):
        return self.env["collection.whatsapp.message"].with_context(collection_whatsapp_no_wait=True)._cron_send()

    def _activities(self):
        return self.env["mail.activity"].search([("res_model", "=", "collection.case"), ("res_id", "=", self.case.id)])

    # ------------------------------------------------------------------ intents
    def test_pay_answers_with_the_payment_link(self):
        inbound = self._say("I want to pay")
        answer = self._answers(inbound)
        self.assertEqual((inbound.intent, answer.state, answer.direction, answer.mobile),
                         ("pay", "queued", "outbound", "+5491155551234"))
        self.assertIn("500.00", answer.body, "what is owed: 300 + 200, from the ledger")
        if self.env["collection.case"]._collection_has_portal():
            self.assertIn(self.case._collection_portal_url(), answer.body)
            self.assertEqual(inbound.outcome, "Payment link sent.")
        self.assertEqual(self._send(), 1)
        call = FakeGraphApi.received[-1]
        self.assertEqual((call["body"]["type"], call["body"]["text"]["body"]), ("text", answer.body))
        self.assertEqual(answer.state, "sent")
        self.assertTrue(self.case.message_ids.filtered(lambda m: "WhatsApp sent to +5491155551234" in (m.body or "")),
                        "the answer is in the case's chatter")
        self.assertTrue(self.partner_a.message_ids.filtered(lambda m: "WhatsApp sent to" in (m.body or "")),
                        "and in the customer's")
        # both messages are in the case's contact log, once each, even when the send runs again
        self._send()
        logged = self.env["collection.interaction"].search(
            [("case_id", "=", self.case.id), ("channel", "=", "whatsapp")])
        self.assertEqual(sorted(logged.mapped(lambda i: (i.direction, i.outcome_id.code, i.contact))),
                         [("inbound", "customer_replied", True), ("outbound", "sent", False)])

    def test_promise_with_a_date_is_recorded_and_confirmed(self):
        today = fields.Date.context_today(self.case)
        friday = today + timedelta(days=(4 - today.weekday()) % 7 or 7)   # the next Friday after today
        inbound = self._say("I will pay on Friday")
        promise = inbound.promise_id
        self.assertEqual((inbound.intent, promise.date, promise.source, promise.state, promise.case_id),
                         ("promise", friday, "whatsapp", "open", self.case))
        self.assertEqual(promise.amount, 500.0, "what the case claims: both overdue invoices, 300 + 200")
        self.assertIn("recorded your promise to pay", self._answers(inbound).body)
        self.assertTrue(any("Promise to pay on WhatsApp" in (summary or "")
                            for summary in self._activities().mapped("summary")), "the collector is told")

    def test_a_second_promise_while_one_is_open_is_refused(self):
        first = self._say("I will pay on Friday").promise_id
        self.assertTrue(first)
        again = self._say(f"pagaré el {(fields.Date.context_today(self.case) + timedelta(days=12)).isoformat()}")
        self.assertFalse(again.promise_id)
        self.assertEqual(self.env["collection.promise"].search([("case_id", "=", self.case.id)]), first,
                         "the open promise stands; no second one")
        self.assertIn("already has an open promise", self._answers(again).body)
        self.assertIn("could not be recorded", " ".join(self._activities().mapped("summary")))

    def test_promise_button_asks_for_the_date_then_a_date_alone_is_the_promise(self):
        tapped = self._say("I will pay on…", payload=PAYLOAD_PROMISE)
        self.assertFalse(tapped.promise_id)
        self.assertIn("On which date will you pay?", self._answers(tapped).body)
        when = fields.Date.context_today(self.case) + timedelta(days=10)
        answered = self._say(when.strftime("%B %d"))  # "December 05": the customer writes in English
        self.assertEqual((answered.intent, answered.promise_id.date), ("promise", when))

    def test_promise_out_of_bounds_is_answered_and_handed_to_the_collector(self):
        far = fields.Date.context_today(self.case) + timedelta(days=200)   # beyond the 60-day horizon
        inbound = self._say(f"pagaré el {far.isoformat()}")
        self.assertFalse(inbound.promise_id)
        self.assertFalse(self.env["collection.promise"].search([("case_id", "=", self.case.id)]),
                         "nothing half-written")
        self.assertIn("We could not record that date", self._answers(inbound).body)
        self.assertIn("could not be recorded", " ".join(self._activities().mapped("summary")))

    def test_dispute_opens_a_dispute_on_the_named_invoice(self):
        inbound = self._say(f"No reconozco la factura {self.invoice_new.name}")
        dispute = inbound.dispute_id
        self.assertEqual((inbound.intent, dispute.move_id, dispute.source, dispute.state, inbound.move_ids),
                         ("dispute", self.invoice_new, "whatsapp", "open", self.invoice_new))
        self.assertTrue(self.invoice_new.collection_disputed)
        self.assertIn(self.invoice_new.name, self._answers(inbound).body)
        # no invoice named: the oldest one still claimed
        again = self._say("no reconozco esta deuda")
        self.assertEqual(again.dispute_id.move_id, self.invoice_old)

    def test_already_paid_is_acknowledged_and_checked_by_the_collector(self):
        inbound = self._say("Ya pagué la semana pasada por transferencia")
        self.assertEqual(inbound.intent, "paid")
        self.assertFalse(self.env["collection.promise"].search([("case_id", "=", self.case.id)]), "not a promise")
        self.assertIn("We will check your payment", self._answers(inbound).body)
        self.assertIn("Customer says it has already paid (WhatsApp)", self._activities().mapped("summary"))

    def test_anything_else_is_a_task_for_the_collector_in_the_inbox(self):
        before = len(self._activities())
        inbound = self._say("Hola, ¿me pueden mandar la factura en PDF?")
        self.assertEqual(inbound.intent, "other")
        activities = self._activities()
        self.assertEqual(len(activities), before + 1)
        self.assertEqual(activities.sorted("id")[-1].user_id, self.collector)
        self.assertFalse(self._answers(inbound), "no automatic answer to a question a person must read")
        self.assertIn(inbound, self.env["collection.whatsapp.message"].with_user(self.collector).search(
            [("direction", "=", "inbound"), "|", ("case_id", "=", False),
             ("intent", "in", ("talk", "other", "paid"))]), "in the collector's inbox 'For a collector'")

    def test_unknown_number_is_kept_for_the_inbox(self):
        inbound = self._say("pagar", number="5491100000000")
        self.assertEqual((inbound.partner_id.id, inbound.case_id.id), (False, False))
        self.assertFalse(self._answers(inbound))

    def test_opted_out_customer_gets_no_answer(self):
        self._say("STOP")
        self.assertEqual(self.partner_a.collection_whatsapp_consent, "out")
        inbound = self._say("quiero pagar")
        self.assertFalse(self._answers(inbound), "an opted-out customer is not written to")

    # ------------------------------------------------------------------ free text and the 24-hour window
    def test_an_offer_is_sent_once_with_its_template(self):
        self.case.stage_id.offer_max_discount = 10
        offer = self.env["collection.offer"].create({
            "case_id": self.case.id, "discount_percent": 10, "deadline": fields.Date.today() + timedelta(days=7)})
        offer.action_confirm()
        template = self.env["collection.whatsapp.template"].search(
            [("account_id", "=", self.account.id), ("name", "=", "collections_offer"), ("lang", "=", "en")])
        with self.assertRaisesRegex(UserError, "wait for its approval"):
            offer.with_user(self.collector).action_send_whatsapp()
        template._apply_review("APPROVED")
        offer.with_user(self.collector).action_send_whatsapp()
        message = offer.whatsapp_message_id
        # 300 + 200 open, 10 % off: 450 to pay
        self.assertEqual((message.state, message.template_id, message.offer_id), ("queued", template, offer))
        self.assertIn("$\xa0450.00", message.params)
        self.assertIn(offer.deadline.strftime("%m/%d/%Y"), message.params, "the customer's date format")
        with self.assertRaisesRegex(UserError, "already sent"):
            offer.action_send_whatsapp()
        self._send()
        self.assertEqual(FakeGraphApi.received[-1]["body"]["template"]["name"], "collections_offer")

    def test_collector_replies_inside_the_window_only(self):
        inbound = self._say("Hola, ¿me pueden mandar la factura en PDF?")
        wizard = self.env["collection.whatsapp.reply"].with_user(self.collector).create(
            {"message_id": inbound.id, "body": "Claro, se la enviamos por correo."})
        self.assertTrue(wizard.window_open)
        wizard.action_send()
        answer = self._answers(inbound)
        self.assertEqual((answer.body, answer.state), ("Claro, se la enviamos por correo.", "queued"))
        # a day later the window is closed: only a template may be sent
        self.env.cr.execute("UPDATE collection_whatsapp_message SET date_received = date_received - interval '25 hours'"
                            " WHERE id = %s", [inbound.id])
        inbound.invalidate_recordset()
        late = self.env["collection.whatsapp.reply"].with_user(self.collector).create(
            {"message_id": inbound.id, "body": "¿Sigue ahí?"})
        self.assertFalse(late.window_open)
        count = self.env["collection.whatsapp.message"].search_count([])
        with self.assertRaisesRegex(UserError, "has not written in the last 24 hours"):
            late.action_send()
        self.assertEqual(self.env["collection.whatsapp.message"].search_count([]), count, "nothing queued")

    def test_collector_replies_from_the_inbox_in_the_browser(self):
        inbound = self._say("Hola, ¿me pueden mandar la factura en PDF?")
        self.start_tour("/odoo/action-collections_whatsapp.collection_whatsapp_message_action",
                        "collections_whatsapp_inbox_reply_tour", login="collector")
        answer = self._answers(inbound)
        self.assertEqual((answer.body, answer.state, answer.create_uid), (
            "Claro, se la enviamos por correo hoy.", "queued", self.collector))

    def test_collector_cannot_answer_on_another_collectors_case(self):
        inbound = self._say("Hola")
        with self.assertRaises(AccessError):
            self.env["collection.whatsapp.reply"].with_user(self.collector_2).create(
                {"message_id": inbound.id, "body": "Hola"}).action_send()
        self.assertFalse(self._answers(inbound))

    def test_replies_go_out_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("es_AR")
        self.partner_a.lang = "es_AR"
        inbound = self._say("Hablar con alguien")
        self.assertEqual(self._answers(inbound).body, "Un cobrador se comunicará con usted a la brevedad.")


@tagged("post_install", "-at_install")
class TestWhatsappTemplates(CollectionsCommon):
    """Templates submitted to Meta and their review read back (real HTTP server)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.base_url_api = start_server(cls)
        cls.account = cls.env["collection.whatsapp.account"].sudo().create({
            "name": "Cobranzas AR", "phone_number_id": "1001", "business_account_id": "2001",
            "company_id": cls.company.id, "access_token": "EAAG-test", "base_url": cls.base_url_api,
        })

    def setUp(self):
        super().setUp()
        FakeGraphApi.reset()

    def _templates(self):
        return self.env["collection.whatsapp.template"].search([("account_id", "=", self.account.id)])

    def test_default_templates_per_stage_in_spanish_and_english(self):
        templates = self._templates()
        stages = self.stages.filtered(lambda s: s.code in ("preventive", "administrative", "extrajudicial",
                                                           "judicial"))
        self.assertEqual(len(templates), len(stages) * 2 + 2, "es and en per stage, and the offer's")
        self.assertEqual(sorted(templates.filtered(lambda t: t.name == "collections_offer").mapped("lang")),
                         ["en", "es"])
        for stage in stages:
            by_lang = {t.lang: t for t in templates.filtered(lambda t, stage=stage: t.stage_id == stage)}
            self.assertEqual(set(by_lang), {"es", "en"}, stage.code)
            self.assertEqual(by_lang["es"].button_pay, "Pagar ahora")
            self.assertEqual(by_lang["en"].button_promise, "I will pay on…")
            self.assertEqual(by_lang["es"].state, "draft")
            self.assertEqual("portal_url" in by_lang["es"]._variable_codes(),
                             self.env["collection.case"]._collection_has_portal(),
                             "the statement link only with the portal")
        self.account.action_create_default_templates()
        self.assertEqual(len(self._templates()), len(templates), "created once")

    def test_submit_then_sync_the_review(self):
        templates = self._templates()
        administrative_es = templates.filtered(lambda t: t.stage_id.code == "administrative" and t.lang == "es")
        administrative_es.action_submit()
        call = FakeGraphApi.received[-1]
        self.assertEqual((call["method"], call["path"]), ("POST", "/v21.0/2001/message_templates"))
        body, buttons = call["body"]["components"]
        self.assertEqual(call["body"]["category"], "UTILITY")
        self.assertEqual(body["text"], administrative_es.body)
        self.assertEqual(len(body["example"]["body_text"][0]), len(administrative_es._variable_codes()))
        self.assertEqual([b["text"] for b in buttons["buttons"]], ["Pagar ahora", "Pagaré el…", "Hablar con alguien"])
        self.assertEqual(administrative_es.state, "pending")
        self.assertTrue(administrative_es.meta_template_id)
        with self.assertRaisesRegex(UserError, "already submitted"):
            administrative_es.action_submit()
        (templates - administrative_es).action_submit()
        self.assertEqual(set(self._templates().mapped("state")), {"pending"})
        # Meta reviews them; the sync reads every page (two templates a page)
        for template in FakeGraphApi.templates.values():
            template["status"] = "APPROVED"
        rejected = FakeGraphApi.templates[("2001", "collections_judicial", "en")]
        rejected.update(status="REJECTED", rejected_reason="INVALID_FORMAT")
        self.account.action_sync_templates()
        judicial_en = templates.filtered(lambda t: t.name == "collections_judicial" and t.lang == "en")
        self.assertEqual((judicial_en.state, judicial_en.rejection_reason), ("rejected", "INVALID_FORMAT"))
        self.assertEqual(set((templates - judicial_en).mapped("state")), {"approved"})
        pages = [c for c in FakeGraphApi.received if c["method"] == "GET"]
        self.assertEqual(len(pages), 5, "10 templates, 2 a page")

    def test_a_collector_cannot_reach_meta_through_rpc(self):
        template = self._templates()[:1].with_user(self.collector)
        account = self.account.with_user(self.collector)
        for call in (template.action_submit, template.action_sync, account.action_sync_templates,
                     account.action_create_default_templates, account.action_test_connection):
            with self.assertRaises(AccessError, msg=call.__name__):
                call()
        self.assertEqual(FakeGraphApi.received, [], "nothing was sent to Meta")
        self.assertEqual(template.sudo().state, "draft")

    def test_metas_refusal_is_a_clear_error_and_changes_nothing(self):
        template = self._templates()[:1]
        FakeGraphApi.script = [meta_error(100, "Invalid parameter", 400,
                                          error_user_msg="Content in this language already exists.")]
        with self.assertRaisesRegex(UserError, "Content in this language already exists"):
            template.action_submit()
        self.assertEqual((template.state, template.meta_template_id), ("draft", False))


@tagged("post_install", "-at_install")
class TestWhatsappMultiCompany(CollectionsCommon):
    """Each company's reminders go out through its own number and token, and only its templates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        base_url = start_server(cls)
        cls.other = cls.setup_other_company()["company"]
        cls.env.user.company_ids |= cls.other
        cls.other.collection_catch_up_done = True  # in operation, like the main company (see CollectionsCommon)
        Account = cls.env["collection.whatsapp.account"].sudo()
        cls.mine = Account.create({"name": "AR", "phone_number_id": "1001", "business_account_id": "2001",
                                   "company_id": cls.company.id, "access_token": "EAAG-test", "base_url": base_url})
        cls.theirs = Account.create({"name": "CO", "phone_number_id": "3003", "business_account_id": "4004",
                                     "company_id": cls.other.id, "access_token": "EAAG-other", "base_url": base_url})
        Step = cls.env["collection.strategy.step"]
        for company in (cls.company, cls.other):
            administrative = cls.env["collection.stage"].search(
                [("company_id", "=", company.id), ("code", "=", "administrative")])
            account = cls.mine if company == cls.company else cls.theirs
            account_templates = cls.env["collection.whatsapp.template"].search([("account_id", "=", account.id)])
            account_templates.filtered(lambda t, stage=administrative: t.stage_id == stage)._apply_review("APPROVED")
            company.collection_strategy_id.step_ids.filtered(lambda s, stage=administrative: s.stage_id == stage
                                                             ).unlink()
            Step.create({"strategy_id": company.collection_strategy_id.id, "name": "WhatsApp",
                         "stage_id": administrative.id, "day_offset": 0, "channel": "whatsapp"})
        cls.partner_a.write({"phone": "+54 9 11 5555-1234", "lang": "en_US", "collection_whatsapp_consent": "in"})

    def test_each_company_sends_through_its_own_account(self):
        FakeGraphApi.reset()
        self._invoice(self.partner_a, 10, 100)
        self._invoice(self.partner_a, 10, 700, company=self.other)
        self.env["collection.engine"]._run(today=self.TODAY)
        messages = self.env["collection.whatsapp.message"].search([("partner_id", "=", self.partner_a.id)])
        self.assertEqual(len(messages), 2, self.env["collection.step.execution"].search(
            [("channel", "=", "whatsapp")]).mapped(lambda e: (e.company_id.name, e.state, e.error)))
        by_account = {m.account_id: m for m in messages}
        self.assertEqual(set(by_account), {self.mine, self.theirs})
        self.assertEqual(by_account[self.theirs].company_id, self.other)
        self.assertEqual(by_account[self.theirs].template_id.account_id, self.theirs, "its company's template")
        self.assertIn("700.00", by_account[self.theirs].body)
        self.env["collection.whatsapp.message"].with_context(collection_whatsapp_no_wait=True)._cron_send()
        calls = {c["path"]: c["auth"] for c in FakeGraphApi.received}
        self.assertEqual(calls, {"/v21.0/1001/messages": "Bearer EAAG-test",
                                 "/v21.0/3003/messages": "Bearer EAAG-other"})
        # a user of one company does not see the other's messages
        self.assertEqual(self.env["collection.whatsapp.message"].with_user(self.manager).search(
            [("partner_id", "=", self.partner_a.id)]), by_account[self.mine])
