from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.tools import format_amount, format_date

from ..models.collection_promise import PROMISE_SOURCES


class CollectionPromiseWizard(models.TransientModel):
    """Register a promise to pay from the case: one small dialog, validated by the promise model."""

    _name = "collection.promise.wizard"
    _description = "Register a promise to pay"

    case_id = fields.Many2one("collection.case", required=True, readonly=True)
    company_id = fields.Many2one(related="case_id.company_id")
    currency_id = fields.Many2one(related="case_id.currency_id")
    partner_id = fields.Many2one(related="case_id.partner_id")
    date = fields.Date("Promised date", required=True,
                       default=lambda self: fields.Date.context_today(self) + timedelta(days=7))
    amount = fields.Monetary("Promised amount", required=True)
    move_ids = fields.Many2many("account.move", string="Invoices", domain="[('collection_case_id', '=', case_id)]")
    source = fields.Selection(PROMISE_SOURCES, default="phone", required=True)
    note = fields.Text()
    open_promise_ids = fields.Many2many("collection.promise", compute="_compute_open_promise_ids")
    replace_open = fields.Boolean(
        "Replace the open promise",
        help="The customer changes what they promised: the open promise is cancelled and this one replaces it.")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        case = self.env["collection.case"].browse(res.get("case_id") or self.env.context.get("active_id"))
        if case:
            res["case_id"] = case.id
            res.setdefault("amount", case.amount_overdue or case.amount_due)
            res.setdefault("move_ids", [Command.set(case._collection_overdue_moves().ids)])
        return res

    @api.depends("case_id")
    def _compute_open_promise_ids(self):
        for wizard in self:
            wizard.open_promise_ids = wizard.case_id.promise_ids.filtered(lambda p: p.state == "open")

    def action_register(self):
        """Record the promise through the intake rules, log it on the case; the strategy pauses until its date."""
        self.ensure_one()
        case = self.case_id
        promise = self.env["collection.intake"]._promise(
            case, self.date, self.amount, self.source, replace=self.replace_open, note=self.note,
            move_ids=[Command.set(self.move_ids.ids)])
        case.message_post(body=self.env._(
            "Promise to pay registered: %(amount)s by %(date)s (%(channel)s). The collection strategy pauses until "
            "then.", amount=format_amount(self.env, promise.amount, promise.currency_id),
            date=format_date(self.env, promise.date),
            channel=dict(self._fields["source"]._description_selection(self.env))[promise.source]))
        return {"type": "ir.actions.act_window_close"}
