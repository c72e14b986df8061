from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.tools import format_date


class CollectionPaymentPlanLine(models.Model):
    """One agreed installment: principal from the covered invoices, plus its interest invoice if any."""

    _name = "collection.payment.plan.line"
    _description = "Payment Plan Installment"
    _order = "plan_id, sequence, date"
    _check_company_auto = True

    plan_id = fields.Many2one("collection.payment.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    sequence = fields.Integer()
    is_down_payment = fields.Boolean()
    label = fields.Char("Installment", compute="_compute_label")
    date = fields.Date(required=True)
    amount = fields.Monetary("Principal", required=True)
    interest_amount = fields.Monetary("Interest")
    amount_total = fields.Monetary("Installment amount", compute="_compute_amount_total")
    interest_move_id = fields.Many2one("account.move", "Interest invoice", readonly=True, copy=False,
                                       index="btree_not_null")
    amount_paid = fields.Monetary("Paid", compute="_compute_state")
    amount_residual = fields.Monetary("Left to pay", compute="_compute_state")
    state = fields.Selection([("due", "Due"), ("partial", "Partially paid"), ("paid", "Paid"), ("overdue", "Past due"),
                              ("credited", "Settled by credit note")], compute="_compute_state")

    @api.depends("sequence", "is_down_payment")
    def _compute_label(self):
        for line in self:
            line.label = (self.env._("Down payment") if line.is_down_payment
                          else self.env._("Installment %(number)s", number=line.sequence))

    @api.depends("amount", "interest_amount")
    def _compute_amount_total(self):
        for line in self:
            line.amount_total = line.amount + line.interest_amount

    def _compute_state(self):
        today = fields.Date.context_today(self)
        status = self.plan_id._collection_payment_status()
        for line in self:
            values = status.get(line.plan_id.id, {}).get(line.id)
            if not values:
                line.amount_paid, line.amount_residual = 0.0, line.amount_total
            else:
                line.amount_paid = values["paid"] + values["interest_paid"]
                line.amount_residual = values["residual"]
            if values and line.currency_id.is_zero(values["owed"]) and line.currency_id.is_zero(line.amount_residual):
                line.state = "credited"
            elif line.plan_id.state in ("active", "completed", "broken") and line.currency_id.is_zero(
                    line.amount_residual):
                line.state = "paid"
            elif line.currency_id.compare_amounts(line.amount_paid, 0) > 0:
                line.state = "partial"
            elif line.date and line.date < today:
                line.state = "overdue"
            else:
                line.state = "due"

    def _collection_post_interest(self):
        """Invoice each installment's interest once (unique key on the invoice's installment)."""
        todo = self.filtered(lambda line: line.interest_amount > 0 and not line.interest_move_id
                             and line.plan_id.state == "active")
        status = todo.plan_id._collection_payment_status()
        # an installment a credit note has cancelled owes no interest
        todo = todo.filtered(lambda line: not line.currency_id.is_zero(status[line.plan_id.id][line.id]["owed"]))
        if not todo:
            return self.env["account.move"]
        todo = todo.try_lock_for_update()  # another worker invoicing the same installment skips it
        todo.invalidate_recordset(["interest_move_id"])
        moves = self.env["account.move"]
        for line in todo.filtered(lambda pending: not pending.interest_move_id):
            plan = line.plan_id
            product = plan.company_id.collection_interest_product_id
            # a customer document: written in the customer's language
            customer = self.with_context(lang=plan.partner_id.lang or self.env.lang).env
            move = self.env["account.move"].sudo().with_company(plan.company_id).create({
                "move_type": "out_invoice",
                "partner_id": plan.partner_id.id,
                "currency_id": plan.currency_id.id,
                "invoice_date": fields.Date.context_today(self),
                "invoice_date_due": max(line.date, fields.Date.context_today(self)),
                "invoice_origin": plan.name,
                "ref": customer._("%(plan)s: interest of installment %(n)s", plan=plan.name, n=line.sequence),
                "collection_plan_line_id": line.id,
                "collection_interest_plan_id": plan.id,
                "collection_charge_type": "interest",
                "invoice_line_ids": [Command.create({
                    "product_id": product.id,
                    "name": customer._("Interest of installment %(n)s of %(plan)s (due %(date)s)",
                                       n=line.sequence, plan=plan.name, date=format_date(customer, line.date)),
                    "quantity": 1,
                    "price_unit": line.interest_amount,
                })],
            })
            move.invoice_payment_term_id = False
            move.invoice_date_due = max(line.date, fields.Date.context_today(self))
            move.action_post()
            line.sudo().interest_move_id = move
            moves |= move
        return moves

    def _collection_reverse_interest(self, reason):
        """Reverse (credit note, reconciled) the posted, unpaid interest invoices of these installments."""
        moves = self.interest_move_id.filtered(lambda m: m.state == "posted" and m.payment_state == "not_paid")
        by_plan = defaultdict(lambda: self.env["account.move"])
        for move in moves:
            by_plan[move.collection_interest_plan_id] |= move
        for moves in by_plan.values():
            moves.sudo()._reverse_moves(
                [{"ref": reason, "invoice_date": fields.Date.context_today(self)} for _m in moves], cancel=True)
