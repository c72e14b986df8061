from datetime import timedelta

from odoo import fields
from odoo.addons.collections_management.tests.common import CollectionsCommon
from odoo.exceptions import UserError
from odoo.tests import tagged

from .fake_graph import FakeGraphApi, meta_error, start_server


@tagged("post_install", "-at_install")
class TestWhatsappSending(CollectionsCommon):
    """Reminders through a real HTTP server on 127.0.0.1 that answers like the Graph API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        base_url = start_server(cls)
        cls.account = cls.env["collection.whatsapp.account"].sudo().create({
            "name": "Cobranzas", "phone_number_id": "1001", "business_account_id": "2001",
            "company_id": cls.company.id, "access_token": "EAAG-test", "api_version": "v21.0",
            "base_url": base_url,
        })
        administrative = cls.stage_by_code["administrative"]
        cls.template = cls.env["collection.whatsapp.template"].create({
            "name": "overdue_notice", "account_id": cls.account.id, "lang": "en", "stage_id": administrative.id,
            "body": "Hello {{1}}, {{2}} is overdue with {{3}}.",
            "variables": "partner_name,amount_overdue,company_name",
        })
        cls.template._apply_review("APPROVED")
        cls.company.collection_strategy_id.step_ids.filtered(lambda s: s.stage_id == administrative).unlink()
        cls.env["collection.strategy.step"].create({
            "strategy_id": cls.company.collection_strategy_id.id, "name": "WhatsApp reminder",
            "stage_id": administrative.id, "day_offset": 0, "channel": "whatsapp",
        })
        cls.partner_a.write({"phone": "011 15-5555-1234", "country_id": cls.env.ref("base.ar").id, "lang": "en_US",
                             "collection_whatsapp_consent": "in"})

    def setUp(self):
        super().setUp()
        FakeGraphApi.reset()

    def _run(self):
        return self.env["collection.engine"]._run(today=self.TODAY)

    def _send(self):
        return self.env["collection.whatsapp.message"].with_context(collection_whatsapp_no_wait=True)._cron_send()

    def _message(self):
        return self.env["collection.whatsapp.message"].search([("partner_id", "=", self.partner_a.id)])

    def test_reminder_is_a_template_message_sent_once(self):
        self._invoice(self.partner_a, 10, 250)
        self._run()
        message = self._message()
        self.assertEqual((message.state, message.mobile, message.params),
                         ("queued", "+5491155551234", [self.partner_a.name, "$\xa0250.00",
                                                       self.company.name]))
        # written the customer's way: a Spanish-speaking debtor reads "$ 250,00"
        self.env["res.lang"]._activate_lang("es_419")
        self.partner_a.lang = "es_419"
        self.assertEqual(message.template_id._values_for(message.case_id)[1], "$\xa0250,00")
        self.assertEqual(self._send(), 1)
        self.assertEqual(len(FakeGraphApi.received), 1)
        call = FakeGraphApi.received[0]
        self.assertEqual(call["path"], "/v21.0/1001/messages")
        self.assertEqual(call["auth"], "Bearer EAAG-test")
        self.assertEqual(call["body"]["to"], "5491155551234")
        self.assertEqual(call["body"]["template"]["name"], "overdue_notice")
        self.assertEqual([p["text"] for p in call["body"]["template"]["components"][0]["parameters"]],
                         message.params)
        self.assertEqual((message.state, message.wamid), ("sent", "wamid.FAKE1"))
        self.assertEqual(message.move_ids, self.env["account.move"].search([("partner_id", "=", self.partner_a.id)]),
                         "the reminder names the invoice it claims")
        execution = message.execution_id
        self.assertEqual((execution.channel, execution.state, execution.whatsapp_message_id),
                         ("whatsapp", "done", message))
        # the next run and the next send: nothing twice
        self._run()
        self._send()
        self.assertEqual(len(self._message()), 1)
        self.assertEqual(len(FakeGraphApi.received), 1)

    def test_no_opt_in_or_no_valid_number_is_the_collectors_to_fix(self):
        self.partner_a.collection_whatsapp_consent = "none"
        self.partner_b.write({"phone": "12", "collection_whatsapp_consent": "in"})
        self._invoice(self.partner_a, 10, 250)
        self._invoice(self.partner_b, 10, 250)
        self._run()
        self.assertFalse(self.env["collection.whatsapp.message"].search([]))
        errors = self.env["collection.step.execution"].search([("channel", "=", "whatsapp")]).mapped("error")
        self.assertEqual(len(errors), 2)
        self.assertTrue(any("has not opted in" in error for error in errors))
        self.assertTrue(any("no valid WhatsApp number" in error for error in errors))

    def test_back_off_on_rate_limit_and_server_errors_then_permanent_failure(self):
        self._invoice(self.partner_a, 10, 250)
        self._run()
        message = self._message()
        FakeGraphApi.script = [meta_error(130429, "Rate limit hit", 429), meta_error(1, "Internal error", 500)]
        self._send()
        self.assertEqual((message.state, message.retry_count, message.error_code), ("queued", 1, "130429"))
        first_wait = message.next_try - fields.Datetime.now()
        self._send()
        self.assertEqual(len(FakeGraphApi.received), 1, "not before its next attempt")
        message.sudo().write({"next_try": fields.Datetime.now() - timedelta(days=1)})  # past, also for the DB clock
        self._send()
        self.assertEqual((message.state, message.retry_count), ("queued", 2))
        self.assertGreater(message.next_try - fields.Datetime.now(), first_wait, "exponential back-off")
        FakeGraphApi.script = [meta_error(1, "Internal error", 500)] * 3
        for _attempt in range(3):
            message.sudo().write({"next_try": fields.Datetime.now() - timedelta(days=1)})  # past, also for the DB clock
            self._send()
        self.assertEqual((message.state, message.retry_count), ("failed", 5))
        self.assertIn("Gave up after 5 attempts", message.error_text)

    def test_a_refused_message_fails_at_once_with_metas_reason(self):
        self._invoice(self.partner_a, 10, 250)
        self._run()
        FakeGraphApi.script = [meta_error(131026, "Message undeliverable", 400)]
        self._send()
        message = self._message()
        self.assertEqual((message.state, message.error_code, message.error_text, message.retry_count),
                         ("failed", "131026", "Message undeliverable", 0))

    def test_a_message_caught_in_a_crash_is_not_sent_twice(self):
        self._invoice(self.partner_a, 10, 250)
        self._run()
        message = self._message()
        # a worker committed "sending", then died during the call
        message.sudo().write({"state": "sending"})
        self.env.flush_all()
        self.env.cr.execute("UPDATE collection_whatsapp_message SET write_date = now() - interval '1 hour' "
                            "WHERE id = %s", [message.id])
        message.invalidate_recordset()
        self._send()
        self.assertEqual(FakeGraphApi.received, [], "never sent a second time")
        self.assertEqual(message.state, "failed")
        self.assertIn("outcome is unknown", message.error_text)

    def test_test_connection(self):
        action = self.account.action_test_connection()
        self.assertIn("Cobranzas SA", action["params"]["message"])
        self.assertEqual(FakeGraphApi.received[-1]["path"], "/v21.0/1001")
        self.account.access_token = "wrong"
        with self.assertRaisesRegex(UserError, "Invalid OAuth access token"):
            self.account.action_test_connection()

    def test_consent_change_is_dated_and_attributed(self):
        self.partner_b.collection_whatsapp_consent = "in"
        self.assertTrue(self.partner_b.collection_whatsapp_consent_date)
        self.assertIn(self.env.user.name, self.partner_b.collection_whatsapp_consent_source)
