from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

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
    _collection_system_fields = ("state", "amount_paid", "cancel_reason", "decided_date", "create_date_only",
                                 "replaces_id")
    # the promise a new one replaces is named when it is made (the intake rules check it), never afterwards
    _collection_creatable_fields = ("replaces_id",)

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
    replaces_id = fields.Many2one("collection.promise", readonly=True, index="btree_not_null",
                                 help="The open promise this one took the place of (withdrawn when this was made).")

    _amount_positive = models.Constraint("CHECK(amount > 0)", "A promised amount must be positive.")

    @api.model
    def _kept_rate_sql(self, alias="p"):
        """SQL: the promises-kept rate of one promise row ``alias``, the one definition every report averages:
        100 when kept, 0 when broken, nothing while pending or withdrawn (only decided promises count)."""
        return SQL("CASE WHEN %(p)s.state IN ('kept', 'broken') THEN (%(p)s.state = 'kept')::int * 100.0 END",
                   p=SQL.identifier(alias))

    # ------------------------------------------------------------------ validation
    @api.model_create_multi
    def create(self, vals_list):
        """Every channel's promise obeys the intake rules (``collection.intake._check_promise``); a promise
        that ``replaces_id`` the case's open one withdraws it, in the same transaction."""
        self._collection_check_create_vals(vals_list)
        Intake = self.env["collection.intake"]
        for vals in vals_list:
            case = self.env["collection.case"].browse(vals.get("case_id"))
            if not case:
                continue
            case.lock_for_update()  # two channels promising at once on one case: one after the other
            replaces = self.browse(vals.get("replaces_id"))
            Intake._check_promise(case, fields.Date.to_date(vals.get("date")), vals.get("amount") or 0.0,
                                  replaces=replaces)
            if replaces:
                replaces.sudo().write({"state": "cancelled", "decided_date": fields.Date.context_today(self),
                                       "cancel_reason": self.env._("Replaced by a new promise")})
        return super().create(vals_list)

    def write(self, vals):
        if {"date", "amount", "case_id"} & set(vals) and not self.env.su:
            for promise in self:
                if promise.state != "open":
                    raise UserError(self.env._("Only an open promise can be changed."))
                case = self.env["collection.case"].browse(vals.get("case_id", promise.case_id.id))
                self.env["collection.intake"]._check_promise(
                    case, fields.Date.to_date(vals.get("date", promise.date)), vals.get("amount", promise.amount),
                    replaces=promise)
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
