"""The names Odoo Enterprise's ``whatsapp`` module takes, with fields of the same names and kinds.

Only for the tests: installing this next to ``collections_whatsapp`` proves the
two can live in one database (no shared model, table, field, selection value or
route).
"""

from odoo import fields, models


class WhatsappAccount(models.Model):
    _name = "whatsapp.account"
    _description = "WhatsApp Business Account (Enterprise stand-in)"
    _inherit = ["mail.thread"]

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    app_uid = fields.Char("App ID")
    app_secret = fields.Char()
    account_uid = fields.Char("Account ID")
    phone_uid = fields.Char("Phone Number ID")
    token = fields.Char("Access Token")
    webhook_verify_token = fields.Char()
    allowed_company_ids = fields.Many2many("res.company")


class WhatsappTemplate(models.Model):
    _name = "whatsapp.template"
    _description = "WhatsApp Template (Enterprise stand-in)"

    name = fields.Char(required=True)
    template_name = fields.Char()
    lang_code = fields.Char(default="en")
    body = fields.Text()
    status = fields.Selection([("draft", "Draft"), ("pending", "Pending"), ("approved", "Approved")],
                              default="draft")
    wa_account_id = fields.Many2one("whatsapp.account")


class WhatsappMessage(models.Model):
    _name = "whatsapp.message"
    _description = "WhatsApp Message (Enterprise stand-in)"

    mobile_number = fields.Char()
    message_type = fields.Selection([("outbound", "Outbound"), ("inbound", "Inbound")], default="outbound")
    state = fields.Selection([("outgoing", "In Queue"), ("sent", "Sent"), ("delivered", "Delivered"),
                              ("read", "Read"), ("error", "Failed")], default="outgoing")
    msg_uid = fields.Char()
    wa_template_id = fields.Many2one("whatsapp.template")
    wa_account_id = fields.Many2one("whatsapp.account")


class MailMessage(models.Model):
    _inherit = "mail.message"

    # Enterprise adds a message type of its own to the chatter
    message_type = fields.Selection(selection_add=[("whatsapp_message", "WhatsApp")],
                                    ondelete={"whatsapp_message": lambda recs: recs.write({"message_type": "comment"})})
