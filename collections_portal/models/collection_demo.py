from odoo import Command, api, models


class CollectionDemo(models.AbstractModel):
    _inherit = "collection.demo"

    @api.model
    def _load_portal_demo(self):
        """A portal login for Agroinsumos del Valle's treasurer: overdue invoices, a plan to accept, a promise.

        Installed with collections_management, this addon plays the story (``_play_story``) now that the
        reminders it sends carry their statement link."""
        if not self.env["collection.case"].search_count([("company_id", "=", self._demo_company().id)], limit=1):
            self._play_story()
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
        # the demo can pay online: Odoo's demo provider (payment_demo, installed before the suite by make run)
        demo = self.env.ref("payment.payment_provider_demo", raise_if_not_found=False)
        if demo and demo.code == "demo":
            provider = self.env["payment.provider"].search(
                [("code", "=", "demo"), ("company_id", "=", company.id)], limit=1) or demo.copy({"company_id": company.id})
            provider.write({"state": "test", "is_published": True,
                            "payment_method_ids": [Command.set(demo.payment_method_ids.ids)]})
        return user
