import logging
import time
from datetime import datetime, timezone

import phonenumbers
import psycopg2.errors

from odoo import api, fields, models
from odoo.addons.collections_management.tools.intent import parse_date, read_intent
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date

from ..tools import graph_api

_logger = logging.getLogger(__name__)

# a status only moves forward: a late "delivered" never overwrites "read"
STATUS_RANK = {"queued": 0, "sending": 0, "sent": 1, "delivered": 2, "read": 3}
MAX_TRIES = 5
WINDOW_HOURS = 24  # Meta's customer-service window: free text only this long after the customer wrote
INTENTS = [("opt_out", "Opt-out"), ("pay", "Asked to pay"), ("promise", "Promise to pay"), ("dispute", "Dispute"),
           ("paid", "Says already paid"), ("talk", "Wants to talk"), ("other", "Other")]


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
    move_ids = fields.Many2many("account.move", string="Invoices", readonly=True,
                                help="The invoices the message is about: those a reminder claimed, the disputed one.")
    offer_id = fields.Many2one("collection.offer", "Settlement offer", readonly=True, ondelete="set null",
                               index="btree_not_null")
    intent = fields.Selection(INTENTS, readonly=True, help="What the customer's reply asked for, as it was read.")
    outcome = fields.Char("What was done", readonly=True)
    reply_to_id = fields.Many2one("collection.whatsapp.message", "In reply to", readonly=True, ondelete="set null")
    promise_id = fields.Many2one("collection.promise", readonly=True, ondelete="set null")
    dispute_id = fields.Many2one("collection.dispute", readonly=True, ondelete="set null")

    _wamid_uniq = models.UniqueIndex("(account_id, wamid) WHERE wamid IS NOT NULL",
                                     "A WhatsApp message is recorded once.")
    # the send queue's claim: the oldest queued message of an account, without sorting the whole queue
    _queue_idx = models.Index("(account_id, id) WHERE state = 'queued' AND direction = 'outbound'")
    _offer_uniq = models.UniqueIndex("(offer_id) WHERE offer_id IS NOT NULL", "An offer is sent once on WhatsApp.")
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
        if in_cron:  # the scheduler re-runs the cron while messages remain (and after a time-out)
            Cron._commit_progress(remaining=self.search_count(self._due_domain()))
        for account in self.env["collection.whatsapp.account"].search([]):
            rate = max(account.messages_per_second, 1)
            # read once: every commit empties the ORM cache, these stay valid for the whole run
            target = account._graph_target(f"{account.phone_number_id}/messages")
            templates = {}
            window, in_window = time.monotonic(), 0
            while True:
                self.env.flush_all()  # the outcomes just written are what the next claim must see
                # one message at a time: its row lock is the claim, released only once it is "sending"
                claim = SQL(
                    """
                    SELECT id FROM collection_whatsapp_message
                     WHERE account_id = %s AND state = 'queued' AND direction = 'outbound'
                       AND (next_try IS NULL OR next_try <= now() AT TIME ZONE 'UTC')
                     ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
                    """, account.id)
                if in_cron:
                    try:
                        self.env.cr.execute(claim, log_exceptions=False)
                    except psycopg2.errors.SerializationFailure:
                        # another worker committed that message's "sending" just as this snapshot began
                        # (repeatable read): nothing is pending here (each step is committed), start afresh
                        self.env.cr.rollback()
                        continue
                else:
                    self.env.cr.execute(claim)
                row = self.env.cr.fetchone()
                if not row:
                    break
                message = self.browse(row[0])
                message.write({"state": "sending"})
                if in_cron:
                    Cron._commit_progress(0)  # "sending" is durable before the call
                message._send_now(target, templates)
                sent += 1
                if in_cron and not Cron._commit_progress(1):  # the outcome is durable after the call
                    return sent  # the cron's time is up: the scheduler runs it again for the rest
                # Meta's throughput per sender number: at most ``rate`` messages a second
                in_window += 1
                if in_window >= rate:
                    elapsed = time.monotonic() - window
                    if elapsed < 1 and not self.env.context.get("collection_whatsapp_no_wait"):
                        time.sleep(1 - elapsed)
                    window, in_window = time.monotonic(), 0
        return sent

    @api.model
    def _due_domain(self):
        return [("state", "=", "queued"), ("direction", "=", "outbound"), "|", ("next_try", "=", False),
                ("next_try", "<=", fields.Datetime.now())]

    def _send_now(self, target=None, templates=None):
        """One Graph API call; the outcome (sent, retry with back-off, or failed with Meta's reason) is written.

        ``target`` (URL and headers) and ``templates`` (template id -> payload
        without variables) are the run's own caches: the queue commits after
        every message, which empties the ORM's.
        """
        self.ensure_one()
        if target is None:
            target = self.account_id._graph_target(f"{self.account_id.phone_number_id}/messages")
        if self.template_id:
            templates = {} if templates is None else templates
            if self.template_id.id not in templates:
                templates[self.template_id.id] = self.template_id._message_payload(["{}"])
            payload = graph_api.message_payload(self.mobile, template=templates[self.template_id.id],
                                                params=self.params)
        else:  # free text: queued only inside the customer-service window (see _queue_text)
            payload = graph_api.message_payload(self.mobile, text=self.body)
        result = graph_api.send(target, payload)
        if result.outcome == "retry" and not result.code:
            return self._retry_later(None, self.env._("No answer from WhatsApp: %s", result.reason))
        if result.outcome == "sent":
            self.write({"state": "sent", "wamid": result.wamid, "date_sent": fields.Datetime.now(),
                        "error_code": False, "error_text": False, "next_try": False})
            self.env["collection.interaction"]._collection_log([{
                "case_id": self.case_id.id, "channel": "whatsapp", "direction": "outbound", "outcome": "sent",
                "note": self.body or self.template_id.name, "source_ref": f"collection.whatsapp.message,{self.id}",
                "user_id": self.case_id.user_id.id or (self.create_uid.id if not self.execution_id else None),
            }])
            return self._log_in_chatter(self.env._("WhatsApp sent to %(number)s: %(text)s", number=self.mobile,
                                                   text=self.body or self.template_id.name))
        if result.outcome == "retry":
            return self._retry_later(result.code, result.reason)
        return self.write({"state": "failed", "error_code": result.code, "error_text": result.reason,
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
        """Record inbound messages once (by wamid), attach them to the debtor's open case and act on them.

        What the customer asked for is read from the quick-reply button or the
        text (see ``intent.read_intent``) and done as a collector would: the
        payment link, a promise, a dispute, an opt-out, else a task for the
        case's collector. Each reply is a message of its own in the queue.
        """
        names = {contact.get("wa_id"): (contact.get("profile") or {}).get("name") for contact in contacts}
        for incoming in messages:
            wamid = incoming.get("id")
            sender = "+" + str(incoming.get("from", "")).lstrip("+")
            button = incoming.get("button") or {}
            reply = (incoming.get("interactive") or {}).get("button_reply") or {}
            text = (incoming.get("text") or {}).get("body") or button.get("text") or reply.get("title") or ""
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
            who = names.get(incoming.get("from")) or partner.name or sender
            body = self.env._("WhatsApp from %(who)s (%(number)s): %(text)s", who=who, number=sender, text=text)
            if case:
                case.message_post(body=body)
            elif partner:
                partner.commercial_partner_id._message_log(body=body)
            # tasks and outcomes in the collectors' language, answers in the customer's
            staff_lang = (case.user_id.lang or account.company_id.partner_id.lang or self.env.lang)
            message.with_context(lang=staff_lang)._act_on(text, button.get("payload") or reply.get("id"),
                                                          partner.lang or staff_lang)
            # the reply is a contact with the customer, in the case's contact log
            self.env["collection.interaction"]._collection_log([{
                "case_id": case.id, "channel": "whatsapp", "direction": "inbound",
                "outcome": {"promise": "promise", "dispute": "dispute", "paid": "already_paid"}.get(
                    message.intent, "customer_replied"),
                "note": text, "source_ref": f"collection.whatsapp.message,{message.id}",
                "promise_id": message.promise_id.id, "dispute_id": message.dispute_id.id,
            }])

    def _act_on(self, text, payload=None, customer_lang=None):
        """Do what the inbound message asks, once; the outcome is kept on the message for the inbox."""
        self.ensure_one()
        partner, case = self.partner_id, self.case_id
        today = fields.Date.context_today(self)
        intent = read_intent(text, payload)
        when = parse_date(text, today, month_first=customer_lang == "en_US") if intent in ("other", "promise") \
            else None
        if intent == "other" and when and case:
            intent = "promise"  # a date alone answers our "on which date?" question
        self.intent = intent
        cust = self.with_context(lang=customer_lang or self.env.lang).env  # what the customer reads
        if intent == "opt_out":
            if partner:
                partner.commercial_partner_id._collection_whatsapp_opt_out(text.strip())
            self.outcome = self.env._("WhatsApp messages stopped for this customer.")
            return
        if not case:
            self.outcome = self.env._("No open case for this number: see the inbox.")
            return
        if intent == "pay":
            url = case._collection_portal_url()
            amount = format_amount(cust, case._collection_open_receivable(), case.currency_id)
            if url:
                self._reply(cust._("You can see your statement and pay %(amount)s online here: %(url)s",
                                   amount=amount, url=url))
                self.outcome = self.env._("Payment link sent.")
            else:
                self._reply(cust._("Thank you. A collector will send you the payment details for %s.", amount))
                self._task(self.env._("Customer asked how to pay on WhatsApp"), text)
                self.outcome = self.env._("Task for the collector: send the payment details.")
        elif intent == "promise" and not when:
            self._reply(cust._("On which date will you pay? Write it like 15/12 or \"next Friday\"."))
            self.outcome = self.env._("Asked the customer for the date.")
        elif intent == "promise":
            self._promise(when, text, cust)
        elif intent == "dispute":
            self._dispute(text, cust)
        elif intent == "paid":
            self._reply(cust._("Thank you. We will check your payment and let you know."))
            self._task(self.env._("Customer says it has already paid (WhatsApp)"), text)
            self.outcome = self.env._("Task for the collector: check the payment.")
        else:
            if intent == "talk":
                self._reply(cust._("A collector will contact you shortly."))
            self._task(self.env._("WhatsApp message to answer"), text)
            self.outcome = self.env._("Task for the collector.")

    def _promise(self, when, text, cust):
        """A promise of what is claimed (else all that may be promised) on the date the customer wrote, confirmed
        back; refused as on every channel when the case already has an open promise."""
        case = self.case_id
        try:
            with self.env.cr.savepoint():
                # checked in the customer's language: a refusal is answered to them, amounts and dates their way
                promise = self.env["collection.intake"].with_env(cust).sudo()._promise_from_customer(
                    case.with_env(cust), when, "whatsapp", user_id=case.user_id.id, note=text)
                promise = promise.with_env(self.env)
        except (ValidationError, UserError) as error:
            self._reply(cust._("We could not record that date: %s A collector will contact you.", error.args[0]))
            self._task(self.env._("Promise on WhatsApp could not be recorded"), f"{text}\n{error.args[0]}")
            self.outcome = self.env._("Promise refused: %s", error.args[0])
            return
        self.promise_id = promise
        self._reply(cust._("Thank you. We have recorded your promise to pay %(amount)s by %(date)s.",
                           amount=format_amount(cust, promise.amount, case.currency_id),
                           date=format_date(cust, promise.date)))
        self._task(self.env._("Promise to pay on WhatsApp: %(amount)s by %(date)s",
                     amount=format_amount(self.env, promise.amount, case.currency_id),
                     date=format_date(self.env, promise.date)), text)
        self.outcome = self.env._("Promise recorded.")

    def _dispute(self, text, cust):
        """A dispute on the invoice the customer names, else the oldest one claimed (disputed ones are not)."""
        case = self.case_id
        invoice = self.env["collection.intake"].sudo()._disputed_invoice(case, text)
        if not invoice:
            self._task(self.env._("Dispute raised on WhatsApp: no open invoice left to dispute"), text)
            self.outcome = self.env._("Task for the collector: no invoice to dispute.")
            return
        responsible = self.env["collection.activity"].sudo()._responsible(case)
        try:
            with self.env.cr.savepoint():
                dispute = self.env["collection.intake"].sudo()._dispute(
                    invoice, "other", text[:2000], "whatsapp", user_id=responsible.id)
        except (ValidationError, UserError) as error:
            self._task(self.env._("Dispute on WhatsApp could not be recorded"), f"{text}\n{error.args[0]}")
            self.outcome = self.env._("Dispute refused: %s", error.args[0])
            return
        self.write({"dispute_id": dispute.id, "move_ids": [(4, invoice.id)]})
        if responsible:
            dispute.activity_schedule("mail.mail_activity_data_todo", user_id=responsible.id,
                                      summary=self.env._("Dispute from WhatsApp on %s", invoice.name), note=text)
        self._reply(cust._("We have opened a review of invoice %s. A collector will contact you; "
                           "until then it is not claimed.", invoice.name))
        self.outcome = self.env._("Dispute opened on %s.", invoice.name)

    def _task(self, summary, text):
        """A to-do for the case's collector (else the company's responsible) about this message."""
        self.env["collection.activity"].sudo()._schedule_activities(
            self.case_id, self.env.ref("mail.mail_activity_data_todo"), summary, fields.Date.context_today(self),
            note=text)

    def _reply(self, text):
        """Answer the customer inside the window their message opened (never one who opted out)."""
        if self.partner_id.commercial_partner_id.collection_whatsapp_consent == "out":
            return self.browse()
        return self._queue_text(self.account_id, self.partner_id, self.case_id, self.mobile, text, reply_to=self)

    # ------------------------------------------------------------------ free text
    @api.model
    def _window_open(self, account, mobile):
        """Whether the customer wrote to this account in the last 24 hours (Meta's customer-service window)."""
        since = fields.Datetime.subtract(fields.Datetime.now(), hours=WINDOW_HOURS)
        return bool(self.sudo().search_count([
            ("account_id", "=", account.id), ("mobile", "=", mobile), ("direction", "=", "inbound"),
            ("date_received", ">=", since)], limit=1))

    @api.model
    def _queue_text(self, account, partner, case, mobile, text, reply_to=None):
        """Queue a free-text message: only inside the 24-hour window and never to a customer who opted out."""
        if not (text or "").strip():
            raise UserError(self.env._("Write the message to send."))
        if not self._window_open(account, mobile):
            raise UserError(self.env._(
                "%s has not written in the last 24 hours: WhatsApp only allows an approved template now.",
                partner.name or mobile))
        if partner and partner.commercial_partner_id.collection_whatsapp_consent == "out":
            raise UserError(self.env._("%s opted out of WhatsApp messages.", partner.commercial_partner_id.name))
        message = self.sudo().create({
            "account_id": account.id, "partner_id": partner.id, "case_id": case.id, "mobile": mobile,
            "direction": "outbound", "state": "queued", "body": text.strip(),
            "reply_to_id": reply_to.id if reply_to else False,
        })
        self.env.ref("collections_whatsapp.ir_cron_whatsapp_send")._trigger()
        return message

    def action_reply(self):
        """Open the answer dialog on a customer's message."""
        self.ensure_one()
        self.check_access("read")
        return {"type": "ir.actions.act_window", "res_model": "collection.whatsapp.reply", "view_mode": "form",
                "target": "new", "name": self.env._("Reply on WhatsApp"), "context": {"default_message_id": self.id}}

    def _log_in_chatter(self, body):
        """The message in the case's chatter and the customer's (logged notes: nobody is notified)."""
        if self.case_id:
            self.case_id._message_log(body=body)
        if self.partner_id:
            self.partner_id.commercial_partner_id._message_log(body=body)
        return True
