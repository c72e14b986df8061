from odoo import api, fields, models
from odoo.tools import SQL


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
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_entered = fields.Monetary(
        "Overdue at entry", readonly=True,
        help="What the case had overdue (company currency) when it entered the stage: the base of the stage's "
             "recovery rate.")
    catch_up = fields.Boolean(
        "First-run placement", readonly=True,
        help="Entry made by the first run on old debts under the review policy: no steps, legal hand-over or hold.")

    @api.model
    def _collection_insert(self, vals_list):
        """The engine's stage entries in one INSERT (thousands on a first run): case, from, to, reason, catch-up
        and the amount overdue at entry.

        Date and author are now and the current user, as the ORM's defaults; the
        stored related company and debtor are read from the case.
        """
        if not vals_list:
            return self.browse()
        self.env.flush_all()
        now = fields.Datetime.now()
        self.env.cr.execute(SQL(
            """
            INSERT INTO collection_case_stage_history (case_id, company_id, partner_id, stage_from_id, stage_to_id,
                                                       date, user_id, reason, catch_up, amount_entered,
                                                       create_uid, create_date, write_uid, write_date)
            SELECT c.id, c.company_id, c.partner_id, v.stage_from, v.stage_to, %(now)s, %(uid)s,
                   v.reason, v.catch_up, v.amount, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM %(rows)s
              JOIN collection_case c ON c.id = v.case_id
            RETURNING id
            """,
            uid=self.env.uid, now=now, rows=self.env["collection.sql"]._rows_sql(
                [("case_id", "int"), ("stage_from", "int"), ("stage_to", "int"), ("reason", "varchar"),
                 ("catch_up", "bool"), ("amount", "numeric")],
                [(vals["case_id"], vals["stage_from_id"] or None, vals["stage_to_id"] or None, vals["reason"],
                  bool(vals["catch_up"]), vals.get("amount_entered") or 0.0) for vals in vals_list]),
        ))
        ids = sorted(row[0] for row in self.env.cr.fetchall())
        self.env["collection.case"].invalidate_model(["history_ids"])
        return self.browse(ids)
