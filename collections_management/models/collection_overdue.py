from odoo import api, models
from odoo.tools import SQL


class CollectionOverdue(models.AbstractModel):
    """Overdue: one meaning for the case, the worklist, the portal, the dashboard and the KPIs.

    An installment (a receivable line) is overdue on a day when it is still open and its due date is before
    that day: due on the 31st, it is current on the 31st and overdue on the 1st, so at a month's end what
    falls due that day is current (as in the aging). What is overdue is claimed unless it is under an
    active payment plan (collected by the plan's dates), disputed, or excluded (the invoice or its debtor):
    those are owed, not claimed.
    """

    _name = "collection.overdue"
    _description = "Collections: what is overdue"

    @api.model
    def _is_overdue(self, due_date, day):
        """Is something due on ``due_date`` overdue on ``day``?"""
        return bool(due_date) and due_date < day

    @api.model
    def _due_sql(self, line="l"):
        """The due date of a receivable line ``line`` (its installment's, else its own date)."""
        return SQL("COALESCE(%s.date_maturity, %s.date)", SQL.identifier(line), SQL.identifier(line))

    @api.model
    def _overdue_sql(self, day, line="l"):
        """SQL: the receivable line ``line`` is overdue on ``day`` (a date or SQL giving one)."""
        return SQL("(%s < %s)", self._due_sql(line), day)

    @api.model
    def _set_aside_sql(self, move="m", partner="p"):
        """SQL: the document ``move`` of the debtor ``partner`` is disputed or excluded (owed, not claimed)."""
        return SQL(
            """(COALESCE(%(m)s.collection_disputed, FALSE) OR COALESCE(%(m)s.collection_excluded, FALSE)
                OR COALESCE(%(p)s.collection_excluded, FALSE))""",
            m=SQL.identifier(move), p=SQL.identifier(partner))

    @api.model
    def _in_active_plan_sql(self, move_id):
        """SQL: the document whose id is ``move_id`` (SQL) is collected by an active payment plan: one of its
        covered invoices, or one of its interest invoices."""
        return SQL(
            """(%(id)s IN (SELECT rel.move_id FROM collection_payment_plan_move_rel rel
                             JOIN collection_payment_plan pp ON pp.id = rel.plan_id AND pp.state = 'active')
                OR %(id)s IN (SELECT im.id FROM account_move im
                                JOIN collection_payment_plan pp ON pp.id = im.collection_interest_plan_id
                                                               AND pp.state = 'active'))""",
            id=move_id)

    @api.model
    def _on_hold_sql(self, move="m", partner="p"):
        """SQL: the document is owed but not claimed: under an active plan, disputed or excluded."""
        return SQL("(%s OR %s)", self._set_aside_sql(move, partner),
                   self._in_active_plan_sql(SQL("%s.id", SQL.identifier(move))))

    @api.model
    def _on_hold(self, moves):
        """The documents among ``moves`` that are owed but not claimed (``_on_hold_sql`` in Python): under an
        active payment plan, disputed, or excluded (the document or its debtor)."""
        in_plan = moves._collection_active_plans()
        return moves.filtered(lambda m: m.collection_disputed or m.collection_excluded
                              or m.commercial_partner_id.collection_excluded or m.id in in_plan)

    @api.model
    def _claimed_lines(self, partner, company, day):
        """[(line id, move id, residual in company currency, residual in the document's currency)]: the
        debtor's receivable lines overdue and claimed on ``day``, oldest first."""
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT l.id, l.move_id, l.amount_residual, l.amount_residual_currency
              FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
              JOIN account_move m ON m.id = l.move_id
              JOIN res_partner lp ON lp.id = l.partner_id
              JOIN res_partner p ON p.id = lp.commercial_partner_id
             WHERE p.id = %(partner)s AND l.company_id = %(company)s AND l.parent_state = 'posted'
               AND l.amount_residual > 0 AND %(overdue)s AND NOT %(on_hold)s
             ORDER BY %(due)s, l.id
            """, partner=partner.id, company=company.id, overdue=self._overdue_sql(day),
            on_hold=self._on_hold_sql(), due=self._due_sql()))
        return self.env.cr.fetchall()
