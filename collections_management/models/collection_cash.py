from odoo import api, models
from odoo.tools import SQL


class CollectionCash(models.AbstractModel):
    """Cash received: the one definition every feature reads (promises, plans, offers, reports, KPIs).

    Cash is a customer payment or a bank statement line reconciled with a receivable debit line of a
    customer document (invoice, fee or interest invoice, opening entry). It is never a credit note, a
    write-off, an exchange difference, a settlement entry or a reversal: those lower what is owed without
    money coming in. A payment registered with a write-off, or a bank line matched with a bank fee,
    credited the receivable for more than the money received: only the money part counts.

    Each reconciliation gives one row:

    - ``paid_on``: the payment's (or bank line's) date, when the money came in, never the day it was
      matched; deadlines (a promise's date, an installment's date plus grace, an offer's deadline, the
      bureau's withdrawal term) are judged on it;
    - ``matched_at``: when the reconciliation was made, which only says *since when* the ledger knows it
      (a plan or an offer counts the cash matched while it runs, whatever its date);
    - ``amount`` in company currency and ``amount_currency`` in the document's currency, both at the
      payment's rate (what the reconciliation recorded).
    """

    _name = "collection.cash"
    _description = "Collections: cash received"

    @api.model
    def _rows_sql(self, where=None):
        """``SELECT partial_id, line_id, move_id, partner_id, company_id, due_on, paid_on, matched_at, amount,
        amount_currency`` for every cash reconciliation that ``where`` (SQL on ``apr``, ``dl``, ``dm``,
        ``cm``) keeps. ``partner_id`` is the document's commercial partner (the debtor)."""
        return SQL(
            """
            SELECT apr.id AS partial_id, dl.id AS line_id, dl.move_id, dm.commercial_partner_id AS partner_id,
                   dl.company_id, dl.date_maturity AS due_on, cm.date AS paid_on, apr.create_date AS matched_at,
                   apr.amount * %(factor)s AS amount, apr.debit_amount_currency * %(factor)s AS amount_currency
              FROM account_partial_reconcile apr
              JOIN account_move_line dl ON dl.id = apr.debit_move_id
              JOIN account_account da ON da.id = dl.account_id AND da.account_type = 'asset_receivable'
              JOIN account_move dm ON dm.id = dl.move_id
              JOIN account_move_line cl ON cl.id = apr.credit_move_id
              JOIN account_move cm ON cm.id = cl.move_id
              %(joins)s
             WHERE (cm.origin_payment_id IS NOT NULL OR cm.statement_line_id IS NOT NULL)
               -- the debt side is a customer document: not a refund paid out, nor a payment's own reversal
               AND dm.origin_payment_id IS NULL AND dm.statement_line_id IS NULL
               AND (dm.reversed_entry_id IS NULL OR dm.move_type != 'entry')
               AND %(where)s
            """, factor=self._factor_sql(), joins=self._joins_sql(), where=where or SQL("TRUE"))

    @api.model
    def _received_moves_sql(self, where=None):
        """``SELECT move_id, company_id, paid_on, credited, amount``: every posted payment or bank line entry
        that credited receivables (``credited``, company currency) and the money it brought (``amount``: the
        write-off or bank-fee part left out), applied to invoices or not yet. The receivables KPIs read cash
        collected from it; ``where`` is SQL on ``cm``."""
        return SQL(
            """
            SELECT cm.id AS move_id, cm.company_id, cm.date AS paid_on, rec.total AS credited,
                   rec.total * %(factor)s AS amount
              FROM account_move cm
              %(joins)s
             WHERE (cm.origin_payment_id IS NOT NULL OR cm.statement_line_id IS NOT NULL) AND cm.state = 'posted'
               AND rec.total > 0 AND %(where)s
            """, factor=self._factor_sql(), joins=self._joins_sql(), where=where or SQL("TRUE"))

    @api.model
    def _to_company_currency_sql(self, currency_id, company_id):
        """SQL: the factor turning an amount in ``currency_id`` into the company ``company_id``'s currency at
        today's rate (the company's own rates first): for figures that must add up across currencies. Both are
        SQL expressions qualified by their table's alias."""
        return SQL(
            """(SELECT CASE WHEN %(currency)s = rc.currency_id THEN 1.0
                           ELSE 1.0 / COALESCE((SELECT r.rate FROM res_currency_rate r
                                                 WHERE r.currency_id = %(currency)s AND r.name <= CURRENT_DATE
                                                   AND (r.company_id = %(company)s OR r.company_id IS NULL)
                                                 ORDER BY r.company_id NULLS LAST, r.name DESC LIMIT 1), 1.0)
                      END FROM res_company rc WHERE rc.id = %(company)s)""",
            currency=currency_id, company=company_id)

    @api.model
    def _joins_sql(self):
        """Joins on the counterpart move ``cm`` giving the money that really came in (``cash.total``) and
        what it credited to receivables (``rec.total``), both in company currency."""
        return SQL(
            """
         LEFT JOIN account_payment pay ON pay.id = cm.origin_payment_id
         LEFT JOIN account_bank_statement_line bsl ON bsl.id = cm.statement_line_id
         LEFT JOIN account_journal bj ON bj.id = bsl.journal_id
         LEFT JOIN LATERAL (
                   SELECT COALESCE(SUM(rl.credit), 0) AS total
                     FROM account_move_line rl
                     JOIN account_account ra ON ra.id = rl.account_id AND ra.account_type = 'asset_receivable'
                    WHERE rl.move_id = cm.id) rec ON TRUE
         LEFT JOIN LATERAL (
                   SELECT CASE WHEN pay.id IS NOT NULL THEN ABS(pay.amount_company_currency_signed)
                               ELSE (SELECT COALESCE(SUM(bl.debit), 0) FROM account_move_line bl
                                      WHERE bl.move_id = cm.id AND bl.account_id = bj.default_account_id)
                          END AS total) cash ON TRUE
            """)

    @api.model
    def _factor_sql(self):
        """Share of a reconciliation that is money received (see ``_joins_sql``)."""
        return SQL("(CASE WHEN rec.total = 0 THEN 1 ELSE LEAST(1, cash.total / rec.total) END)")

    @api.model
    def _of_debtors_sql(self, partner_ids, company_ids=None, since=None):
        """Cash rows of these debtors (commercial partners), in these companies, paid or matched since ``since``."""
        # by the line's partner (indexed), any contact of the debtors
        where = [SQL("dl.partner_id IN (SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s))",
                     list(partner_ids))]
        if company_ids:
            where.append(SQL("dl.company_id = ANY(%s)", list(company_ids)))
        if since:
            where.append(SQL("(cm.date >= %s OR apr.create_date >= %s)", since, since))
        return self._rows_sql(SQL(" AND ").join(where))

    @api.model
    def _of_moves_sql(self, move_ids_sql):
        """Cash rows on the documents ``move_ids_sql`` (SQL yielding ``account_move`` ids) selects."""
        return self._rows_sql(SQL("dl.move_id IN (%s)", move_ids_sql))
