from odoo import fields, models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    collection_case_id = fields.Many2one(
        "collection.case", "Collections case", readonly=True, index="btree_not_null",
        help="Paid from this case's statement on the portal: the payment settles its documents in the company's "
             "allocation order.")

    def _create_payment(self, **extra_create_values):
        """A payment from a collections statement settles its documents in the allocation order (charges first
        by default, Civil Code art. 1653), not by due date alone."""
        if not self.collection_case_id:
            return super()._create_payment(**extra_create_values)
        order = self.env["collection.allocation"].sudo()._sorted(self.invoice_ids).ids
        return super(PaymentTransaction, self.with_context(collection_allocation_move_ids=order))._create_payment(
            **extra_create_values)
