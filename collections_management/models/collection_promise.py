from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

PROMISE_SOURCES = [
    ("phone", "Phone call"),
    ("email", "Email"),
    ("visit", "Visit"),
    ("portal", "Customer portal"),
    ("whatsapp", "WhatsApp"),
    ("other", "Other"),
]


class CollectionPromise(models.Model):
    """A debtor's promise to pay an amount by a date.

    Its state is decided by the daily run from cash only: customer payments and
    bank statement lines reconciled with the debtor's receivables after the
    promise was made, applied to the case's open promises oldest first. Nobody
    sets it by hand, except cancelling an open promise.
    """

    _name = "collection.promise"
    _description = "Promise to Pay"
    _inherit = ["mail.thread", "collection.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _collection_system_fields = ("state", "amount_paid", "cancel_reason", "decided_date", "create_date_only")

    case_id = fields.Many2one("collection.case", required=True, index=True, ondelete="cascade", check_company=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    date = fields.Date("Promised date", required=True, tracking=True)
    amount = fields.Monetary("Promised amount", required=True, tracking=True)
    amount_paid = fields.Monetary("Paid since the promise", readonly=True,
                                  help="Cash received since the promise was made and applied to it.")
    source = fields.Selection(PROMISE_SOURCES, required=True, default="phone")
    state = fields.Selection(
        [("open", "Pending"), ("kept", "Kept"), ("broken", "Broken"), ("cancelled", "Withdrawn")],
        default="open", required=True, index=True, tracking=True, readonly=True,
    )
    cancel_reason = fields.Char(readonly=True)
    decided_date = fields.Date("Decided on", readonly=True)
    create_date_only = fields.Date("Promised on", default=fields.Date.context_today, readonly=True)
    user_id = fields.Many2one("res.users", "Recorded by", default=lambda self: self.env.user)
    note = fields.Text(groups="collections_management.collections_management_group_collector")
    move_ids = fields.Many2many("account.move", string="Invoices", help="Invoices the promise covers (optional).")

    _amount_positive = models.Constraint("CHECK(amount > 0)", "A promised amount must be positive.")

    # ------------------------------------------------------------------ validation
    def _check_terms(self, date, amount, case):
        """A promise anyone can record: not in the past, within the horizon, positive, at most the debt."""
        today = fields.Date.context_today(self)
        if date < today:
            raise ValidationError(self.env._("A promise to pay cannot be dated in the past (%s).", date))
        horizon = case.company_id.collection_promise_horizon_days
        if horizon and (date - today).days > horizon:
            raise ValidationError(self.env._(
                "A promise can be made for at most %(days)s days ahead (until %(limit)s).",
                days=horizon, limit=fields.Date.add(today, days=horizon)))
        currency = case.currency_id
        if currency.compare_amounts(amount, 0) <= 0:
            raise ValidationError(self.env._("A promised amount must be positive."))
        owed = case._collection_open_receivable()
        if currency.compare_amounts(amount, owed) > 0:
            raise ValidationError(self.env._(
                "The promised amount (%(amount)s) is more than %(partner)s owes (%(owed)s).",
                amount=format_amount(self.env, amount, currency), partner=case.partner_id.name,
                owed=format_amount(self.env, owed, currency)))

    @api.model_create_multi
    def create(self, vals_list):
        self._collection_check_create_vals(vals_list)
        for vals in vals_list:
            case = self.env["collection.case"].browse(vals.get("case_id"))
            if case and "date" in vals and "amount" in vals:
                if case.state != "open":
                    raise UserError(self.env._("Case %s is closed: no promise can be recorded on it.", case.name))
                self._check_terms(fields.Date.to_date(vals["date"]), vals["amount"], case)
        return super().create(vals_list)

    def write(self, vals):
        if {"date", "amount", "case_id"} & set(vals) and not self.env.su:
            for promise in self:
                if promise.state != "open":
                    raise UserError(self.env._("Only an open promise can be changed."))
                case = self.env["collection.case"].browse(vals.get("case_id", promise.case_id.id))
                promise._check_terms(fields.Date.to_date(vals.get("date", promise.date)),
                                     vals.get("amount", promise.amount), case)
        return super().write(vals)

    def unlink(self):
        if not self.env.su and not self._collection_is_manager():
            raise UserError(self.env._("A promise is kept in the history: cancel it instead of deleting it."))
        return super().unlink()

    # ------------------------------------------------------------------ actions
    def action_cancel(self):
        """Withdraw an open promise (the customer changed their mind, it was recorded by mistake)."""
        self.check_access("write")
        todo = self.filtered(lambda p: p.state == "open")
        todo.sudo().write({"state": "cancelled", "cancel_reason": self.env._("Cancelled by %s", self.env.user.name),
                           "decided_date": fields.Date.context_today(self)})
        return True
