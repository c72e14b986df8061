from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CollectionStrategy(models.Model):
    """What to do, stage by stage: an ordered set of steps with day offsets."""

    _name = "collection.strategy"
    _description = "Collection Strategy"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    step_ids = fields.One2many("collection.strategy.step", "strategy_id", "Steps", copy=True)
    step_count = fields.Integer(compute="_compute_step_count")
    description = fields.Text(translate=True)

    @api.depends("step_ids")
    def _compute_step_count(self):
        for strategy in self:
            strategy.step_count = len(strategy.step_ids)

    @api.constrains("active", "step_ids")
    def _check_not_empty(self):
        for strategy in self:
            if strategy.active and not strategy.step_ids:
                raise ValidationError(
                    self.env._("Strategy %(name)s has no step: add at least one step or archive it.",
                               name=strategy.name)
                )
