from odoo import fields, models


class CollectionStrategyStep(models.Model):
    _inherit = "collection.strategy.step"

    channel = fields.Selection(selection_add=[("bureau_notice", "Credit-bureau notice")],
                               ondelete={"bureau_notice": "cascade"})
