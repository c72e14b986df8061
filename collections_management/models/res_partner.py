from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_case_ids = fields.One2many("collection.case", "partner_id", "Collection cases")
    collection_excluded = fields.Boolean(
        "Excluded from collections", tracking=True,
        help="No collection step runs for this customer; totals are still tracked.",
    )
    collection_exclusion_reason = fields.Char("Collections exclusion reason")
    collection_credit_hold = fields.Boolean(
        "Credit hold", tracking=True, help="Set when the customer enters a stage with credit hold."
    )
    collection_credit_hold_date = fields.Date("On credit hold since")
    collection_phone_wrong = fields.Boolean(
        "Phone flagged wrong", help="A collector reached a wrong number; cleared when the phone is changed.")
    collection_email_wrong = fields.Boolean(
        "Email flagged wrong", help="An email to this address bounced or reached someone else; cleared when changed.")

    def write(self, vals):
        # new contact data is presumed right until a collector flags it again
        if "phone" in vals and "collection_phone_wrong" not in vals:
            vals = dict(vals, collection_phone_wrong=False)
        if "email" in vals and "collection_email_wrong" not in vals:
            vals = dict(vals, collection_email_wrong=False)
        res = super().write(vals)
        if "collection_excluded" in vals:
            self.env["collection.refresh.request"].sudo()._enqueue_debtors(self.commercial_partner_id.ids)
        return res

    @api.constrains("collection_excluded", "collection_exclusion_reason")
    def _check_collection_exclusion_reason(self):
        for partner in self:
            if partner.collection_excluded and not (partner.collection_exclusion_reason or "").strip():
                raise ValidationError(self.env._("Excluding %s from collections needs a reason.", partner.name))

    def action_collection_lift_credit_hold(self):
        """Collections Managers lift a credit hold; the chatter keeps who and when."""
        self.env["collection.case"].check_access("unlink")  # managers only
        for partner in self.filtered("collection_credit_hold"):
            partner.sudo().write({"collection_credit_hold": False, "collection_credit_hold_date": False})
            partner.sudo().message_post(body=self.env._("Credit hold lifted by %s.", self.env.user.name))
