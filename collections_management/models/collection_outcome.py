from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .collection_interaction import CONSEQUENCES


class CollectionOutcome(models.Model):
    """What a contact attempt gave, and what logging it does (its consequence)."""

    _name = "collection.outcome"
    _description = "Contact outcome"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable key used by the suite and the reports.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    contact = fields.Boolean("Someone was reached", help="Counts as a contact in the contact rate.")
    right_party = fields.Boolean("Right party reached",
                                 help="The debtor or someone who can pay for them was reached (right-party contact).")
    consequence = fields.Selection(CONSEQUENCES, required=True, default="none")
    needs_reason = fields.Boolean("Ask the reason for the delay")

    _code_uniq = models.Constraint("UNIQUE(code)", "An outcome code is used once.")

    @api.constrains("contact", "right_party")
    def _check_right_party(self):
        for outcome in self:
            if outcome.right_party and not outcome.contact:
                raise ValidationError(self.env._("A right-party contact is a contact: tick both."))
