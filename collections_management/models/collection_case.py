from odoo import api, fields, models


class CollectionCase(models.Model):
    """One open case per commercial partner and company.

    Amounts and dates are derived by the daily engine from the open receivable
    lines; they are stored so that worklists, kanban and KPIs sort and group on
    them in SQL, and are recomputed by every run (never edited by hand).
    """

    _name = "collection.case"
    _description = "Collection Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority_score desc, days_overdue desc, id"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, default="/", copy=False)
    partner_id = fields.Many2one(
        "res.partner", "Debtor", required=True, index=True, readonly=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")], default="open", required=True, index=True, tracking=True
    )
    stage_id = fields.Many2one(
        "collection.stage", "Stage", index=True, tracking=True, readonly=True,
        group_expand="_read_group_stage_ids", check_company=True,
    )
    stage_history_id = fields.Many2one(
        "collection.case.stage.history", "Current stage entry", readonly=True,
        help="History row of the entry into the current stage; strategy steps fire once per entry.",
    )
    stage_date = fields.Date("In stage since", readonly=True)
    history_ids = fields.One2many("collection.case.stage.history", "case_id", "Stage history")
    move_ids = fields.One2many("account.move", "collection_case_id", "Invoices")
    invoice_count = fields.Integer("Open invoices", readonly=True)
    amount_due = fields.Monetary("Total due", readonly=True, help="Open receivable balance, in company currency.")
    amount_overdue = fields.Monetary("Overdue", readonly=True, help="Open balance past its due date.")
    oldest_due_date = fields.Date("Oldest due date", readonly=True)
    days_overdue = fields.Integer("Days overdue", readonly=True, help="Days overdue of the oldest open line.")
    user_id = fields.Many2one(
        "res.users", "Collector", index=True, tracking=True,
        domain="[('share', '=', False)]",
    )
    user_manual = fields.Boolean(
        "Collector set by hand", help="The engine keeps a collector assigned by hand."
    )
    priority_score = fields.Float("Priority", readonly=True, aggregator="avg")
    priority_details = fields.Json("Priority parts", readonly=True)
    next_action_date = fields.Date("Next action", readonly=True, index=True)
    promise_ids = fields.One2many("collection.promise", "case_id", "Promises")
    dispute_ids = fields.One2many("collection.dispute", "case_id", "Disputes")
    legal_record_ids = fields.One2many("collection.legal.record", "case_id", "Legal records")
    closed_date = fields.Date(readonly=True)
    last_run_date = fields.Datetime("Last engine run", readonly=True)

    _open_partner_company_uniq = models.UniqueIndex(
        "(partner_id, company_id) WHERE state = 'open'",
        "A debtor has one open collection case per company.",
    )

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([("company_id", "in", self.env.companies.ids)])

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("collection.case") or "/"
        return super().create(vals_list)
