from odoo import fields, models
from odoo.tools import SQL


class CollectionLegalRecord(models.Model):
    """The legal side of a case: who handles it, its file, and the amount claimed."""

    _name = "collection.legal.record"
    _description = "Collection Legal Record"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char("Reference", required=True, default="/", copy=False)
    case_id = fields.Many2one("collection.case", required=True, index=True, ondelete="cascade", check_company=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    stage_history_id = fields.Many2one(
        "collection.case.stage.history", "Opened by stage entry", readonly=True,
        help="The entry into a legal stage that opened this record.",
    )
    lawyer_id = fields.Many2one("res.partner", "Lawyer / agency")
    file_number = fields.Char("File number")
    filing_date = fields.Date()
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
        """Open one legal record per stage entry (unique key) with a task for the legal responsible.

        One INSERT for the batch (``ON CONFLICT`` on the stage entry: a second
        worker, or a retried step, opens nothing twice). The rows are those the
        ORM would write with tracking and subscriptions off, as the engine
        creates its records.
        """
        if not entries:
            return self.browse()
        self.env.flush_all()
        now = fields.Datetime.now()
        label = self.env._("Legal %(case)s")  # translated once, filled per record in SQL
        self.env.cr.execute(SQL(
            """
            INSERT INTO collection_legal_record (name, case_id, partner_id, company_id, stage_history_id,
                                                 amount_claimed, state, create_uid, create_date, write_uid, write_date)
            SELECT replace(%(label)s, '%%(case)s', c.name), c.id, c.partner_id, c.company_id, h.id,
                   c.amount_overdue, 'draft', %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM collection_case_stage_history h
              JOIN collection_case c ON c.id = h.case_id
             WHERE h.id = ANY(%(entries)s)
            ON CONFLICT (stage_history_id) WHERE stage_history_id IS NOT NULL DO NOTHING
            RETURNING id
            """,
            uid=self.env.uid, now=now, label=label, entries=entries.ids,
        ))
        records = self.browse([row[0] for row in self.env.cr.fetchall()])
        if not records:
            return records
        self.env["collection.case"].invalidate_model(["legal_record_ids"])
        today = fields.Date.context_today(self)
        self.env["collection.activity"]._schedule_activities(
            records.case_id, self.env.ref("mail.mail_activity_data_todo"),
            self.env._("Prepare the legal file and assign a lawyer"), today, legal=True)
        return records
