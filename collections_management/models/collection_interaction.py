from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_datetime, format_time

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
            """, uid=self.env.uid, now=now, rows=self.env["collection.sql"]._rows_sql(
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
