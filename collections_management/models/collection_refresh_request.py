from odoo import api, fields, models
from odoo.tools import SQL


class CollectionRefreshRequest(models.Model):
    """A debtor whose money moved (payment, credit note, plan) and whose case the run must refresh soon.

    Filled set-based from the reconciliation itself (one INSERT per batch of
    partials, unique per debtor and company) and drained by a triggered cron
    that runs the daily run's own code for just those debtors, so a payment
    batch of thousands is not slowed down and cases are right within a minute.
    """

    _name = "collection.refresh.request"
    _description = "Collections: debtor to refresh"
    _order = "id"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")

    _debtor_uniq = models.Constraint("UNIQUE(partner_id, company_id)", "A debtor is queued once per company.")

    @api.model
    def _enqueue_lines(self, line_ids):
        """Queue the debtors of these journal items' receivable lines; trigger the refresh cron."""
        if not line_ids:
            return
        self.env.cr.execute(SQL(
            """
            INSERT INTO collection_refresh_request (partner_id, company_id, create_uid, create_date, write_uid, write_date)
            SELECT DISTINCT p.commercial_partner_id, l.company_id, %(uid)s, now() AT TIME ZONE 'UTC',
                   %(uid)s, now() AT TIME ZONE 'UTC'
              FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
              JOIN res_partner p ON p.id = l.partner_id
             WHERE l.id = ANY(%(ids)s)
            ON CONFLICT (partner_id, company_id) DO NOTHING
            """, uid=self.env.uid, ids=list(line_ids)))
        if self.env.cr.rowcount:
            self.env.ref("collections_management.ir_cron_collection_refresh").sudo()._trigger()

    @api.model
    def _enqueue_partners(self, partners, company):
        self.env.cr.execute(SQL(
            """
            INSERT INTO collection_refresh_request (partner_id, company_id, create_uid, create_date, write_uid, write_date)
            SELECT DISTINCT unnest(%(partners)s::int[]), %(company)s, %(uid)s, now() AT TIME ZONE 'UTC',
                   %(uid)s, now() AT TIME ZONE 'UTC'
            ON CONFLICT (partner_id, company_id) DO NOTHING
            """, partners=partners.commercial_partner_id.ids, company=company.id, uid=self.env.uid))
        if self.env.cr.rowcount:
            self.env.ref("collections_management.ir_cron_collection_refresh").sudo()._trigger()

    @api.model
    def _enqueue_debtors(self, partner_ids):
        """Queue these debtors in every company where they owe something or have an open case."""
        if not partner_ids:
            return
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            INSERT INTO collection_refresh_request (partner_id, company_id, create_uid, create_date, write_uid, write_date)
            SELECT DISTINCT d.partner_id, d.company_id, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM (SELECT p.commercial_partner_id AS partner_id, l.company_id
                      FROM account_move_line l
                      JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                      JOIN res_partner p ON p.id = l.partner_id
                     WHERE p.commercial_partner_id = ANY(%(partners)s) AND l.parent_state = 'posted'
                       AND l.amount_residual != 0
                     UNION
                    SELECT partner_id, company_id FROM collection_case
                     WHERE partner_id = ANY(%(partners)s) AND state = 'open') d
            ON CONFLICT (partner_id, company_id) DO NOTHING
            """, partners=list(partner_ids), uid=self.env.uid))
        if self.env.cr.rowcount:
            self.env.ref("collections_management.ir_cron_collection_refresh").sudo()._trigger()
