from odoo import fields, models

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
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

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
        [("open", "Open"), ("accepted", "Resolved: customer right"), ("rejected", "Resolved: invoice stands"),
         ("cancelled", "Cancelled")],
        default="open", required=True, index=True, tracking=True,
    )
    resolution = fields.Text()
    user_id = fields.Many2one("res.users", "Responsible", default=lambda self: self.env.user)
    source = fields.Selection(
        [("internal", "Internal"), ("portal", "Customer portal"), ("whatsapp", "WhatsApp"), ("email", "Email")],
        default="internal", required=True,
    )

    def _compute_name(self):
        for dispute in self:
            dispute.name = dispute.move_id.name and self.env._("Dispute on %s", dispute.move_id.name)
