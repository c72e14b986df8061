from odoo import api, models


class ResLang(models.Model):
    _inherit = "res.lang"

    @api.model
    def _collection_database_lang(self):
        """The language the database works in (what new contacts get), for what crons write."""
        return self.env["ir.default"]._get("res.partner", "lang") or self.env.lang
