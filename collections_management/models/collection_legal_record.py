from odoo import fields, models


class CollectionLegalRecord(models.Model):
    """The legal side of a case: who handles it, where, and what it costs."""

    _name = "collection.legal.record"
    _description = "Collection Legal Record"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char("Reference", required=True, default="/", copy=False)
    case_id = fields.Many2one("collection.case", required=True, index=True, ondelete="cascade", check_company=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    stage_history_id = fields.Many2one(
        "collection.case.stage.history", "Opened by stage entry", readonly=True,
        help="The entry into a legal stage that opened this record.",
    )
    lawyer_id = fields.Many2one("res.partner", "Lawyer / agency")
    file_number = fields.Char("File number")
    court = fields.Char()
    filing_date = fields.Date()
    legal_cost = fields.Monetary("Legal costs")
    amount_claimed = fields.Monetary("Amount claimed", readonly=True)
    state = fields.Selection(
        [("draft", "To file"), ("filed", "Filed"), ("judgment", "Judgment"), ("closed", "Closed")],
        default="draft", required=True, tracking=True,
    )
    note = fields.Html()

    _stage_entry_uniq = models.UniqueIndex(
        "(stage_history_id) WHERE stage_history_id IS NOT NULL",
        "A stage entry opens one legal record only.",
    )
