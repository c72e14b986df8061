import logging
from datetime import datetime, timezone

import phonenumbers

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# a status only moves forward: a late "delivered" never overwrites "read"
STATUS_RANK = {"queued": 0, "sent": 1, "delivered": 2, "read": 3}
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
        [("queued", "Queued"), ("sent", "Sent"), ("delivered", "Delivered"), ("read", "Read"),
         ("failed", "Failed"), ("received", "Received")],
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

    _wamid_uniq = models.UniqueIndex("(account_id, wamid) WHERE wamid IS NOT NULL",
                                     "A WhatsApp message is recorded once.")

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
                if message.state in ("queued", "sent"):
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
