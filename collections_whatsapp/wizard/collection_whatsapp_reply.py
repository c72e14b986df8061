from odoo import api, fields, models
from odoo.exceptions import UserError


class CollectionWhatsappReply(models.TransientModel):
    """A collector's free-text answer to a customer, inside the 24-hour window the customer opened."""

    _name = "collection.whatsapp.reply"
    _description = "Reply on WhatsApp"

    message_id = fields.Many2one("collection.whatsapp.message", required=True, readonly=True, ondelete="cascade")
    partner_id = fields.Many2one(related="message_id.partner_id")
    mobile = fields.Char(related="message_id.mobile")
    received = fields.Text(related="message_id.body", string="Customer wrote")
    window_open = fields.Boolean(compute="_compute_window_open")
    body = fields.Text("Your answer", required=True)

    @api.depends("message_id")
    def _compute_window_open(self):
        Message = self.env["collection.whatsapp.message"]
        for wizard in self:
            wizard.window_open = Message._window_open(wizard.message_id.account_id, wizard.mobile)

    def action_send(self):
        self.ensure_one()
        message = self.message_id
        # the customer's message must be one the user may read (collectors: their cases only)
        message.check_access("read")
        if message.direction != "inbound":
            raise UserError(self.env._("Answer a message the customer sent."))
        if message.case_id:
            message.case_id.check_access("read")
        self.env["collection.whatsapp.message"]._queue_text(
            message.account_id, message.partner_id, message.case_id, message.mobile, self.body, reply_to=message)
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "message": self.env._("Answer queued for %s.", message.partner_id.name or message.mobile),
            "next": {"type": "ir.actions.act_window_close"},
        }}
