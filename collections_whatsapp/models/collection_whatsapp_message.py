import logging
import time
from datetime import datetime, timezone

import phonenumbers
import requests

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# a status only moves forward: a late "delivered" never overwrites "read"
STATUS_RANK = {"queued": 0, "sending": 0, "sent": 1, "delivered": 2, "read": 3}
MAX_TRIES = 5
OPT_OUT_KEYWORDS = {"stop", "baja", "no", "unsubscribe", "cancelar"}


def to_e164(number, region):
    """``number`` as E.164 (``+5491155551234``) read with ``region`` as default country, or None when invalid."""
    if not number:
        return None
    try:
        parsed = phonenumbers.parse(number, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class CollectionWhatsappMessage(models.Model):
    """Every WhatsApp message sent or received for collections, with its delivery status."""

    _name = "collection.whatsapp.message"
    _description = "WhatsApp message (collections)"
    _order = "id desc"
    _check_company_auto = True

    account_id = fields.Many2one("collection.whatsapp.account", required=True, index=True, ondelete="restrict",
                                 readonly=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", index=True, readonly=True)
    case_id = fields.Many2one("collection.case", index=True, readonly=True, ondelete="set null")
    mobile = fields.Char("Number (E.164)", readonly=True)
    direction = fields.Selection([("outbound", "Sent"), ("inbound", "Received")], required=True, readonly=True)
    state = fields.Selection(
        [("queued", "Queued"), ("sending", "Sending"), ("sent", "Sent"), ("delivered", "Delivered"),
         ("read", "Read"), ("failed", "Failed"), ("received", "Received")],
        required=True, default="queued", index=True, readonly=True)
    wamid = fields.Char("WhatsApp message id", readonly=True, copy=False)
    body = fields.Text(readonly=True)
    date_sent = fields.Datetime(readonly=True)
    date_delivered = fields.Datetime(readonly=True)
    date_read = fields.Datetime(readonly=True)
    date_failed = fields.Datetime(readonly=True)
    date_received = fields.Datetime(readonly=True)
    error_code = fields.Char(readonly=True)
    error_text = fields.Text(readonly=True)
    retry_count = fields.Integer(readonly=True)
    next_try = fields.Datetime("Next attempt", readonly=True, index="btree_not_null")
    template_id = fields.Many2one("collection.whatsapp.template", readonly=True, ondelete="restrict")
    params = fields.Json("Template variables", readonly=True)
    execution_id = fields.Many2one("collection.step.execution", "Strategy step", readonly=True, ondelete="set null",
                                   index="btree_not_null")

    _wamid_uniq = models.UniqueIndex("(account_id, wamid) WHERE wamid IS NOT NULL",
                                     "A WhatsApp message is recorded once.")
    # the idempotency key of a reminder: one message per case, stage entry and step
    _execution_uniq = models.UniqueIndex("(execution_id) WHERE execution_id IS NOT NULL",
                                         "A strategy step sends one WhatsApp message.")

    # ------------------------------------------------------------------ sending
    @api.model
    def _cron_send(self):
        """Send queued messages, per account at most its messages-per-second, retrying what can be retried.

        Each message is committed as "sending" before its HTTP call and with its
        outcome after it: a worker that dies during a call leaves the message in
        "sending", which the next run marks failed ("outcome unknown") instead
        of sending it a second time; nothing queued is lost.
        """
        self = self.sudo()  # noqa: PLW0642 - the queue is sent for every company and collector
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        Cron = self.env["ir.cron"]
        stale = fields.Datetime.subtract(fields.Datetime.now(), minutes=15)
        lost = self.search([("state", "=", "sending"), ("write_date", "<", stale)])
        lost.write({"state": "failed", "error_text": self.env._(
            "The sender stopped during the call: the outcome is unknown. Check the chat before sending again.")})
        sent = 0
        for account in self.env["collection.whatsapp.account"].search([]):
            rate = max(account.messages_per_second, 1)
            window, in_window = time.monotonic(), 0
            while True:
                self.env.flush_all()  # the outcomes just written are what the next claim must see
                # one message at a time: its row lock is the claim, released only once it is "sending"
                self.env.cr.execute(SQL(
                    """
                    SELECT id FROM collection_whatsapp_message
                     WHERE account_id = %s AND state = 'queued' AND direction = 'outbound'
                       AND (next_try IS NULL OR next_try <= now() AT TIME ZONE 'UTC')
                     ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
                    """, account.id))
                row = self.env.cr.fetchone()
                if not row:
                    break
                message = self.browse(row[0])
                message.write({"state": "sending"})
                if in_cron:
                    Cron._commit_progress(0)  # "sending" is durable before the call
                message._send_now()
                sent += 1
                if in_cron:
                    Cron._commit_progress(1)  # and the message's outcome after it
                # Meta's throughput per sender number: at most ``rate`` messages a second
                in_window += 1
                if in_window >= rate:
                    elapsed = time.monotonic() - window
                    if elapsed < 1 and not self.env.context.get("collection_whatsapp_no_wait"):
                        time.sleep(1 - elapsed)
                    window, in_window = time.monotonic(), 0
        return sent

    def _send_now(self):
        """One Graph API call; the outcome (sent, retry with back-off, or failed with Meta's reason) is written."""
        self.ensure_one()
        account = self.account_id
        payload = {
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": self.mobile.lstrip("+"),
            "type": "template",
            "template": {"name": self.template_id.name, "language": {"code": self.template_id.lang},
                         "components": [{"type": "body", "parameters": [
                             {"type": "text", "text": value} for value in (self.params or [])]}]},
        }
        try:
            response = account._graph_post(f"{account.phone_number_id}/messages", payload)
        except (requests.ConnectionError, requests.Timeout) as error:
            return self._retry_later(None, self.env._("No answer from WhatsApp: %s", error))
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code == 200 and data.get("messages"):
            return self.write({"state": "sent", "wamid": data["messages"][0]["id"], "date_sent": fields.Datetime.now(),
                               "error_code": False, "error_text": False, "next_try": False})
        error = data.get("error") or {}
        code, text = str(error.get("code") or response.status_code), error.get("message") or response.reason
        if response.status_code == 429 or response.status_code >= 500:
            return self._retry_later(code, text)
        return self.write({"state": "failed", "error_code": code, "error_text": text,
                           "date_failed": fields.Datetime.now(), "next_try": False})

    def _retry_later(self, code, text):
        """Exponential back-off (1, 2, 4, 8… minutes); permanently failed after MAX_TRIES attempts."""
        tries = self.retry_count + 1
        if tries >= MAX_TRIES:
            return self.write({"state": "failed", "retry_count": tries, "error_code": code or False,
                               "error_text": self.env._("Gave up after %(tries)s attempts: %(reason)s",
                                                        tries=tries, reason=text),
                               "date_failed": fields.Datetime.now(), "next_try": False})
        return self.write({"state": "queued", "retry_count": tries, "error_code": code or False, "error_text": text,
                           "next_try": fields.Datetime.add(fields.Datetime.now(), minutes=2 ** (tries - 1))})

    # ------------------------------------------------------------------ webhook
    @api.model
    def _apply_statuses(self, account, statuses):
        """Apply Meta's status notifications idempotently, in any order; unknown messages are ignored."""
        for status in statuses:
            wamid, new = status.get("id"), status.get("status")
            if not wamid or new not in (*STATUS_RANK, "failed"):
                continue
            message = self.search([("account_id", "=", account.id), ("wamid", "=", wamid)], limit=1)
            if not message:
                _logger.info("whatsapp: status %s for unknown message %s ignored", new, wamid)
                continue
            stamp = str(status.get("timestamp") or "")
            # Meta's timestamps are Unix seconds (UTC); Odoo stores naive UTC datetimes
            when = datetime.fromtimestamp(int(stamp), tz=timezone.utc).replace(tzinfo=None) if stamp.isdigit() \
                else fields.Datetime.now()
            values = {}
            if not message[f"date_{new}"]:
                values[f"date_{new}"] = when  # the time of each step is kept even when it arrives late
            if new == "failed":
                if message.state in ("queued", "sending", "sent"):
                    error = (status.get("errors") or [{}])[0]
                    values.update(state="failed", error_code=str(error.get("code") or ""),
                                  error_text=error.get("title") or error.get("message") or "")
            elif message.state != "failed" and STATUS_RANK[new] > STATUS_RANK.get(message.state, 0):
                values["state"] = new
            if values:
                message.write(values)

    @api.model
    def _receive(self, account, messages, contacts=()):
        """Record inbound messages once (by wamid), attach them to the debtor's open case, honour opt-outs."""
        names = {contact.get("wa_id"): (contact.get("profile") or {}).get("name") for contact in contacts}
        for incoming in messages:
            wamid = incoming.get("id")
            sender = "+" + str(incoming.get("from", "")).lstrip("+")
            text = ((incoming.get("text") or {}).get("body")
                    or (incoming.get("button") or {}).get("text")
                    or ((incoming.get("interactive") or {}).get("button_reply") or {}).get("title") or "")
            self.env.cr.execute(SQL(
                """
                INSERT INTO collection_whatsapp_message (account_id, company_id, mobile, direction, state, wamid, body,
                                                         date_received, retry_count, create_uid, create_date,
                                                         write_uid, write_date)
                VALUES (%(account)s, %(company)s, %(mobile)s, 'inbound', 'received', %(wamid)s, %(body)s,
                        now() AT TIME ZONE 'UTC', 0, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                        now() AT TIME ZONE 'UTC')
                ON CONFLICT (account_id, wamid) WHERE wamid IS NOT NULL DO NOTHING
                RETURNING id
                """, account=account.id, company=account.company_id.id, mobile=sender, wamid=wamid, body=text,
                uid=self.env.uid))
            row = self.env.cr.fetchone()
            if not row:
                continue  # Meta delivered it twice
            message = self.browse(row[0])
            partner = self.env["res.partner"]._collection_find_by_mobile(sender, account.company_id)
            case = self.env["collection.case"].search(
                [("partner_id", "=", partner.commercial_partner_id.id), ("company_id", "=", account.company_id.id),
                 ("state", "=", "open")], limit=1) if partner else self.env["collection.case"]
            message.write({"partner_id": partner.id, "case_id": case.id})
            if partner and text.strip().lower() in OPT_OUT_KEYWORDS:
                partner.commercial_partner_id._collection_whatsapp_opt_out(text.strip())
            if case:
                case.message_post(body=self.env._("WhatsApp from %(who)s (%(number)s): %(text)s",
                                                  who=names.get(incoming.get("from")) or partner.name,
                                                  number=sender, text=text))
