from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_bureau_notice_days = fields.Integer(related="company_id.collection_bureau_notice_days", readonly=False)
    collection_bureau_withdraw_days = fields.Integer(related="company_id.collection_bureau_withdraw_days",
                                                     readonly=False)
    collection_bureau_csv_layout = fields.Char(related="company_id.collection_bureau_csv_layout", readonly=False)
    collection_bureau_small_debt_share = fields.Float(related="company_id.collection_bureau_small_debt_share",
                                                      readonly=False)
    collection_minimum_wage = fields.Monetary(related="company_id.collection_minimum_wage", readonly=False)
