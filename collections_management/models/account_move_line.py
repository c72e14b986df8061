from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def write(self, vals):
        res = super().write(vals)
        if "no_followup" in vals and not self.env.context.get("collection_no_followup_sync"):
            # a customer invoice a user takes out of Odoo's follow-up (or puts back) is excluded from collections
            # (or chased again) too; journal entries keep Odoo's default (misc entries are out of follow-up)
            invoices = self.filtered(lambda line: line.account_type == "asset_receivable").move_id.filtered(
                lambda m: m.is_sale_document(include_receipts=True)
                and m.collection_excluded != bool(vals["no_followup"]))
            if invoices:
                invoices.with_context(collection_no_followup_sync=True).write({
                    "collection_excluded": bool(vals["no_followup"]),
                    "collection_exclusion_reason": self.env._("Excluded from follow-up in Accounting")
                    if vals["no_followup"] else False,
                })
        return res

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
