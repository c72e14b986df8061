from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_grace_days = fields.Integer(related="company_id.collection_grace_days", readonly=False)
    collection_min_amount = fields.Monetary(related="company_id.collection_min_amount", readonly=False,
                                            currency_field="currency_id")
    collection_strategy_id = fields.Many2one(related="company_id.collection_strategy_id", readonly=False)
    collection_working_days = fields.Char(related="company_id.collection_working_days", readonly=False)
    collection_block_held_invoices = fields.Boolean(related="company_id.collection_block_held_invoices",
                                                    readonly=False)
