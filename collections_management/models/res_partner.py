from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_case_ids = fields.One2many("collection.case", "partner_id", "Collection cases")
    collection_excluded = fields.Boolean(
        "Excluded from collections", tracking=True,
        help="No collection step runs for this customer; totals are still tracked.",
    )
    collection_exclusion_reason = fields.Char("Collections exclusion reason")
    collection_credit_hold = fields.Boolean(
        "Credit hold", tracking=True, help="Set when the customer enters a stage with credit hold."
    )
    collection_credit_hold_date = fields.Date("On credit hold since")
