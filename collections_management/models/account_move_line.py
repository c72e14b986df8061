from odoo import models


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
