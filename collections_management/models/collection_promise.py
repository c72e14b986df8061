from odoo import fields, models

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

    Its state is decided from real payments reconciled with the debtor's
    receivables, never set by hand (except cancelling).
    """

    _name = "collection.promise"
    _description = "Promise to Pay"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    case_id = fields.Many2one("collection.case", required=True, index=True, ondelete="cascade", check_company=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    date = fields.Date("Promised date", required=True, tracking=True)
    amount = fields.Monetary("Promised amount", required=True, tracking=True)
    amount_paid = fields.Monetary("Paid since the promise", readonly=True)
    source = fields.Selection(PROMISE_SOURCES, required=True, default="phone")
    state = fields.Selection(
        [("open", "Open"), ("kept", "Kept"), ("broken", "Broken"), ("cancelled", "Cancelled")],
        default="open", required=True, index=True, tracking=True,
    )
    create_date_only = fields.Date("Promised on", default=fields.Date.context_today, readonly=True)
    user_id = fields.Many2one("res.users", "Recorded by", default=lambda self: self.env.user)
    note = fields.Text()
    move_ids = fields.Many2many("account.move", string="Invoices", help="Invoices the promise covers (optional).")

    _amount_positive = models.Constraint("CHECK(amount > 0)", "A promised amount must be positive.")
