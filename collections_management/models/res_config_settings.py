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
    collection_plan_approval_amount = fields.Monetary(related="company_id.collection_plan_approval_amount",
                                                      readonly=False, currency_field="currency_id")
    collection_plan_interest_timing = fields.Selection(related="company_id.collection_plan_interest_timing",
                                                       readonly=False)
    collection_interest_product_id = fields.Many2one(related="company_id.collection_interest_product_id",
                                                     readonly=False)
    collection_max_annual_rate = fields.Float(related="company_id.collection_max_annual_rate", readonly=False)
    collection_promise_horizon_days = fields.Integer(related="company_id.collection_promise_horizon_days",
                                                     readonly=False)
