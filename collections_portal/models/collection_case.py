from odoo import api, fields, models
from odoo.addons.collections_management.models.collection_case import CollectionCase as BaseCase
from odoo.exceptions import AccessError
from odoo.tools import SQL


class CollectionCase(models.Model):
    _name = "collection.case"
    _inherit = ["collection.case", "portal.mixin"]
    # the statement link's token is issued and renewed by the system only (a manager renews it with the
    # button): never written over RPC, not even by a manager typing a token of their choice
    _collection_system_fields = (*BaseCase._collection_system_fields, "access_token")

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for case in self:
            case.access_url = f"/my/collections/{case.id}"
        return result

    # ------------------------------------------------------------------ links
    def _collection_portal_url(self):
        """The statement link reminders carry: opens this debtor's statement without an account."""
        self.ensure_one()
        return self.get_base_url() + self.get_portal_url()

    @api.model
    def _collection_has_portal(self):
        return True

    def _collection_prepare_portal_links(self):
        """Give every case of a batch its statement token in one statement (reminders render thousands)."""
        ids = [case_id for case_id in self.ids if isinstance(case_id, int)]
        if ids:
            self.flush_model(["access_token"])
            self.env.cr.execute(SQL(
                "UPDATE collection_case SET access_token = gen_random_uuid()::text"
                " WHERE id = ANY(%s) AND access_token IS NULL", ids))
            self.invalidate_recordset(["access_token"])

    def action_collection_reset_portal_link(self):
        """Managers: revoke the statement link sent so far and issue a new one (a forwarded link, a leak)."""
        if not self._collection_is_manager():
            raise AccessError(self.env._("Only a Collections Manager can revoke a customer's statement link."))
        self.check_access("write")
        for case in self:
            case.sudo().access_token = False
            case.sudo()._portal_ensure_token()
            case.message_post(body=self.env._("Statement link revoked and issued again by %s.", self.env.user.name))
        return True

    def action_collection_preview_portal(self):
        """Open the statement the way the customer sees it."""
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.get_portal_url(), "target": "new"}

    # ------------------------------------------------------------------ statement
    def _collection_statement(self, page=1, step=50, today=None):
        """What the customer's statement shows, read from the ledger with a fixed number of queries.

        Totals and stage buckets come from the debtor's open receivable lines in
        the case's company (company currency), overdue as ``collection.overdue``
        says (what is under a payment plan or in review is shown apart); invoices
        are paged in SQL, worst first; credits (credit notes, payments not yet applied) are listed
        beside them.
        """
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        cr = self.env.cr
        base = SQL(
            """
              FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
              JOIN res_partner p ON p.id = l.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
              JOIN account_move m ON m.id = l.move_id
             WHERE p.commercial_partner_id = %(partner)s AND l.company_id = %(company)s
               AND l.parent_state = 'posted' AND l.amount_residual != 0
            """, partner=self.partner_id.id, company=self.company_id.id)
        Overdue = self.env["collection.overdue"]
        overdue_sql, on_hold_sql = Overdue._overdue_sql(today), Overdue._on_hold_sql(partner="cp")
        cr.execute(SQL(
            """
            SELECT COALESCE(SUM(l.amount_residual) FILTER (WHERE l.amount_residual > 0), 0),
                   COALESCE(SUM(l.amount_residual) FILTER (WHERE l.amount_residual > 0 AND %(overdue)s
                                                           AND NOT %(on_hold)s), 0),
                   COALESCE(SUM(l.amount_residual) FILTER (WHERE l.amount_residual > 0 AND %(on_hold)s), 0),
                   COALESCE(SUM(-l.amount_residual) FILTER (WHERE l.amount_residual < 0), 0),
                   COUNT(DISTINCT l.move_id) FILTER (WHERE l.amount_residual > 0)
            %(base)s
            """, overdue=overdue_sql, on_hold=on_hold_sql, base=base))
        due, overdue, on_hold, credit, invoice_count = cr.fetchone()
        stages = self.env["collection.stage"].sudo().search(
            [("company_id", "=", self.company_id.id), ("day_from", ">", 0)], order="day_from")
        buckets = [{"label": self._collection_bucket_label(stage), "day_from": stage.day_from,
                    "day_to": 0 if stage.open_ended else stage.day_to, "amount": 0.0} for stage in stages]
        cr.execute(SQL(
            """
            SELECT %(today)s::date - %(due)s AS days, l.amount_residual
            %(base)s AND l.amount_residual > 0 AND %(overdue)s AND NOT %(on_hold)s
            """, today=today, due=Overdue._due_sql(), overdue=overdue_sql, on_hold=on_hold_sql, base=base))
        for days, amount in cr.fetchall():
            for bucket in reversed(buckets):
                if days >= bucket["day_from"]:
                    bucket["amount"] += amount
                    break
        cr.execute(SQL(
            """
            SELECT m.id, m.name, m.invoice_date, MIN(COALESCE(l.date_maturity, l.date)) AS due,
                   SUM(l.amount_residual), BOOL_OR(COALESCE(m.collection_disputed, FALSE))
            %(base)s AND l.amount_residual > 0
             GROUP BY m.id, m.name, m.invoice_date
             ORDER BY due, m.id
             LIMIT %(limit)s OFFSET %(offset)s
            """, base=base, limit=step, offset=(max(page, 1) - 1) * step))
        invoices = [{"id": mid, "name": name, "invoice_date": inv_date, "due_date": due_date,
                     "days": (today - due_date).days, "residual": residual, "disputed": disputed}
                    for mid, name, inv_date, due_date, residual, disputed in cr.fetchall()]
        cr.execute(SQL(
            """
            SELECT m.id, m.name, l.date, -SUM(l.amount_residual), m.move_type
            %(base)s AND l.amount_residual < 0
             GROUP BY m.id, m.name, l.date, m.move_type
             ORDER BY l.date, m.id
             LIMIT 100
            """, base=base))
        credits = [{"id": mid, "name": name, "date": date, "amount": amount,
                    "kind": "refund" if move_type == "out_refund" else "payment"}
                   for mid, name, date, amount, move_type in cr.fetchall()]
        plans = self.env["collection.payment.plan"].sudo().search(
            [("case_id", "=", self.id), ("state", "in", ("proposed", "active"))], order="id desc")
        return {
            "today": today,
            "currency": self.currency_id,
            "amount_due": due,
            "amount_overdue": overdue,
            "amount_on_hold": on_hold,
            "amount_not_due": due - overdue - on_hold,
            "amount_credit": credit,
            "invoice_count": invoice_count,
            "buckets": [bucket for bucket in buckets if bucket["amount"]],
            "invoices": invoices,
            "credits": credits,
            "plans": plans,
            "offers": self.env["collection.offer"].sudo().search([("case_id", "=", self.id), ("state", "=", "open")]),
            "promises": self.env["collection.promise"].sudo().search(
                [("case_id", "=", self.id), ("state", "in", ("open", "kept", "broken"))], order="date desc", limit=10),
            "disputes": self.env["collection.dispute"].sudo().search(
                [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
                 ("state", "=", "open")], order="id desc"),
            "letters": self.env["collection.step.execution"].sudo().search(
                [("case_id", "=", self.id), ("attachment_id", "!=", False)], order="id desc", limit=20),
        }

    def _collection_bucket_label(self, stage):
        """A stage as a customer reads it: how late, not the collector's word for it."""
        if stage.open_ended or not stage.day_to:
            return self.env._("Overdue more than %(days)s days", days=stage.day_from - 1)
        return self.env._("Overdue %(start)s-%(end)s days", start=stage.day_from, end=stage.day_to)

    def _collection_portal_invoices(self, move_ids):
        """The debtor's open customer invoices among ``move_ids`` (anything else is ignored)."""
        self.ensure_one()
        return self.env["account.move"].sudo().search([
            ("id", "in", [int(move_id) for move_id in move_ids]),
            ("commercial_partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
            ("move_type", "=", "out_invoice"), ("state", "=", "posted"), ("amount_residual", ">", 0),
        ])
