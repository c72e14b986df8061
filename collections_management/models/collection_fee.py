from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError


class CollectionFeeRule(models.Model):
    """How late fees are charged: fixed, percentage of the overdue amount, or interest per day."""

    _name = "collection.fee.rule"
    _description = "Late Fee Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    fee_type = fields.Selection(
        [("fixed", "Fixed amount"), ("percent", "Percentage of the overdue amount"),
         ("interest", "Interest per day overdue")],
        required=True, default="interest",
    )
    fixed_amount = fields.Float("Fixed amount", digits="Account")
    percent = fields.Float("Percentage (%)")
    rate = fields.Float("Interest rate (%)")
    rate_period = fields.Selection([("year", "per year"), ("month", "per month")], default="year", required=True)
    grace_days = fields.Integer("Grace days", help="Days after the due date without fees.")
    min_amount = fields.Float("Minimum per charge", digits="Account")
    max_amount = fields.Float("Cap per invoice", digits="Account", help="0: no cap. Total of this rule's fees on one invoice.")
    product_id = fields.Many2one("product.product", "Fee product", check_company=True,
                                 help="Gives the income account and taxes of the fee invoices.")
    journal_id = fields.Many2one("account.journal", check_company=True, domain="[('type', '=', 'sale')]",
                                 help="Empty: the company's default sales journal.")
    stage_ids = fields.Many2many("collection.stage", string="Only in stages", check_company=True)
    segment_ids = fields.Many2many("collection.segment", string="Only in segments", check_company=True)

    @api.constrains("fee_type", "fixed_amount", "percent", "rate", "min_amount", "max_amount", "grace_days",
                    "product_id")
    def _check_rule(self):
        for rule in self:
            if not rule.product_id:
                raise ValidationError(self.env._("Late fee rule %s needs a product (income account and taxes).",
                                                 rule.name))
            if min(rule.fixed_amount, rule.percent, rule.rate, rule.min_amount, rule.max_amount, rule.grace_days) < 0:
                raise ValidationError(self.env._("Late fee rule %s: amounts, rates and days cannot be negative.",
                                                 rule.name))
            value = {"fixed": rule.fixed_amount, "percent": rule.percent, "interest": rule.rate}[rule.fee_type]
            if not value:
                raise ValidationError(self.env._("Late fee rule %s: set its amount or rate.", rule.name))
            if rule.max_amount and rule.min_amount > rule.max_amount:
                raise ValidationError(self.env._("Late fee rule %s: the minimum is above the cap.", rule.name))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("product_id"):
                raise ValidationError(self.env._("A late fee rule needs a product (income account and taxes)."))
        return super().create(vals_list)

    # ------------------------------------------------------------------ computing charges
    def _compute_charges(self, moves, today):
        """What charging these rules on ``moves`` today would post: a list of dicts (no write).

        Fixed and percentage fees are charged once per invoice and rule. Interest
        is charged on the invoice's *current* open amount for the days since the
        last charged period (or the end of the grace days), so a partial payment
        changes only the interest of the periods after it.
        """
        charges = []
        moves = moves.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted"
                               and m.amount_residual > 0 and m.invoice_date_due)
        if not moves:
            return charges
        done = {}
        for fee in self.env["collection.fee"].search([("move_id", "in", moves.ids), ("rule_id", "in", self.ids),
                                                     ("state", "!=", "cancelled")]):
            entry = done.setdefault((fee.rule_id.id, fee.move_id.id), {"total": 0.0, "last": None})
            entry["total"] += fee.amount if fee.state == "posted" else 0.0
            entry["last"] = max(entry["last"] or fee.date_to, fee.date_to)
        for rule in self:
            for move in moves.filtered(lambda m, rule=rule: m.company_id == rule.company_id):
                if rule.stage_ids and move.collection_stage_id not in rule.stage_ids:
                    continue
                if rule.segment_ids and move.collection_case_id.segment_id not in rule.segment_ids:
                    continue
                start = move.invoice_date_due + timedelta(days=rule.grace_days + 1)
                if start > today:
                    continue
                previous = done.get((rule.id, move.id), {"total": 0.0, "last": None})
                currency = move.currency_id
                residual = move.amount_residual
                if rule.fee_type in ("fixed", "percent"):
                    if previous["last"]:
                        continue
                    date_from, date_to = start, today
                    amount = rule.fixed_amount if rule.fee_type == "fixed" else residual * rule.percent / 100
                else:
                    date_from = max(start, previous["last"] + timedelta(days=1)) if previous["last"] else start
                    date_to = today
                    if date_from > date_to:
                        continue
                    days = (date_to - date_from).days + 1
                    amount = residual * rule.rate / 100 * days / (365 if rule.rate_period == "year" else 30)
                amount = max(amount, rule.min_amount)
                if rule.max_amount:
                    amount = min(amount, rule.max_amount - previous["total"])
                amount = currency.round(amount)
                if currency.compare_amounts(amount, 0) <= 0:
                    continue
                charges.append({
                    "rule_id": rule.id, "move_id": move.id, "date_from": date_from, "date_to": date_to,
                    "days": (date_to - date_from).days + 1, "base_amount": residual, "amount": amount,
                    "currency_id": currency.id,
                })
        return charges

    def _charge(self, moves, today=None):
        """Post the fees of these rules on ``moves``: one posted fee invoice per charge. Idempotent."""
        today = today or fields.Date.context_today(self)
        moves.lock_for_update()  # a concurrent charge of the same invoices waits, then finds the fee
        charges = self._compute_charges(moves, today)
        return self.env["collection.fee"]._post_charges(charges)

    @api.model
    def _charge_cases(self, cases, today=None):
        """Charge every active rule of the cases' companies on their overdue invoices."""
        rules = self.search([("company_id", "in", cases.company_id.ids)])
        return rules._charge(cases.move_ids.filtered(lambda m: m.collection_days_overdue > 0), today)


