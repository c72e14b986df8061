from odoo import fields, models


class CollectionDelayReason(models.Model):
    """Why the customer has not paid, as they say it."""

    _name = "collection.delay.reason"
    _description = "Reason for the delay"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _code_uniq = models.Constraint("UNIQUE(code)", "A reason code is used once.")
