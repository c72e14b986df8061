from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        self.env["collection.refresh.request"].sudo()._enqueue_lines(
            (partials.debit_move_id | partials.credit_move_id).ids)
        return partials

    def unlink(self):
        lines = (self.debit_move_id | self.credit_move_id).ids
        res = super().unlink()
        self.env["collection.refresh.request"].sudo()._enqueue_lines(lines)
        return res
