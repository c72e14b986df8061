from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount, formatLang


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
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id,
        help="Currency of the fixed amount, minimum and cap; converted at the invoice date's rate for invoices "
             "in another currency.")
    fixed_amount = fields.Monetary("Fixed amount")
    percent = fields.Float("Percentage (%)")
    rate = fields.Float("Interest rate (%)", help="Simple interest: a yearly rate accrues rate/365 a day, a "
                                                   "monthly rate rate/30 a day, on each day's open amount.")
    rate_period = fields.Selection([("year", "per year"), ("month", "per month")], default="year", required=True)
    grace_days = fields.Integer("Grace days", help="Days after the due date without fees.")
    min_amount = fields.Monetary("Minimum per charge")
    max_amount = fields.Monetary("Cap per invoice", help="0: no cap. Total of this rule's fees on one invoice.")
    compound = fields.Boolean(
        "Charge on fees and interest too",
        help="Off: late fee and interest documents are never charged themselves (interest on interest is "
             "restricted in several Latin-American countries).")
    product_id = fields.Many2one("product.product", "Fee product", check_company=True,
                                 help="Gives the income account and taxes of the fee invoices.")
    journal_id = fields.Many2one("account.journal", check_company=True, domain="[('type', '=', 'sale')]",
                                 help="Empty: the company's default sales journal.")
    stage_ids = fields.Many2many("collection.stage", string="Only in stages", check_company=True)
    segment_ids = fields.Many2many("collection.segment", string="Only in segments", check_company=True)

    summary = fields.Char("Charges", compute="_compute_summary")

    @api.depends("fee_type", "fixed_amount", "percent", "rate", "rate_period", "grace_days", "currency_id")
    def _compute_summary(self):
        for rule in self:
            if rule.fee_type == "fixed":
                text = self.env._("%(amount)s once per invoice", amount=format_amount(
                    self.env, rule.fixed_amount, rule.currency_id or self.env.company.currency_id))
            elif rule.fee_type == "percent":
                text = self.env._("%(percent)s %% of the overdue amount, once per invoice",
                                  percent=formatLang(self.env, rule.percent))
            elif rule.rate_period == "month":
                text = self.env._("%(rate)s %% per month, charged per day overdue", rate=formatLang(self.env, rule.rate))
            else:
                text = self.env._("%(rate)s %% per year, charged per day overdue", rate=formatLang(self.env, rule.rate))
            if rule.grace_days:
                text = self.env._("%(text)s, after %(days)s days of grace", text=text, days=rule.grace_days)
            rule.summary = text

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
    def _to_invoice_currency(self, amount, move):
        """A fixed amount of this rule in the invoice's currency, at the invoice date's rate."""
        self.ensure_one()
        if not amount or self.currency_id == move.currency_id:
            return amount
        return self.currency_id._convert(amount, move.currency_id, move.company_id,
                                         move.invoice_date or move.date, round=False)

    def _daily_rate(self):
        """The rule's simple daily rate as a fraction (a yearly rate over 365 days, a monthly one over 30)."""
        self.ensure_one()
        return self.rate / 100 / (365 if self.rate_period == "year" else 30)

    @api.model
    def _reductions_after(self, moves, since):
        """{move id: [(date, amount in invoice currency)]}: what was applied to each invoice after ``since``.

        Used to rebuild the open amount each day had: payments and credit notes
        dated after a day were still owed on that day.
        """
        if not moves:
            return {}
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT dl.move_id, apr.max_date, apr.debit_amount_currency
              FROM account_partial_reconcile apr
              JOIN account_move_line dl ON dl.id = apr.debit_move_id AND dl.display_type = 'payment_term'
             WHERE dl.move_id = ANY(%s) AND apr.max_date > %s
            """, moves.ids, since))
        result = defaultdict(list)
        for move_id, day, amount in self.env.cr.fetchall():
            result[move_id].append((day, amount))
        return result

    def _compute_charges(self, moves, today):
        """What charging these rules on ``moves`` today would post: a list of dicts (no write).

        Fixed and percentage fees are charged once per invoice and rule. Interest
        accrues day by day on the open amount each day had (a partial payment
        lowers the interest of the days after it), from the last charged period
        (or the end of the grace days) to today. Disputed and excluded invoices,
        invoices under an active payment plan, and (unless the rule compounds)
        fee and interest documents are never charged.

        Every charge of an invoice, all rules together and with what was charged
        before (fees and the interest of plans on it), stays within the legal
        ceiling (``collection.ceiling``): a charge above it is cut, and the
        charge says by how much (``amount_cut``) and what the ceiling allowed.
        """
        charges = []
        moves = moves.filtered(lambda m: m.move_type == "out_invoice" and m.state == "posted"
                               and m.amount_residual > 0 and m.invoice_date_due)
        moves -= moves._collection_not_actionable()
        if not moves:
            return charges
        Ceiling = self.env["collection.ceiling"]
        done = {}
        charged = self._charged_before(moves)  # every rule's fees and plan interest, per invoice
        for fee in self.env["collection.fee"].sudo().search([("move_id", "in", moves.ids), ("rule_id", "in", self.ids),
                                                            ("state", "!=", "cancelled")]):
            entry = done.setdefault((fee.rule_id.id, fee.move_id.id), {"total": 0.0, "last": None})
            entry["total"] += fee.amount if fee.state == "posted" else 0.0
            entry["last"] = max(entry["last"] or fee.date_to, fee.date_to)
        earliest = min(moves.mapped("invoice_date_due"))
        reductions = self._reductions_after(moves, earliest)
        rules = self.sorted(lambda r: (r.sequence, r.id))
        for move in moves:
            currency = move.currency_id
            residual = move.amount_residual
            move_reductions = reductions.get(move.id, [])
            ceiling = Ceiling._max_late_charges(move.company_id, residual, move_reductions, move.invoice_date_due,
                                                today)
            for rule in rules.filtered(lambda r, move=move: r.company_id == move.company_id):
                if move.collection_charge_type and not rule.compound:
                    continue
                if rule.stage_ids and move.collection_stage_id not in rule.stage_ids:
                    continue
                if rule.segment_ids and move.collection_case_id.segment_id not in rule.segment_ids:
                    continue
                start = move.invoice_date_due + timedelta(days=rule.grace_days + 1)
                if start > today:
                    continue
                previous = done.get((rule.id, move.id), {"total": 0.0, "last": None})
                rate_applied = 0.0
                if rule.fee_type in ("fixed", "percent"):
                    if previous["last"]:
                        continue
                    date_from, date_to = start, today
                    if rule.fee_type == "fixed":
                        amount = rule._to_invoice_currency(rule.fixed_amount, move)
                    else:
                        amount = residual * rule.percent / 100
                else:
                    date_from = max(start, previous["last"] + timedelta(days=1)) if previous["last"] else start
                    date_to = today
                    if date_from > date_to:
                        continue
                    daily = rule._daily_rate()
                    rate_applied = daily * 365 * 100
                    amount = rule._interest(residual, move_reductions, date_from, date_to, daily)
                amount = max(amount, rule._to_invoice_currency(rule.min_amount, move))
                if rule.max_amount:
                    amount = min(amount, rule._to_invoice_currency(rule.max_amount, move) - previous["total"])
                amount = currency.round(amount)
                allowed, cut = None, 0.0
                if ceiling is not None:
                    # what the ceiling leaves for this charge, once every earlier charge is counted
                    allowed = currency.round(max(ceiling - charged[move.id], 0.0))
                    if currency.compare_amounts(amount, allowed) > 0:
                        cut, amount = currency.round(amount - allowed), allowed
                if currency.compare_amounts(amount, 0) <= 0:
                    continue
                charged[move.id] += amount
                charges.append({
                    "rule_id": rule.id, "move_id": move.id, "date_from": date_from, "date_to": date_to,
                    "days": (date_to - date_from).days + 1, "base_amount": residual, "amount": amount,
                    "currency_id": currency.id, "rate_applied": rate_applied, "rate_capped": bool(cut),
                    "ceiling_amount": allowed or 0.0, "amount_cut": cut,
                })
        return charges

    @api.model
    def _charged_before(self, moves):
        """{move id: late charges already on it} in its currency: every rule's posted fees, and the interest
        invoiced by payment plans covering it (its share of each plan's interest, by open amount)."""
        charged = dict.fromkeys(moves.ids, 0.0)
        for move, amount in self.env["collection.fee"].sudo()._read_group(
                [("move_id", "in", moves.ids), ("state", "=", "posted")], ["move_id"], ["amount:sum"]):
            charged[move.id] += amount
        plans = self.env["collection.payment.plan"].sudo().search([("move_ids", "in", moves.ids),
                                                                  ("interest_move_ids", "!=", False)])
        for plan in plans:
            interest = sum(plan.interest_move_ids.filtered(
                lambda m: m.state == "posted" and m.payment_state != "reversed").mapped("amount_untaxed"))
            if not interest or plan.currency_id.is_zero(plan.amount_total):
                continue
            for move in plan.move_ids & moves:
                share = move.amount_total / sum(plan.move_ids.mapped("amount_total"))
                charged[move.id] += interest * share
        return charged

    @api.model
    def _interest(self, residual_now, reductions, date_from, date_to, daily):
        """Simple interest over [date_from, date_to] on each day's open amount (``collection.ceiling``'s days)."""
        segments = self.env["collection.ceiling"]._open_segments(residual_now, reductions, date_from, date_to)
        return sum(owed * daily * days for owed, days in segments)

    def _charge(self, moves, today=None):
        """Post the fees of these rules on ``moves``: one posted fee invoice per charge. Idempotent."""
        today = today or fields.Date.context_today(self)
        # invoices another transaction holds (a payment being registered, a concurrent charge) are left for
        # the next charge: the unique keys make charging them later exact
        moves = moves.try_lock_for_update(allow_referencing=True)
        charges = self._compute_charges(moves, today)
        return self.env["collection.fee"]._post_charges(charges)

    @api.model
    def _charge_cases(self, cases, today=None):
        """Charge every active rule of the cases' companies on their overdue invoices."""
        rules = self.sudo().search([("company_id", "in", cases.company_id.ids)])
        return rules._charge(cases.move_ids.filtered(lambda m: m.collection_days_overdue > 0), today)
