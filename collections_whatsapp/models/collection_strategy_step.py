from odoo import fields, models


class CollectionStrategyStep(models.Model):
    _inherit = "collection.strategy.step"

    channel = fields.Selection(selection_add=[("whatsapp", "WhatsApp template")], ondelete={"whatsapp": "cascade"})
    whatsapp_template_id = fields.Many2one(
        "collection.whatsapp.template", "WhatsApp template",
        help="Empty: the approved template of the stage in the customer's language.")
