from odoo import api, models


class ResLang(models.Model):
    _inherit = "res.lang"

    @api.model
    def _collection_database_lang(self):
        """The language the database works in (what new contacts get), for what crons write."""
        # a setting everyone may know (the portal's visitor included): read past ir.default's access rules
        return self.env["ir.default"].sudo()._get("res.partner", "lang") or self.env.lang
