from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CollectionStage(models.Model):
    """A band of days relative to the due date of a receivable line.

    Days are counted as ``today - date_maturity``: negative before the due date
    (preventive), positive once overdue. A stage covers ``day_from`` to
    ``day_to`` included, or everything from ``day_from`` when ``open_ended``.
    """

    _name = "collection.stage"
    _description = "Collection Stage"
    _order = "company_id, sequence, day_from, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        help="Technical key of a default stage (preventive, administrative, "
        "extrajudicial, judicial); used to find its default templates.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    day_from = fields.Integer(
        "From day", required=True, help="First day (relative to the due date) of this stage."
    )
    day_to = fields.Integer("To day", help="Last day of this stage, included.")
    open_ended = fields.Boolean(help="The stage has no upper bound: it covers every day from its start.")
    is_legal = fields.Boolean(
        "Legal stage", help="Entering this stage opens a legal record on the case."
    )
    credit_hold = fields.Boolean(
        "Credit hold on entry", help="Entering this stage puts the customer on credit hold."
    )
    fold = fields.Boolean("Folded in kanban")
    offer_max_discount = fields.Float("Offer discount allowed (%)",
                                      help="Collectors may offer up to this discount; above it a manager approves.")
    offer_max_waiver = fields.Float("Fee waiver allowed (%)",
                                    help="Share of late fees and interest a collector may waive without approval.")
    color = fields.Integer()
    description = fields.Text(translate=True)
    mail_template_id = fields.Many2one(
        "mail.template", "Email template", domain="[('model', '=', 'collection.case')]",
        help="Combined message sent by email steps of this stage.",
    )
    range_display = fields.Char("Days", compute="_compute_range_display")

    _code_company_uniq = models.Constraint(
        "UNIQUE(code, company_id)", "Each company has at most one stage per code."
    )

    @api.depends("day_from", "day_to", "open_ended")
    def _compute_range_display(self):
        for stage in self:
            if stage.open_ended:
                stage.range_display = self.env._("%(from)s and more", **{"from": stage.day_from})
            else:
                stage.range_display = f"{stage.day_from} … {stage.day_to}"

    @api.constrains("day_from", "day_to", "open_ended", "company_id", "active")
    def _check_day_range(self):
        for stage in self:
            if not stage.open_ended and stage.day_to < stage.day_from:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s ends (day %(end)s) before it starts (day %(start)s).",
                        stage=stage.name, end=stage.day_to, start=stage.day_from,
                    )
                )
        for company in self.filtered("active").company_id:
            previous = None
            for stage in self.search([("company_id", "=", company.id)], order="day_from, id"):
                if previous is not None and (previous.open_ended or stage.day_from <= previous.day_to):
                    raise ValidationError(
                        self.env._(
                            "Stages %(first)s and %(second)s overlap in company %(company)s: "
                            "a day overdue must belong to one stage only.",
                            first=previous.name, second=stage.name, company=company.name,
                        )
                    )
                previous = stage
