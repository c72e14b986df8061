from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_amount

DISPUTE_REASONS = [
    ("not_received", "Goods or service not received"),
    ("defective", "Defective goods or service"),
    ("price", "Price or quantity disagreement"),
    ("already_paid", "Already paid"),
    ("duplicate", "Duplicate invoice"),
    ("other", "Other"),
]


class CollectionDispute(models.Model):
    """A disputed invoice leaves collections until resolved but stays in totals."""

    _name = "collection.dispute"
    _description = "Collection Dispute"
    _inherit = ["mail.thread", "mail.activity.mixin", "collection.guard.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True
    # resolution is a manager's decision, taken through the buttons
    _collection_system_fields = ("state",)
    _collection_manager_fields = ("resolution",)

    name = fields.Char(compute="_compute_name", store=True)
    move_id = fields.Many2one(
        "account.move", "Invoice", required=True, index=True, check_company=True,
        domain="[('move_type', 'in', ('out_invoice', 'out_refund')), ('state', '=', 'posted')]",
    )
    case_id = fields.Many2one("collection.case", index=True, ondelete="set null", check_company=True)
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", store=True, index=True)
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount_disputed = fields.Monetary("Disputed amount", currency_field="currency_id")
    reason = fields.Selection(DISPUTE_REASONS, required=True, default="other", tracking=True)
    description = fields.Text()
    state = fields.Selection(
        [("open", "Under review"), ("accepted", "Resolved: customer right"), ("rejected", "Resolved: invoice stands"),
         ("cancelled", "Withdrawn")],
        default="open", required=True, index=True, tracking=True,
    )
    resolution = fields.Text()
    user_id = fields.Many2one("res.users", "Responsible", default=lambda self: self.env.user)
    source = fields.Selection(
        [("internal", "Internal"), ("portal", "Customer portal"), ("whatsapp", "WhatsApp"), ("email", "Email")],
        default="internal", required=True,
    )

    _one_open_per_invoice = models.UniqueIndex(
        "(move_id) WHERE state = 'open'", "This invoice already has an open dispute."
    )

    @api.depends("move_id.name")
    def _compute_name(self):
        for dispute in self:
            dispute.name = dispute.move_id.name and self.env._("Dispute on %s", dispute.move_id.name)

    @api.constrains("move_id", "amount_disputed")
    def _check_dispute(self):
        for dispute in self:
            move = dispute.move_id
            if move.move_type not in ("out_invoice", "out_refund") or move.state != "posted":
                raise ValidationError(self.env._("Only posted customer invoices can be disputed."))
            if dispute.amount_disputed < 0 or move.currency_id.compare_amounts(
                    dispute.amount_disputed, move.amount_total) > 0:
                raise ValidationError(self.env._(
                    "The disputed amount must be between 0 and the invoice total (%s).",
                    format_amount(self.env, move.amount_total, move.currency_id)))

    @api.model_create_multi
    def create(self, vals_list):
        self._collection_check_create_vals(vals_list)
        for vals in vals_list:
            # the dispute belongs to the invoice's case, whatever the caller sends
            move = self.env["account.move"].browse(vals.get("move_id"))
            vals["case_id"] = move.collection_case_id.id
        disputes = super().create(vals_list)
        disputes.move_id._collection_sync_disputed()
        return disputes

    def write(self, vals):
        if "move_id" in vals and not self._collection_is_manager():
            raise AccessError(self.env._("Only a Collections Manager can move a dispute to another invoice."))
        if "move_id" in vals:
            vals = dict(vals, case_id=self.env["account.move"].browse(vals["move_id"]).collection_case_id.id)
        moves = self.move_id
        res = super().write(vals)
        (moves | self.move_id)._collection_sync_disputed()
        return res

    def _collection_resolve(self, state):
        if not self._collection_is_manager():
            raise AccessError(self.env._("Only a Collections Manager can resolve a dispute."))
        self.check_access("write")
        self.filtered(lambda d: d.state == "open").sudo().write({"state": state})

    def action_accept(self):
        self._collection_resolve("accepted")

    def action_reject(self):
        self._collection_resolve("rejected")

    def action_cancel(self):
        self._collection_resolve("cancelled")
