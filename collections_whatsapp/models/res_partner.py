from odoo import fields, models

from .collection_whatsapp_message import to_e164


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_whatsapp_consent = fields.Selection(
        [("none", "Not asked"), ("in", "Opted in"), ("out", "Opted out")], "WhatsApp consent",
        default="none", required=True, tracking=True,
        help="No WhatsApp template is sent to a customer without opt-in; an opt-out keyword (STOP, BAJA, NO) "
             "in any message withdraws it.")
    collection_whatsapp_consent_date = fields.Datetime("WhatsApp consent date", readonly=True)

    def write(self, vals):
        if "collection_whatsapp_consent" in vals and "collection_whatsapp_consent_date" not in vals:
            # who changed it and when is kept with the consent itself
            vals = dict(vals, collection_whatsapp_consent_date=fields.Datetime.now(),
                        collection_whatsapp_consent_source=vals.get("collection_whatsapp_consent_source")
                        or self.env._("Set by %s", self.env.user.name))
        return super().write(vals)
    collection_whatsapp_consent_source = fields.Char("WhatsApp consent source", readonly=True)
    collection_whatsapp_consent_text = fields.Text(
        "WhatsApp consent text", help="The wording the customer agreed to (form, contract clause, message).")

    def _collection_whatsapp_number(self, company=None):
        """The customer's WhatsApp number in E.164, read with their country (or the company's) as region."""
        self.ensure_one()
        region = self.country_id.code or (company or self.env.company).country_id.code
        return to_e164(self.phone, region)

    def _collection_find_by_mobile(self, e164, company):
        """The contact whose phone is this E.164 number (billing contacts first), or an empty set."""
        domain = ["|", ("company_id", "=", False), ("company_id", "=", company.id)]
        if "phone_sanitized" in self._fields:
            # the phone as E.164, stored by phone_validation: one indexed lookup
            candidates = self.search([("phone_sanitized", "=", e164), *domain])
        else:
            candidates = self.search([("phone", "like", e164[-8:]), *domain])
        matching = candidates.filtered(lambda p: p._collection_whatsapp_number(company) == e164) or candidates
        return (matching.filtered(lambda p: p.type == "invoice") or matching)[:1]

    def _collection_whatsapp_opt_out(self, keyword):
        self.sudo().write({
            "collection_whatsapp_consent": "out", "collection_whatsapp_consent_date": fields.Datetime.now(),
            "collection_whatsapp_consent_source": self.env._("WhatsApp keyword %s", keyword),
        })
