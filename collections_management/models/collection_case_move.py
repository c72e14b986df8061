from odoo import fields, models


class CollectionCaseMove(models.Model):
    """An invoice in collections: its case and the stage of its worst open installment.

    Written by the daily engine only, one narrow row per invoice. Kept out of
    ``account_move`` on purpose: that table carries some thirty indexes, so
    writing two columns on 100,000 invoices costs seconds, where inserting or
    updating these rows costs a fraction of it. A row stays when the invoice is
    paid (the stage goes empty, the case link is history).
    """

    _name = "collection.case.move"
    _description = "Invoice in collections"
    _log_access = False
    _order = "case_id, move_id"
    _rec_name = "move_id"

    move_id = fields.Many2one("account.move", "Invoice", required=True, ondelete="cascade", readonly=True)
    case_id = fields.Many2one("collection.case", required=True, index=True, ondelete="cascade",
                              readonly=True)
    stage_id = fields.Many2one("collection.stage", index="btree_not_null", ondelete="set null",
                               readonly=True)
    company_id = fields.Many2one(related="case_id.company_id")
    partner_id = fields.Many2one(related="case_id.partner_id", string="Debtor")
    user_id = fields.Many2one(related="case_id.user_id", string="Collector")
    currency_id = fields.Many2one(related="move_id.currency_id")
    invoice_date = fields.Date(related="move_id.invoice_date")
    due_date = fields.Date(related="move_id.collection_due_date", string="Due on")
    days_overdue = fields.Integer(related="move_id.collection_days_overdue", string="Days late")
    amount_residual = fields.Monetary(related="move_id.amount_residual", currency_field="currency_id",
                                      string="Open")

    _move_uniq = models.Constraint("UNIQUE(move_id)", "An invoice belongs to one collection case.")
