import requests

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import graph_api
from ..tools.graph_api import SESSION


class CollectionWhatsappAccount(models.Model):
    """WhatsApp Business Cloud API credentials of one company's sender number."""

    _name = "collection.whatsapp.account"
    _description = "WhatsApp Business Account"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    phone_number_id = fields.Char("Phone number ID", required=True)
    business_account_id = fields.Char("Business account ID", required=True)
    api_version = fields.Char("Graph API version", default="v21.0", required=True)
    base_url = fields.Char("API base URL", default="https://graph.facebook.com", required=True)
    access_token = fields.Char("Permanent access token", groups="base.group_system", copy=False)
    app_secret = fields.Char("App secret", groups="base.group_system", copy=False)
    webhook_verify_token = fields.Char("Webhook verify token", groups="base.group_system", copy=False)

    messages_per_second = fields.Integer(
        "Messages per second", default=80, help="Meta's throughput for this sender number (80 by default).")

    def _graph_target(self, path):
        """``(url, headers)`` of a Graph API call with the account's token (read once per run by the queue)."""
        self.ensure_one()
        return graph_api.target(self.base_url, self.api_version, path, self.sudo().access_token)

    def _graph_post(self, path, payload, target=None):
        """POST to the Graph API with the account's token, through the process's one session, with timeouts."""
        return graph_api.post(target or self._graph_target(path), payload)

    def _graph_call(self, method, path, payload=None, params=None, url=None):
        """A Graph API call a user waits for: its JSON, or a UserError with Meta's own reason."""
        self.ensure_one()
        url = url or f"{self.base_url.rstrip('/')}/{self.api_version}/{path}"
        try:
            response = SESSION.request(method, url, json=payload, params=params, timeout=20,
                                       headers={"Authorization": f"Bearer {self.sudo().access_token or ''}"})
            data = response.json()
        except (requests.RequestException, ValueError) as error:
            raise UserError(self.env._("WhatsApp did not answer: %s", error)) from error
        if response.status_code != 200:
            error = data.get("error") or {}
            raise UserError(self.env._("WhatsApp refused: %s",
                                       error.get("error_user_msg") or error.get("message") or response.reason))
        return data

    def _sync_templates(self, templates=None):
        """Read the review status of the account's templates from Meta (all pages) and apply it."""
        self.ensure_one()
        templates = templates if templates is not None else self.env["collection.whatsapp.template"].search(
            [("account_id", "=", self.id)])
        by_key = {(template.name, template.lang): template for template in templates}
        data = self._graph_call("get", f"{self.business_account_id}/message_templates",
                                params={"fields": "name,language,status,id,rejected_reason", "limit": 100})
        while True:
            for remote in data.get("data") or []:
                if template := by_key.get((remote.get("name"), remote.get("language"))):
                    if remote.get("id") and template.meta_template_id != remote["id"]:
                        template.sudo().meta_template_id = remote["id"]
                    template._apply_review(remote.get("status"), remote.get("rejected_reason"))
            next_page = (data.get("paging") or {}).get("next")
            if not next_page:
                return True
            data = self._graph_call("get", None, url=next_page)

    def action_sync_templates(self):
        self.check_access("write")
        for account in self:
            account._sync_templates()
        return True

    def action_create_default_templates(self):
        """Spanish and English templates for each default stage of the company, ready to submit."""
        self.check_access("write")
        self.env["collection.whatsapp.template"]._create_defaults(self)
        return True

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        accounts.action_create_default_templates()
        return accounts

    def action_test_connection(self):
        """Ask the Graph API for the sender number with the account's token; say what it answered."""
        self.ensure_one()
        self.check_access("write")  # the token is used on a manager's behalf only
        url = f"{self.base_url.rstrip('/')}/{self.api_version}/{self.phone_number_id}"
        try:
            response = SESSION.get(url, timeout=20, headers={"Authorization": f"Bearer {self.sudo().access_token or ''}"})
            data = response.json()
        except (requests.RequestException, ValueError) as error:
            raise UserError(self.env._("WhatsApp did not answer: %s", error)) from error
        if response.status_code != 200:
            raise UserError(self.env._("WhatsApp refused the connection: %s",
                                       (data.get("error") or {}).get("message") or response.reason))
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "title": self.env._("Connected"),
            "message": self.env._("Sender number %(number)s (%(name)s).", number=data.get("display_phone_number", "?"),
                                  name=data.get("verified_name", "?")),
        }}

    _phone_number_company_uniq = models.Constraint(
        "UNIQUE(phone_number_id, company_id)", "This phone number is already configured for the company."
    )
