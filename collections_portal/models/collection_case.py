from odoo import models


class CollectionCase(models.Model):
    _name = "collection.case"
    _inherit = ["collection.case", "portal.mixin"]

    def _compute_access_url(self):
        super()._compute_access_url()
        for case in self:
            case.access_url = f"/my/collections/{case.id}"
