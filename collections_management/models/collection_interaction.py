import re
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date, format_datetime, format_time

from .collection_dispute import DISPUTE_REASONS

INTERACTION_CHANNELS = [
    ("call", "Call"), ("visit", "Visit"), ("email", "Email"), ("sms", "SMS"), ("whatsapp", "WhatsApp"),
    ("letter", "Letter"), ("portal", "Portal"),
]
CONSEQUENCES = [
    ("none", "Nothing more"),
    ("promise", "Record a promise to pay"),
    ("dispute", "Open a dispute"),
    ("callback", "Schedule a call back"),
    ("wrong_contact", "Flag the phone or email as wrong"),
]
# promise sources by the channel the promise was given on
PROMISE_SOURCE = {"call": "phone", "visit": "visit", "email": "email", "whatsapp": "whatsapp", "portal": "portal"}


class CollectionOutcome(models.Model):
    """What a contact attempt gave, and what logging it does (its consequence)."""

    _name = "collection.outcome"
    _description = "Contact outcome"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable key used by the suite and the reports.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    contact = fields.Boolean("Someone was reached", help="Counts as a contact in the contact rate.")
    right_party = fields.Boolean("Right party reached",
                                 help="The debtor or someone who can pay for them was reached (right-party contact).")
    consequence = fields.Selection(CONSEQUENCES, required=True, default="none")
    needs_reason = fields.Boolean("Ask the reason for the delay")

    _code_uniq = models.Constraint("UNIQUE(code)", "An outcome code is used once.")

    @api.constrains("contact", "right_party")
    def _check_right_party(self):
        for outcome in self:
            if outcome.right_party and not outcome.contact:
                raise ValidationError(self.env._("A right-party contact is a contact: tick both."))


class CollectionDelayReason(models.Model):
    """Why the customer has not paid, as they say it."""

    _name = "collection.delay.reason"
    _description = "Reason for the delay"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _code_uniq = models.Constraint("UNIQUE(code)", "A reason code is used once.")


