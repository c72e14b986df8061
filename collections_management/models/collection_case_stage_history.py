from odoo import fields, models


class CollectionCaseStageHistory(models.Model):
    """Every change of a case's stage: who, when, from, to and why.

    A row is also the *stage entry* that strategy steps are keyed on, so a step
    fires once per entry into a stage.
    """

    _name = "collection.case.stage.history"
    _description = "Collection Case Stage History"
    _order = "date desc, id desc"

    case_id = fields.Many2one("collection.case", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True)
    stage_from_id = fields.Many2one("collection.stage", "From stage")
    stage_to_id = fields.Many2one("collection.stage", "To stage")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", "By", default=lambda self: self.env.user)
    reason = fields.Char()
    catch_up = fields.Boolean(
        "First-run placement", readonly=True,
        help="Entry made by the first run on old debts under the review policy: no steps, legal hand-over or hold.")
