from odoo import Command, api, fields, models

# (code, sequence, day_from, day_to, open_ended, is_legal, credit_hold, fold)
DEFAULT_STAGES = [
    ("preventive", 10, -5, 0, False, False, False, False),
    ("administrative", 20, 1, 30, False, False, False, False),
    ("extrajudicial", 30, 31, 90, False, False, True, False),
    ("judicial", 40, 91, 0, True, True, True, False),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_stage_ids = fields.One2many("collection.stage", "company_id", string="Collection Stages")
    collection_grace_days = fields.Integer(
        "Collection grace days",
        default=0,
        help="Days after the due date before a line counts as overdue for collections.",
    )
    collection_min_amount = fields.Monetary(
        "Minimum amount to act on",
        currency_field="currency_id",
        help="Cases whose overdue amount is below this are tracked but no step is executed.",
    )
    collection_working_days = fields.Char(
        "Collection working days",
        default="0,1,2,3,4",
        help="Weekdays (0 = Monday) on which collector activities may fall due.",
    )
    collection_strategy_id = fields.Many2one(
        "collection.strategy", "Default collection strategy",
        help="Strategy of cases whose segment has none.",
    )
    collection_plan_approval_amount = fields.Monetary(
        "Payment plans above this need a manager", currency_field="currency_id",
        help="0: collectors activate any plan.",
    )
    collection_block_held_invoices = fields.Boolean(
        "Block invoices for customers on credit hold",
        help="Posting a customer invoice for a partner on credit hold needs a Collections Manager.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._collection_ensure_default_stages()
        return companies

    @api.model
    def _collection_install_defaults(self):
        """Default stages and strategy for every company that has none (install time)."""
        self.sudo().search([])._collection_ensure_default_stages()

    def _collection_default_stage_names(self):
        return {
            "preventive": self.env._("Preventive"),
            "administrative": self.env._("Administrative"),
            "extrajudicial": self.env._("Extrajudicial"),
            "judicial": self.env._("Judicial"),
        }

    def _collection_ensure_default_stages(self):
        """Create the four default stages for companies that have none yet."""
        Stage = self.env["collection.stage"].sudo().with_context(active_test=False)
        names = self._collection_default_stage_names()
        have = set(Stage.search([("company_id", "in", self.ids)]).company_id.ids)
        vals_list = []
        for company in self.filtered(lambda c: c.id not in have):
            for code, seq, day_from, day_to, open_ended, legal, hold, fold in DEFAULT_STAGES:
                vals_list.append({
                    "name": names[code],
                    "code": code,
                    "sequence": seq,
                    "company_id": company.id,
                    "day_from": day_from,
                    "day_to": day_to,
                    "open_ended": open_ended,
                    "is_legal": legal,
                    "credit_hold": hold,
                    "fold": fold,
                })
        stages = Stage.create(vals_list)
        for company in self.filtered(lambda c: c.id not in have):
            company._collection_create_default_strategy()
        return stages

    def _collection_create_default_strategy(self):
        """A sensible strategy for the default stages, so the suite works on install."""
        self.ensure_one()
        ref = self.env.ref
        stages = {s.code: s for s in self.env["collection.stage"].sudo().search([("company_id", "=", self.id)])}
        for code, xmlid in (("preventive", "collections_management.mail_template_collection_preventive"),
                            ("administrative", "collections_management.mail_template_collection_administrative"),
                            ("extrajudicial", "collections_management.mail_template_collection_extrajudicial"),
                            ("judicial", "collections_management.mail_template_collection_judicial")):
            template = ref(xmlid, raise_if_not_found=False)
            if template and code in stages and not stages[code].mail_template_id:
                stages[code].mail_template_id = template
        if set(stages) < {"preventive", "administrative", "extrajudicial", "judicial"}:
            return self.env["collection.strategy"]
        sms = ref("collections_management.sms_template_collection_reminder", raise_if_not_found=False)
        _ = self.env._
        steps = [
            ("preventive", 2, "email", _("Friendly reminder before the due date")),
            ("administrative", 0, "email", _("Overdue notice")),
            ("administrative", 5, "sms", _("SMS reminder")),
            ("administrative", 10, "call", _("Call the customer")),
            ("extrajudicial", 0, "email", _("Formal notice")),
            ("extrajudicial", 0, "letter", _("Formal letter")),
            ("extrajudicial", 7, "call", _("Negotiation call")),
            ("extrajudicial", 21, "visit", _("Visit the customer")),
            ("judicial", 0, "legal", _("Hand over to legal")),
        ]
        strategy = self.env["collection.strategy"].sudo().create({
            "name": _("Standard collection"),
            "company_id": self.id,
            "step_ids": [Command.create({
                "name": name, "stage_id": stages[code].id, "day_offset": offset, "channel": channel,
                "sequence": index, "sms_template_id": sms.id if channel == "sms" and sms else False,
            }) for index, (code, offset, channel, name) in enumerate(steps) if channel != "sms" or sms],
        })
        self.sudo().collection_strategy_id = strategy
        return strategy
