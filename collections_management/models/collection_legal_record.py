from odoo import fields, models


class CollectionLegalRecord(models.Model):
    """The legal side of a case: who handles it, where, and what it costs."""

    _name = "collection.legal.record"
    _description = "Collection Legal Record"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char("Reference", required=True, default="/", copy=False)
    case_id = fields.Many2one("collection.case", required=True, index=True, ondelete="cascade", check_company=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    stage_history_id = fields.Many2one(
        "collection.case.stage.history", "Opened by stage entry", readonly=True,
        help="The entry into a legal stage that opened this record.",
    )
    lawyer_id = fields.Many2one("res.partner", "Lawyer / agency")
    file_number = fields.Char("File number")
    court = fields.Char()
    filing_date = fields.Date()
    legal_cost = fields.Monetary("Legal costs")
    amount_claimed = fields.Monetary("Amount claimed", readonly=True)
    state = fields.Selection(
        [("draft", "To file"), ("filed", "Filed"), ("judgment", "Judgment"), ("closed", "Closed")],
        default="draft", required=True, tracking=True,
    )
    note = fields.Html()

    _stage_entry_uniq = models.UniqueIndex(
        "(stage_history_id) WHERE stage_history_id IS NOT NULL",
        "A stage entry opens one legal record only.",
    )

    def _open_for_entries(self, entries):
        """Open one legal record per stage entry (unique key) with a task for the collector."""
        existing = set(self.search([("stage_history_id", "in", entries.ids)]).stage_history_id.ids)
        todo = entries.filtered(lambda h: h.id not in existing)
        if not todo:
            return self.browse()
        records = self.with_context(tracking_disable=True, mail_create_nolog=True,
                                    mail_create_nosubscribe=True).create([{
            "name": self.env._("Legal %(case)s", case=entry.case_id.name),
            "case_id": entry.case_id.id,
            "stage_history_id": entry.id,
            "amount_claimed": entry.case_id.amount_overdue,
        } for entry in todo])
        today = fields.Date.context_today(self)
        self.env["collection.engine"]._schedule_activities(
            records.case_id, self.env.ref("mail.mail_activity_data_todo"),
            self.env._("Prepare the legal file and assign a lawyer"), today, legal=True)
        return records
