from odoo import fields, models


class CollectionFeeWaiveWizard(models.TransientModel):
    """Waive late fees with a reason: the credit note is posted and reconciled with each fee invoice."""

    _name = "collection.fee.waive.wizard"
    _description = "Waive late fees"

    fee_ids = fields.Many2many("collection.fee", string="Fees", required=True)
    reason = fields.Char(required=True, help="Kept on the fee and in the credit note's reference.")

    def action_waive(self):
        self.ensure_one()
        fees = self.fee_ids._waive(self.reason)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Waived late fees"),
            "res_model": "collection.fee",
            "view_mode": "list,form",
            "domain": [("id", "in", fees.ids)],
        }
