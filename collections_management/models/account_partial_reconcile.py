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


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def reconcile(self):
        """With ``collection_allocation_move_ids`` in the context (a portal payment), the payment settles the
        documents in that order (``collection.allocation``) instead of by due date alone."""
        order = self.env.context.get("collection_allocation_move_ids")
        if not order:
            return super().reconcile()
        lines = self.with_context(collection_allocation_move_ids=None)
        rest = lines.env["collection.allocation"]._reconcile_in_order(lines, order)
        if len(rest) > 1:
            return super(AccountMoveLine, rest).reconcile()
        return None
