import hashlib
import hmac
import json

from odoo.addons.collections_management.tests.common import CollectionsCommon
from odoo.addons.collections_whatsapp.models.collection_whatsapp_message import to_e164
from odoo.tests import HttpCase, tagged

URL = "/collections/whatsapp/webhook"


@tagged("post_install", "-at_install")
class TestWhatsappWebhook(CollectionsCommon, HttpCase):
    """Meta's webhook through real HTTP requests: verification, signatures, statuses and replies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["collection.whatsapp.account"].sudo()
        cls.account = Account.create({
            "name": "Cobranzas AR", "phone_number_id": "1001", "business_account_id": "2001",
            "company_id": cls.company.id, "app_secret": "s3cret", "webhook_verify_token": "vt-123",
        })
        other_company = cls.env["res.company"].sudo().create({"name": "Otra SA"})
        cls.other_account = Account.create({
            "name": "Otra", "phone_number_id": "9009", "business_account_id": "9001",
            "company_id": other_company.id, "app_secret": "other-secret", "webhook_verify_token": "vt-999",
        })
        cls.partner_a.write({"phone": "+54 9 11 5555-1234", "country_id": cls.env.ref("base.ar").id})
        cls.case = cls.env["collection.case"].create({"partner_id": cls.partner_a.id, "company_id": cls.company.id})
        cls.sent = cls.env["collection.whatsapp.message"].sudo().create({
            "account_id": cls.account.id, "partner_id": cls.partner_a.id, "case_id": cls.case.id,
            "mobile": "+5491155551234", "direction": "outbound", "state": "sent", "wamid": "wamid.A",
        })

    def _post(self, payload, secret="s3cret", signature=None):
        raw = json.dumps(payload).encode()
        if signature is None:
            signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        headers = {"Content-Type": "application/json"}
        if signature:
            headers["X-Hub-Signature-256"] = signature
        return self.url_open(URL, data=raw, headers=headers, allow_redirects=False)

    @staticmethod
    def _payload(phone_number_id="1001", statuses=(), messages=(), contacts=()):
        return {"object": "whatsapp_business_account", "entry": [{"id": "2001", "changes": [{
            "field": "messages",
            "value": {"messaging_product": "whatsapp", "metadata": {"phone_number_id": phone_number_id},
                      "statuses": list(statuses), "messages": list(messages), "contacts": list(contacts)},
        }]}]}

    @staticmethod
    def _status(status, wamid="wamid.A", timestamp="1795500000", **extra):
        return {"id": wamid, "status": status, "timestamp": timestamp, "recipient_id": "5491155551234", **extra}

    # ------------------------------------------------------------------ verification
    def test_get_verification_answers_the_challenge_only_with_the_verify_token(self):
        ok = self.url_open(f"{URL}?hub.mode=subscribe&hub.verify_token=vt-123&hub.challenge=4242")
        self.assertEqual((ok.status_code, ok.text), (200, "4242"))
        self.assertEqual(self.url_open(f"{URL}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1").status_code,
                         403)
        self.assertEqual(self.url_open(f"{URL}?hub.mode=other&hub.verify_token=vt-123&hub.challenge=1").status_code,
                         403)

    # ------------------------------------------------------------------ signatures
    def test_post_needs_a_valid_signature(self):
        payload = self._payload(statuses=[self._status("delivered")])
        self.assertEqual(self._post(payload, signature="").status_code, 403, "unsigned")
        self.assertEqual(self._post(payload, secret="guessed").status_code, 403, "forged")
        self.assertEqual(self._post(payload, signature="sha256=" + "0" * 64).status_code, 403)
        self.assertEqual(self.sent.state, "sent", "nothing applied from a refused notification")
        self.assertEqual(self._post(payload).status_code, 200)
        self.assertEqual(self.sent.state, "delivered")

    def test_an_account_cannot_sign_for_another_company(self):
        payload = self._payload(phone_number_id="9009", statuses=[self._status("read")])
        self.assertEqual(self._post(payload, secret="s3cret").status_code, 403)
        self.assertEqual(self._post(payload, secret="other-secret").status_code, 200,
                         "the other company's account signs its own notifications")
        self.assertEqual(self.sent.state, "sent", "and they never touch this company's messages")

    # ------------------------------------------------------------------ statuses
    def test_statuses_are_idempotent_and_never_go_back(self):
        self.assertEqual(self._post(self._payload(statuses=[self._status("read", timestamp="1795500100")])).status_code,
                         200)
        self.assertEqual(self.sent.state, "read")
        self.assertEqual(self._post(self._payload(statuses=[self._status("delivered", timestamp="1795500050")])
                                    ).status_code, 200)
        self.assertEqual(self.sent.state, "read", "a late 'delivered' never overwrites 'read'")
        self.assertTrue(self.sent.date_delivered, "but its time is kept")
        read_at = self.sent.date_read
        self._post(self._payload(statuses=[self._status("read", timestamp="1795509999")]))
        self.assertEqual(self.sent.date_read, read_at, "a replayed status changes nothing")
        self._post(self._payload(statuses=[self._status("failed", errors=[{"code": 131047, "title": "Re-engagement"}])]))
        self.assertEqual(self.sent.state, "read", "a message already read does not fail")
        unknown = self._post(self._payload(statuses=[self._status("delivered", wamid="wamid.UNKNOWN")]))
        self.assertEqual(unknown.status_code, 200, "a signed status about an unknown message is acknowledged")

    def test_failed_status_keeps_the_reason(self):
        self._post(self._payload(statuses=[self._status("failed", errors=[{"code": 131026, "title": "Undeliverable"}])]))
        self.assertEqual((self.sent.state, self.sent.error_code, self.sent.error_text),
                         ("failed", "131026", "Undeliverable"))

    # ------------------------------------------------------------------ inbound
    def test_reply_is_attached_to_the_debtors_case_once(self):
        reply = {"from": "5491155551234", "id": "wamid.IN1", "timestamp": "1795500200", "type": "text",
                 "text": {"body": "Pago el viernes"}}
        contacts = [{"wa_id": "5491155551234", "profile": {"name": "Tesorería A"}}]
        self.assertEqual(self._post(self._payload(messages=[reply], contacts=contacts)).status_code, 200)
        self._post(self._payload(messages=[reply], contacts=contacts))  # Meta delivers it twice
        received = self.env["collection.whatsapp.message"].search([("wamid", "=", "wamid.IN1")])
        self.assertEqual(len(received), 1, "recorded once")
        self.assertEqual((received.partner_id, received.case_id, received.state, received.mobile),
                         (self.partner_a, self.case, "received", "+5491155551234"))
        notes = self.case.message_ids.filtered(lambda m: "Pago el viernes" in (m.body or ""))
        self.assertEqual(len(notes), 1, "in the case's chatter, once")

    def test_opt_out_keyword_withdraws_consent(self):
        self.partner_a.collection_whatsapp_consent = "in"
        stop = {"from": "5491155551234", "id": "wamid.IN2", "timestamp": "1795500300", "type": "text",
                "text": {"body": "BAJA"}}
        self._post(self._payload(messages=[stop]))
        self.assertEqual(self.partner_a.collection_whatsapp_consent, "out")
        self.assertIn("BAJA", self.partner_a.collection_whatsapp_consent_source)

    # ------------------------------------------------------------------ numbers
    def test_numbers_to_e164_by_country(self):
        cases = [
            ("011 15-5555-1234", "AR", "+5491155551234"),
            ("+54 9 11 5555-1234", "CO", "+5491155551234"),   # an international number ignores the region
            ("55 1234 5678", "MX", "+525512345678"),
            ("300 123 4567", "CO", "+573001234567"),
            ("9 6123 4567", "CL", "+56961234567"),
            ("912 345 678", "PE", "+51912345678"),
            ("612 34 56 78", "ES", "+34612345678"),
        ]
        for number, region, expected in cases:
            self.assertEqual(to_e164(number, region), expected, f"{number} ({region})")
        for invalid in ("12", "not a number", "", None, "+99 123"):
            self.assertIsNone(to_e164(invalid, "AR"), invalid)
