from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False):
        """A language installed later also names the per-company default stages and strategy."""
        res = super()._load_module_terms(modules, langs, overwrite=overwrite)
        if "collections_management" in modules and "res.company" in self.env \
                and hasattr(self.env["res.company"], "_collection_translate_defaults"):
            self.env["res.company"].sudo().search([])._collection_translate_defaults(langs)
        return res
