import hashlib
import hmac
import json
import logging

from odoo import http
from odoo.http import request
from odoo.tools import consteq

_logger = logging.getLogger(__name__)


class CollectionsWhatsappWebhook(http.Controller):
    """Meta's WhatsApp Cloud API webhook: verification, delivery statuses and customer replies.

    GET answers Meta's subscription check with ``hub.challenge`` when the verify
    token is an account's. POST is accepted only with a valid
    ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body with the account's app
    secret, compared in constant time), otherwise 403. A signed notification
    about a message we do not know is acknowledged (200) and ignored: Meta
    retries anything else.
    """

    @http.route("/collections/whatsapp/webhook", type="http", auth="public", methods=["GET"], csrf=False,
                save_session=False)
    def verify(self, **params):
        token = params.get("hub.verify_token") or ""
        if params.get("hub.mode") != "subscribe" or not token:
            return request.make_response("Forbidden", status=403)
        accounts = request.env["collection.whatsapp.account"].sudo().search(
            [("webhook_verify_token", "!=", False)])
        if not any(consteq(account.webhook_verify_token, token) for account in accounts):
            return request.make_response("Forbidden", status=403)
        return request.make_response(params.get("hub.challenge", ""), headers=[("Content-Type", "text/plain")])

    @http.route("/collections/whatsapp/webhook", type="http", auth="public", methods=["POST"], csrf=False,
                save_session=False)
    def notify(self, **_kw):
        raw = request.httprequest.get_data()
        signature = request.httprequest.headers.get("X-Hub-Signature-256", "")
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            return request.make_response("Forbidden", status=403)
        Account = request.env["collection.whatsapp.account"].sudo()
        raw_changes = [change for entry in payload.get("entry") or [] for change in entry.get("changes") or []]
        changes = [change.get("value") or {} for change in raw_changes if change.get("field") != "message_template_status_update"]
        template_updates = [(entry.get("id"), change.get("value") or {}) for entry in payload.get("entry") or []
                            for change in entry.get("changes") or []
                            if change.get("field") == "message_template_status_update"]
        if template_updates and not changes:
            # a template's review: signed by the account of that business account
            accounts = Account.search([("business_account_id", "in", [waba for waba, _v in template_updates])])
            if not accounts or not all(self._signed(account, raw, signature) for account in accounts):
                return request.make_response("Forbidden", status=403)
            for waba, value in template_updates:
                request.env["collection.whatsapp.template"].sudo().search([
                    ("account_id", "in", accounts.filtered(lambda a, waba=waba: a.business_account_id == waba).ids),
                    ("name", "=", value.get("message_template_name")),
                    ("lang", "=", value.get("message_template_language")),
                ])._apply_review(value.get("event"), value.get("reason"))
            return request.make_response(json.dumps({"ok": True}), headers=[("Content-Type", "application/json")])
        phone_ids = {(value.get("metadata") or {}).get("phone_number_id") for value in changes} - {None}
        accounts = Account.search([("phone_number_id", "in", list(phone_ids))]) if phone_ids else Account
        # every account the notification names must have signed it (a forged body cannot borrow another's)
        if not accounts or len(accounts.mapped("phone_number_id")) != len(phone_ids) or not all(
                self._signed(account, raw, signature) for account in accounts):
            _logger.warning("whatsapp webhook: refused a notification without a valid signature")
            return request.make_response("Forbidden", status=403)
        Message = request.env["collection.whatsapp.message"].sudo()
        for value in changes:
            account = accounts.filtered(
                lambda a, value=value: a.phone_number_id == (value.get("metadata") or {}).get("phone_number_id"))[:1]
            Message.with_company(account.company_id)._apply_statuses(account, value.get("statuses") or [])
            Message.with_company(account.company_id)._receive(account, value.get("messages") or [],
                                                               value.get("contacts") or [])
        return request.make_response(json.dumps({"ok": True}), headers=[("Content-Type", "application/json")])

    @staticmethod
    def _signed(account, raw, signature):
        if not account.app_secret or not signature.startswith("sha256="):
            return False
        expected = hmac.new(account.app_secret.encode(), raw, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature[len("sha256="):])