class CollectionFee(models.Model):
    """One late fee charged on one invoice for one period: the unique side-effect key."""

    _name = "collection.fee"
    _description = "Late Fee"
    _order = "date_to desc, id desc"
    _check_company_auto = True

    rule_id = fields.Many2one("collection.fee.rule", required=True, ondelete="restrict", index=True)
    fee_type = fields.Selection(related="rule_id.fee_type", store=True)
    move_id = fields.Many2one("account.move", "Charged invoice", required=True, ondelete="restrict", index=True)
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", store=True, index=True)
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True)
    date_from = fields.Date("Period from", required=True)
    date_to = fields.Date("Period to", required=True)
    days = fields.Integer()
    base_amount = fields.Monetary("Open amount charged on")
    amount = fields.Monetary(required=True)
    fee_move_id = fields.Many2one("account.move", "Fee invoice", readonly=True, ondelete="restrict")
    state = fields.Selection([("posted", "Posted"), ("waived", "Waived"), ("cancelled", "Cancelled")],
                             default="posted", required=True, index=True)
    waive_reason = fields.Char(readonly=True)
    waive_move_id = fields.Many2one("account.move", "Waiver credit note", readonly=True)
    waived_by_id = fields.Many2one("res.users", readonly=True)

    _period_uniq = models.Constraint(
        "UNIQUE(rule_id, move_id, date_from)", "This invoice was already charged by this rule for this period."
    )
    _once_uniq = models.UniqueIndex(
        "(rule_id, move_id) WHERE fee_type IN ('fixed', 'percent')",
        "A fixed or percentage fee is charged once per invoice.",
    )
    _positive = models.Constraint("CHECK(amount > 0)", "A fee must be positive.")

    @api.model
    def _post_charges(self, charges):
        fees = self.browse()
        for charge in charges:
            rule = self.env["collection.fee.rule"].browse(charge["rule_id"])
            move = self.env["account.move"].browse(charge["move_id"])
            vals = {
                "move_type": "out_invoice",
                "partner_id": move.partner_id.id,
                "company_id": move.company_id.id,
                "currency_id": charge["currency_id"],
                "invoice_date": charge["date_to"],
                "invoice_origin": move.name,
                "ref": self.env._("Late fee on %(invoice)s, %(start)s to %(end)s",
                                  invoice=move.name, start=charge["date_from"], end=charge["date_to"]),
                "invoice_line_ids": [Command.create({
                    "product_id": rule.product_id.id,
                    "name": self.env._("%(rule)s on %(invoice)s (%(days)s days)",
                                       rule=rule.name, invoice=move.name, days=charge["days"]),
                    "quantity": 1,
                    "price_unit": charge["amount"],
                })],
            }
            if rule.journal_id:
                vals["journal_id"] = rule.journal_id.id
            fee_move = self.env["account.move"].with_company(move.company_id).create(vals)
            fee = self.create({**charge, "fee_move_id": fee_move.id})
            fee_move.action_post()
            fees |= fee
        return fees

    def action_waive(self, reason):
        """Managers: post the matching credit note, reconciled with the fee invoice, and record why."""
        if not self.env.user.has_group("collections_management.collections_management_group_manager"):
            raise UserError(self.env._("Only a Collections Manager can waive a late fee."))
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the fee is waived."))
        for fee in self.filtered(lambda f: f.state == "posted"):
            reversal = fee.fee_move_id._reverse_moves(
                [{"ref": self.env._("Waiver: %s", reason), "invoice_date": fields.Date.context_today(self)}],
                cancel=True)
            fee.write({"state": "waived", "waive_reason": reason, "waive_move_id": reversal.id,
                       "waived_by_id": self.env.user.id})
