from odoo import fields, models
from odoo.exceptions import UserError


class CollectionOffer(models.Model):
    _inherit = "collection.offer"

    whatsapp_message_id = fields.Many2one("collection.whatsapp.message", "WhatsApp message", readonly=True,
                                          copy=False)

    def action_send_whatsapp(self):
        """Send the offer with the approved 'collections_offer' template in the customer's language, once."""
        self.ensure_one()
        self.check_access("write")
        if self.state != "open":
            raise UserError(self.env._("Only an offer made to the customer can be sent."))
        if self.whatsapp_message_id:
            raise UserError(self.env._("This offer was already sent on WhatsApp."))
        case, partner = self.case_id, self.partner_id
        if partner.collection_whatsapp_consent != "in":
            raise UserError(self.env._("%s has not opted in to WhatsApp messages.", partner.name))
        contact = (case._collection_billing_contacts() | partner).filtered(
            lambda p: p._collection_whatsapp_number(case.company_id))[:1]
        if not contact:
            raise UserError(self.env._("%s has no valid WhatsApp number.", partner.name))
        Template = self.env["collection.whatsapp.template"].sudo()
        templates = Template.search([("name", "=", "collections_offer"), ("state", "=", "approved"),
                                     ("company_id", "=", case.company_id.id)])
        lang = (partner.lang or "").split("_")[0]
        template = templates.filtered(lambda t: t.lang.split("_")[0] == lang)[:1] or templates[:1]
        if not template:
            raise UserError(self.env._("Submit the 'collections_offer' WhatsApp template to Meta and wait for its approval."))
        case._collection_prepare_portal_links()
        params = template._values_for(case)
        message = self.env["collection.whatsapp.message"].sudo().create({
            "account_id": template.account_id.id, "partner_id": contact.id, "case_id": case.id,
            "mobile": contact._collection_whatsapp_number(case.company_id), "direction": "outbound",
            "state": "queued", "template_id": template.id, "params": params, "body": template._render(params),
            "move_ids": [(6, 0, self.move_ids.ids)], "offer_id": self.id,
        })
        self.sudo().whatsapp_message_id = message
        self.env.ref("collections_whatsapp.ir_cron_whatsapp_send")._trigger()
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "message": self.env._("The offer is queued for WhatsApp.")}}