class CollectionInteraction(models.Model):
    """One contact attempt or contact with a debtor (gestión), manual or logged by a channel."""

    _name = "collection.interaction"
    _description = "Collection contact"
    _inherit = ["collection.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "display_label"
    # set by the consequence or by the channel that logged it, never typed
    _collection_system_fields = ("promise_id", "dispute_id", "automatic", "source_ref", "activity_id")
    # collectors log as themselves
    _collection_manager_fields = ("user_id",)

    case_id = fields.Many2one("collection.case", required=True, index=True, ondelete="cascade", check_company=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, index=True, string="Debtor")
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    stage_id = fields.Many2one("collection.stage", "Stage at the time", readonly=True, index=True)
    segment_id = fields.Many2one("collection.segment", "Segment at the time", readonly=True, index=True)
    move_ids = fields.Many2many("account.move", string="Invoices", domain="[('collection_case_id', '=', case_id)]")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    channel = fields.Selection(INTERACTION_CHANNELS, required=True, default="call")
    direction = fields.Selection([("outbound", "We contacted them"), ("inbound", "They contacted us")],
                                 required=True, default="outbound")
    outcome_id = fields.Many2one("collection.outcome", ondelete="restrict")
    contact = fields.Boolean(related="outcome_id.contact", store=True, string="Contact made")
    right_party = fields.Boolean(related="outcome_id.right_party", store=True, string="Right party")
    consequence = fields.Selection(related="outcome_id.consequence")
    needs_reason = fields.Boolean(related="outcome_id.needs_reason")
    delay_reason_id = fields.Many2one("collection.delay.reason", "Reason for the delay", ondelete="restrict")
    note = fields.Text()
    duration = fields.Float(help="Hours and minutes (00:05 is five minutes).")
    user_id = fields.Many2one("res.users", "Collector", default=lambda self: self.env.user, index=True,
                              domain="[('share', '=', False)]")
    phone = fields.Char(related="partner_id.phone", string="Phone")
    # what the consequence asks for, in the same dialog
    promise_date = fields.Date("Promised date")
    promise_amount = fields.Monetary("Promised amount")
    dispute_move_id = fields.Many2one("account.move", "Disputed invoice",
                                      domain="[('collection_case_id', '=', case_id)]")
    dispute_reason = fields.Selection(DISPUTE_REASONS, "Dispute reason")
    callback_at = fields.Datetime("Call back at")
    # what it did
    promise_id = fields.Many2one("collection.promise", readonly=True, ondelete="set null")
    dispute_id = fields.Many2one("collection.dispute", readonly=True, ondelete="set null")
    activity_id = fields.Many2one("mail.activity", "Call-back task", readonly=True, ondelete="set null")
    automatic = fields.Boolean(readonly=True, default=False, help="Logged by a channel of the suite (email, SMS, WhatsApp…).")
    source_ref = fields.Char(readonly=True, help="What logged it (model,id): logged once.")
    display_label = fields.Char(compute="_compute_display_label")
    # the dialog's context: how to talk to this customer now
    script_html = fields.Html("Call script", compute="_compute_context_html", sanitize=False)
    history_html = fields.Html("Recent contacts", compute="_compute_context_html", sanitize=False)
    commitments_html = fields.Html("Promises and plan", compute="_compute_context_html", sanitize=False)

    _source_uniq = models.UniqueIndex("(source_ref) WHERE source_ref IS NOT NULL",
                                      "A channel logs each of its contacts once.")
    _duration_positive = models.Constraint("CHECK(duration >= 0)", "A duration cannot be negative.")

    @api.depends("channel", "outcome_id", "date")
    def _compute_display_label(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for interaction in self:
            interaction.display_label = " · ".join(filter(None, [
                channels.get(interaction.channel), interaction.outcome_id.name,
                interaction.date and format_datetime(self.env, interaction.date, dt_format="short",
                                                     tz=(interaction.case_id.company_id or self.env.company)._collection_tz())]))

    # ------------------------------------------------------------------ dialog context
    @api.depends("case_id")
    def _compute_context_html(self):
        for interaction in self:
            case = interaction.case_id
            if not case:
                interaction.script_html = interaction.history_html = interaction.commitments_html = False
                continue
            script = self.env["collection.call.script"]._for_case(case)
            interaction.script_html = script._render_html(case) if script else False
            interaction.history_html = case._collection_recent_contacts_html(exclude=interaction._origin)
            interaction.commitments_html = case._collection_commitments_html()

    # ------------------------------------------------------------------ validation and consequences
    @api.model_create_multi
    def create(self, vals_list):
        self._collection_check_create_vals(vals_list)
        Case = self.env["collection.case"]
        for vals in vals_list:
            case = Case.browse(vals.get("case_id"))
            if case and case.state != "open" and not self.env.su:
                raise UserError(self.env._("Case %s is closed: no contact can be logged on it.", case.name))
            if case:
                vals.setdefault("stage_id", case.stage_id.id)
                vals.setdefault("segment_id", case.segment_id.id)
            if not self.env.su and not vals.get("outcome_id"):
                raise UserError(self.env._("Choose the outcome of the contact."))
        # the contact and what its outcome does are one: either both are written or neither
        with self.env.cr.savepoint():
            interactions = super().create(vals_list)
            interactions.filtered(lambda i: not i.automatic)._collection_apply_outcome()
        interactions.case_id._collection_update_contact_stats()
        return interactions

    def write(self, vals):
        if not self.env.su and not self._collection_is_manager():
            raise UserError(self.env._("A logged contact is part of the case's history: log a new one instead."))
        return super().write(vals)

    def unlink(self):
        if not self.env.su and not self._collection_is_manager():
            raise UserError(self.env._("A logged contact is part of the case's history: it cannot be deleted."))
        return super().unlink()

    @api.constrains("date")
    def _check_date(self):
        soon = fields.Datetime.now() + timedelta(minutes=5)
        for interaction in self:
            if interaction.date > soon:
                raise ValidationError(self.env._("A contact is logged when it happened, not in the future."))

    def _collection_apply_outcome(self):
        """Do what each outcome declares: promise, dispute, call-back task, wrong-contact flag."""
        for interaction in self:
            case, outcome = interaction.case_id, interaction.outcome_id
            if outcome.needs_reason and not interaction.delay_reason_id:
                raise ValidationError(self.env._("Outcome %s asks for the reason of the delay.", outcome.name))
            values = {}
            if outcome.consequence == "promise":
                if not interaction.promise_date or not interaction.promise_amount:
                    raise ValidationError(self.env._("A promise to pay needs its date and amount."))
                promise = self.env["collection.intake"]._promise(
                    case, interaction.promise_date, interaction.promise_amount,
                    PROMISE_SOURCE.get(interaction.channel, "other"), note=interaction.note,
                    move_ids=[Command.set(interaction.move_ids.ids)])
                values["promise_id"] = promise.id
            elif outcome.consequence == "dispute":
                invoice = interaction.dispute_move_id
                if not invoice or not interaction.dispute_reason:
                    raise ValidationError(self.env._("A dispute needs the invoice and the reason."))
                if invoice.collection_case_id != case:
                    raise ValidationError(self.env._("Invoice %s is not one of this case's invoices.", invoice.name))
                dispute = self.env["collection.intake"]._dispute(
                    invoice, interaction.dispute_reason, interaction.note or outcome.name, "internal")
                values["dispute_id"] = dispute.id
            elif outcome.consequence == "callback":
                if not interaction.callback_at or interaction.callback_at <= fields.Datetime.now():
                    raise ValidationError(self.env._("Give the date and time to call back, in the future."))
                tz = case.company_id._collection_tz()
                when = fields.Datetime.context_timestamp(interaction.with_context(tz=tz), interaction.callback_at)
                activity = case.activity_schedule(
                    "mail.mail_activity_data_call", date_deadline=when.date(),
                    summary=self.env._("Call back at %s", format_time(self.env, when.time(), time_format="short")),
                    note=interaction.note,
                    user_id=(interaction.user_id or self.env.user).id)
                values["activity_id"] = activity.id
            elif outcome.consequence == "wrong_contact":
                field = "collection_email_wrong" if interaction.channel == "email" else "collection_phone_wrong"
                case.partner_id.sudo().write({field: True})
            if values:
                interaction.sudo().write(values)
            case.sudo().message_post(body=self.env._("Contact logged: %(what)s%(note)s", what=interaction.display_label,
                                            note=f" — {interaction.note}" if interaction.note else ""))

    # ------------------------------------------------------------------ dialog buttons
    def action_save_and_next(self):
        """The dialog's main button: the contact is saved (and applied); the next case of the worklist opens."""
        self.ensure_one()
        next_case = self.case_id._collection_next_in_worklist()
        if not next_case:
            return {"type": "ir.actions.client", "tag": "display_notification", "params": {
                "type": "success", "message": self.env._("Contact logged. No other case waits in your worklist."),
                "next": {"type": "ir.actions.act_window_close"}}}
        return next_case.action_log_contact()

    def action_save_and_close(self):
        return {"type": "ir.actions.act_window_close"}

    # ------------------------------------------------------------------ channels log themselves
    @api.model
    def _collection_log(self, rows):
        """Log channel contacts in bulk, once each (``source_ref`` is the key); returns how many were new.

        ``rows``: dicts with case_id, channel, direction, source_ref and optionally
        outcome code, note, user_id, date, promise_id, dispute_id. Cases are read in one query; the
        insert skips what was already logged (``ON CONFLICT DO NOTHING``).
        """
        rows = [row for row in rows if row.get("case_id") and row.get("source_ref")]
        if not rows:
            return 0
        self.env.flush_all()
        cases = {case.id: case for case in self.env["collection.case"].sudo().browse(
            {row["case_id"] for row in rows})}
        outcome_records = self.env["collection.outcome"].sudo().with_context(active_test=False).search([])
        outcomes = {outcome.code: outcome.id for outcome in outcome_records}
        contact = {outcome.id: (outcome.contact, outcome.right_party) for outcome in outcome_records}
        now = fields.Datetime.now()
        values = []
        for row in rows:
            case = cases[row["case_id"]]
            outcome_id = outcomes.get(row.get("outcome")) if row.get("outcome") else None
            reached, right = contact.get(outcome_id, (False, False))
            values.append((case.id, case.partner_id.id, case.company_id.id, case.stage_id.id or None,
                           case.segment_id.id or None, row.get("date") or now, row["channel"],
                           row.get("direction", "outbound"), outcome_id, reached, right, row.get("note") or None,
                           row.get("user_id") or case.user_id.id or None, row["source_ref"],
                           row.get("promise_id") or None, row.get("dispute_id") or None))
        self.env.cr.execute(SQL(
            """
            INSERT INTO collection_interaction (case_id, partner_id, company_id, stage_id, segment_id, date, channel,
                                                direction, outcome_id, contact, right_party, note, user_id,
                                                automatic, source_ref, promise_id, dispute_id, create_uid, create_date,
                                                write_uid, write_date)
            SELECT v.case_id, v.partner_id, v.company_id, v.stage_id, v.segment_id, v.date, v.channel, v.direction,
                   v.outcome_id, v.contact, v.right_party, v.note, v.user_id, TRUE, v.source_ref, v.promise_id,
                   v.dispute_id, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM %(rows)s
            ON CONFLICT (source_ref) WHERE source_ref IS NOT NULL DO NOTHING
            RETURNING case_id, contact
            """, uid=self.env.uid, now=now, rows=self.env["collection.engine"]._rows_sql(
                [("case_id", "int"), ("partner_id", "int"), ("company_id", "int"), ("stage_id", "int"),
                 ("segment_id", "int"), ("date", "timestamp"), ("channel", "varchar"), ("direction", "varchar"),
                 ("outcome_id", "int"), ("contact", "bool"), ("right_party", "bool"), ("note", "text"),
                 ("user_id", "int"), ("source_ref", "varchar"), ("promise_id", "int"), ("dispute_id", "int")],
                values)))
        logged = self.env.cr.fetchall()
        # a message sent changes nothing of how reachable the customer is; a reply does
        self.env["collection.case"].browse({case_id for case_id, reached in logged if reached}) \
            ._collection_update_contact_stats()
        return len(logged)


class CollectionCallScript(models.Model):
    """What to say to a debtor at a stage (optionally a segment) in a language, with the case's figures."""

    _name = "collection.call.script"
    _description = "Call script"
    _order = "stage_id, segment_id, lang, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    stage_id = fields.Many2one("collection.stage", required=True, check_company=True, index=True)
    segment_id = fields.Many2one("collection.segment", check_company=True,
                                 help="Empty: every segment of the stage.")
    lang = fields.Char("Language", required=True, default="es",
                       help="Language code (es, en, es_MX…): a customer speaking es_MX is read an es script.")
    body = fields.Text(required=True, help="Placeholders: " + ", ".join(
        f"{{{name}}}" for name in ("partner", "contact", "collector", "company", "total_overdue", "total_due",
                                   "oldest_invoice", "oldest_due_date", "days_overdue", "fees", "offer",
                                   "portal_link")))

    PLACEHOLDER = re.compile(r"\{(\w+)\}")

    @api.constrains("body")
    def _check_placeholders(self):
        known = set(self._placeholders_for(None))
        for script in self:
            unknown = sorted(set(self.PLACEHOLDER.findall(script.body or "")) - known)
            if unknown:
                raise ValidationError(self.env._("Unknown placeholders in script %(name)s: %(names)s",
                                                 name=script.name, names=", ".join(unknown)))

    @api.model
    def _for_case(self, case):
        """The script for the case's stage, segment and customer's language (most specific first)."""
        lang = case.partner_id.lang or self.env.lang or "en_US"
        scripts = self.search([("stage_id", "=", case.stage_id.id), ("company_id", "=", case.company_id.id),
                               "|", ("segment_id", "=", False), ("segment_id", "=", case.segment_id.id)])

        def rank(script):
            by_lang = 0 if script.lang == lang else 1 if lang.split("_")[0] == script.lang.split("_")[0] else 2
            return (by_lang, 0 if script.segment_id else 1, script.id)

        return scripts.sorted(rank)[:1] if scripts else scripts

    @api.model
    def _placeholders_for(self, case):
        """The placeholder values for a case, in the customer's language (names only without a case)."""
        names = ("partner", "contact", "collector", "company", "total_overdue", "total_due", "oldest_invoice",
                 "oldest_due_date", "days_overdue", "fees", "offer", "portal_link")
        if case is None:
            return dict.fromkeys(names, "")
        env = self.with_context(lang=case.partner_id.lang or self.env.lang).env
        currency = case.currency_id
        moves = case._collection_overdue_moves()
        oldest = moves[:1]
        contact = case._collection_billing_contacts()[:1]
        fees = sum(self.env["collection.fee"].sudo().search(
            [("move_id", "in", case.move_ids.ids), ("state", "=", "posted")]).mapped("amount"))
        return {
            "partner": case.partner_id.name,
            "contact": contact.name or case.partner_id.name,
            "collector": case.user_id.name or self.env.user.name,
            "company": case.company_id.name,
            "total_overdue": format_amount(env, case._collection_claimed_total(), currency),
            "total_due": format_amount(env, case._collection_open_receivable(), currency),
            "oldest_invoice": oldest.name or "",
            "oldest_due_date": format_date(env, oldest.invoice_date_due) if oldest else "",
            "days_overdue": str(case.days_overdue),
            "fees": format_amount(env, fees, currency),
            "offer": case._collection_offer_text(env),
            "portal_link": case._collection_portal_url() or "",
        }

    def _render(self, case):
        """The script's text with the case's figures (unknown placeholders are left as written)."""
        self.ensure_one()
        values = self._placeholders_for(case)
        return self.PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), self.body or "")

    def _render_html(self, case):
        self.ensure_one()
        text = self._render(case)
        return Markup("<div class='o_collection_script'>%s</div>") % Markup("<br/>").join(
            escape(line) for line in text.splitlines())
