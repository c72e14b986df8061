from odoo import api, fields, models
from odoo.exceptions import ValidationError

CHANNELS = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("letter", "Printed letter"),
    ("call", "Phone call"),
    ("visit", "Visit"),
    ("legal", "Legal escalation"),
    ("fee", "Charge late fees"),
]


class CollectionStrategyStep(models.Model):
    """One action of a strategy: on a channel, N days after the case entered a stage.

    A step fires at most once per case and stage entry (unique key on
    collection.step.execution). Other addons add channels with
    ``selection_add`` and a method ``_collection_execute_<channel>``.
    """

    _name = "collection.strategy.step"
    _description = "Collection Strategy Step"
    _order = "strategy_id, stage_sequence, day_offset, sequence, id"
    _check_company_auto = True

    strategy_id = fields.Many2one("collection.strategy", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="strategy_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    stage_id = fields.Many2one("collection.stage", required=True, check_company=True, ondelete="cascade")
    stage_sequence = fields.Integer("Stage sequence", related="stage_id.sequence", store=True)
    segment_id = fields.Many2one(
        "collection.segment", check_company=True, ondelete="cascade",
        help="Only for cases of this segment. Empty: every segment.",
    )
    day_offset = fields.Integer("Days after entering the stage", default=0)
    channel = fields.Selection(CHANNELS, required=True, default="email")
    mail_template_id = fields.Many2one(
        "mail.template", "Email template", domain="[('model', '=', 'collection.case')]",
        help="Empty: the template of the case's stage.",
    )
    sms_template_id = fields.Many2one("sms.template", "SMS template", domain="[('model', '=', 'collection.case')]")
    activity_type_id = fields.Many2one("mail.activity.type", "Activity type")
    note = fields.Html("Instructions / call script", translate=True)

    @api.constrains("day_offset", "channel", "sms_template_id")
    def _check_step(self):
        for step in self:
            if step.day_offset < 0:
                raise ValidationError(self.env._("Step %(name)s: the day offset cannot be negative.", name=step.name))
            if step.channel == "sms" and not step.sms_template_id:
                raise ValidationError(self.env._("Step %(name)s sends an SMS: choose an SMS template.", name=step.name))
