from odoo import Command, api, models


class CollectionDemo(models.AbstractModel):
    _inherit = "collection.demo"

    @api.model
    def _load_portal_demo(self):
        """A portal login for Agroinsumos del Valle's treasurer: overdue invoices, a plan to accept, a promise."""
        partner = self.env.ref("collections_portal.demo_partner_valle_laura")
        case = self.env["collection.case"].search(
            [("partner_id", "=", partner.commercial_partner_id.id), ("state", "=", "open")], limit=1)
        company = case.company_id or self.env.ref("base.main_company")
        partner.lang = partner.commercial_partner_id.lang
        user = self.env["res.users"].with_context(no_reset_password=True).create({
            "login": "cliente", "password": "cliente", "partner_id": partner.id,
            "group_ids": [Command.set(self.env.ref("base.group_portal").ids)],
            "company_id": company.id, "company_ids": [Command.set(company.ids)],
        })
        case._portal_ensure_token()
        return user
