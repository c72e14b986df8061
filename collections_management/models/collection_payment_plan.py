from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

FREQUENCY_STEP = {
    "weekly": relativedelta(weeks=1),
    "biweekly": relativedelta(weeks=2),
    "monthly": relativedelta(months=1),
}


class CollectionPaymentPlan(models.Model):
    """A payment plan that restructures the debtor's receivable for real.

    Activating it posts one balanced entry: credit lines that settle the covered
    invoices' open balances (reconciled with them) and one receivable debit line
    per installment, due on the installment date. From then on aging, the engine,
    the portal and Odoo's own reconciliation all see the new schedule, and each
    installment's state comes from its receivable line's residual.
    """

    _name = "collection.payment.plan"
    _description = "Payment Plan"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, default="/", copy=False, readonly=True)
    case_id = fields.Many2one("collection.case", required=True, index=True, check_company=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True, default=lambda self: self.env.company.currency_id,
                                  help="The covered invoices' currency (set from them).")
    move_ids = fields.Many2many("account.move", string="Covered invoices", check_company=True)
    amount_total = fields.Monetary("Total covered", readonly=True)
    down_payment = fields.Monetary()
    installment_count = fields.Integer("Number of installments", default=3, required=True)
    frequency = fields.Selection([("weekly", "Weekly"), ("biweekly", "Every two weeks"), ("monthly", "Monthly")],
                                 default="monthly", required=True)
    first_date = fields.Date("First installment", required=True)
    interest_rate = fields.Float(
        "Interest (%)", help="Flat interest on the financed amount (total less down payment), spread on the installments.")
    interest_amount = fields.Monetary(readonly=True)
    interest_account_id = fields.Many2one(
        "account.account", check_company=True, domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Income account of the interest. Empty: the company's first 'other income' account.")
    grace_days = fields.Integer(default=5, help="Days after an installment's date before the plan is broken.")
    state = fields.Selection(
        [("draft", "Draft"), ("proposed", "Proposed"), ("active", "Active"), ("completed", "Completed"),
         ("broken", "Broken"), ("cancelled", "Cancelled")], default="draft", required=True, tracking=True, index=True)
    line_ids = fields.One2many("collection.payment.plan.line", "plan_id", "Installments")
    restructure_move_id = fields.Many2one("account.move", "Restructuring entry", readonly=True, copy=False)
    needs_approval = fields.Boolean(compute="_compute_needs_approval")
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    accepted_date = fields.Datetime(readonly=True, copy=False)
    accepted_by_partner_id = fields.Many2one("res.partner", readonly=True, copy=False)
    accepted_user_id = fields.Many2one("res.users", readonly=True, copy=False)
    accepted_ip = fields.Char(readonly=True, copy=False)
    acceptance_channel = fields.Selection([("backend", "Backend"), ("portal", "Customer portal")], readonly=True)

    @api.depends("amount_total", "company_id.collection_plan_approval_amount", "approved_by_id")
    def _compute_needs_approval(self):
        for plan in self:
            limit = plan.company_id.collection_plan_approval_amount
            plan.needs_approval = bool(limit and plan.amount_total > limit and not plan.approved_by_id)

    @api.constrains("installment_count", "down_payment", "first_date", "state")
    def _check_plan(self):
        for plan in self.filtered(lambda p: p.state in ("draft", "proposed")):
            if plan.installment_count <= 0:
                raise ValidationError(self.env._("A payment plan needs at least one installment."))
            if plan.interest_rate < 0:
                raise ValidationError(self.env._("The interest rate cannot be negative."))
            if plan.down_payment < 0:
                raise ValidationError(self.env._("The down payment cannot be negative."))
            if plan.first_date < fields.Date.context_today(self):
                raise ValidationError(self.env._("The first installment cannot be in the past."))

    @api.model_create_multi
    def create(self, vals_list):
        plans = super().create(vals_list)
        for plan in plans:
            plan.name = self.env._("Plan %(case)s-%(id)s", case=plan.case_id.name, id=plan.id)
            plan._compute_schedule()
        return plans

    @api.onchange("move_ids", "down_payment", "installment_count", "frequency", "first_date")
    def _onchange_schedule_preview(self):
        """Live preview of the installments while the plan is being drafted."""
        if self.state != "draft" or not self.move_ids or not self.first_date or self.installment_count <= 0:
            return None
        try:
            self._compute_schedule()
        except ValidationError as error:
            return {"warning": {"title": self.env._("Payment plan"), "message": str(error)}}
        return None

    # ------------------------------------------------------------------ schedule
    def _open_lines(self):
        self.ensure_one()
        return self.move_ids.line_ids.filtered(
            lambda l: l.account_id.account_type == "asset_receivable" and not l.reconciled and l.amount_residual)

    def _compute_schedule(self):
        """Installments that sum exactly to the total: each rounded down, the last takes the remainder."""
        for plan in self:
            moves = plan.move_ids
            if not moves:
                raise ValidationError(self.env._("Choose the invoices the plan covers."))
            if any(m.state != "posted" or m.move_type != "out_invoice" for m in moves):
                raise ValidationError(self.env._("A plan covers posted customer invoices only."))
            if any(m.commercial_partner_id != plan.partner_id for m in moves):
                raise ValidationError(self.env._("Every covered invoice must belong to the case's debtor."))
            if len(moves.currency_id) > 1:
                raise ValidationError(self.env._("A plan covers invoices of one currency."))
            paid = moves.filtered(lambda m: m.currency_id.is_zero(m.amount_residual))
            if paid:
                raise ValidationError(self.env._("%s is already paid: it cannot be part of a plan.",
                                                 ", ".join(paid.mapped("name"))))
            currency = moves.currency_id
            total = currency.round(sum(moves.mapped("amount_residual")))
            if currency.compare_amounts(plan.down_payment, total) >= 0:
                raise ValidationError(self.env._("The down payment must be less than the total."))
            interest = currency.round((total - plan.down_payment) * plan.interest_rate / 100)
            financed = currency.round(total - plan.down_payment + interest)
            each = currency.round(financed / plan.installment_count - currency.rounding / 2)
            amounts = [each] * (plan.installment_count - 1)
            amounts.append(currency.round(financed - sum(amounts)))
            dates = [plan.first_date + FREQUENCY_STEP[plan.frequency] * i for i in range(plan.installment_count)]
            lines = [Command.clear()]
            if plan.down_payment:
                lines.append(Command.create({"sequence": 0, "date": fields.Date.context_today(self),
                                             "amount": plan.down_payment, "is_down_payment": True}))
            lines += [Command.create({"sequence": i + 1, "date": d, "amount": a})
                      for i, (d, a) in enumerate(zip(dates, amounts))]
            plan.write({"currency_id": currency.id, "amount_total": total, "interest_amount": interest,
                        "line_ids": lines})

    # ------------------------------------------------------------------ actions
    def action_propose(self):
        for plan in self.filtered(lambda p: p.state == "draft"):
            plan._compute_schedule()
            plan.state = "proposed"

    def action_approve(self):
        if not self.env.user.has_group("collections_management.collections_management_group_manager"):
            raise UserError(self.env._("Only a Collections Manager can approve a payment plan."))
        self.write({"approved_by_id": self.env.user.id})

    def action_accept(self, ip=None, signer=None, channel="backend"):
        """Record the customer's acceptance (who, when, from where) and activate the plan."""
        for plan in self:
            plan.write({
                "accepted_date": fields.Datetime.now(), "accepted_user_id": self.env.user.id,
                "accepted_by_partner_id": (signer or self.env.user.partner_id).id,
                "accepted_ip": ip, "acceptance_channel": channel,
            })
        return self.action_activate()

    def action_activate(self):
        for plan in self:
            if plan.state not in ("draft", "proposed"):
                raise UserError(self.env._("Only a draft or proposed plan can be activated."))
            if plan.needs_approval:
                raise UserError(self.env._(
                    "This plan is above the approval amount: a Collections Manager must approve it first."))
            plan._compute_schedule()
            plan._post_restructuring()
            plan.state = "active"
        return True

    def _post_restructuring(self):
        self.ensure_one()
        originals = self._open_lines()
        account = originals.account_id[:1]
        company_total = sum(originals.mapped("amount_residual"))
        currency_total = sum(originals.mapped("amount_residual_currency"))
        journal = self.env["account.journal"].search(
            [("company_id", "=", self.company_id.id), ("type", "=", "general")], limit=1)
        company_currency = self.company_id.currency_id
        rate = company_total / currency_total
        interest_balance = company_currency.round(self.interest_amount * rate)
        grand_currency = currency_total + self.interest_amount
        grand_company = company_total + interest_balance
        lines, allocated = [], 0.0
        for index, installment in enumerate(self.line_ids.sorted("sequence")):
            if index == len(self.line_ids) - 1:
                balance = company_currency.round(grand_company - allocated)
            else:
                balance = company_currency.round(grand_company * installment.amount / grand_currency)
            allocated += balance
            lines.append(Command.create({
                "name": self.env._("%(plan)s installment %(n)s", plan=self.name, n=installment.sequence),
                "account_id": account.id, "partner_id": self.partner_id.id, "currency_id": self.currency_id.id,
                "amount_currency": installment.amount, "balance": balance, "date_maturity": installment.date,
            }))
        if self.interest_amount:
            income = self.interest_account_id or self.env["account.account"].search(
                [("company_ids", "in", self.company_id.ids), ("account_type", "=", "income_other")], limit=1)
            if not income:
                raise UserError(self.env._("Choose the income account of the plan's interest."))
            lines.append(Command.create({
                "name": self.env._("%(plan)s: interest", plan=self.name), "account_id": income.id,
                "partner_id": self.partner_id.id, "currency_id": self.currency_id.id,
                "amount_currency": -self.interest_amount, "balance": -interest_balance,
            }))
        for line in originals:
            lines.append(Command.create({
                "name": self.env._("%(plan)s: restructures %(invoice)s", plan=self.name, invoice=line.move_id.name),
                "account_id": line.account_id.id, "partner_id": self.partner_id.id, "currency_id": line.currency_id.id,
                "amount_currency": -line.amount_residual_currency, "balance": -line.amount_residual,
            }))
        move = self.env["account.move"].create({
            "move_type": "entry", "journal_id": journal.id, "date": fields.Date.context_today(self),
            "partner_id": self.partner_id.id,
            "ref": self.name, "line_ids": lines,
        })
        move.action_post()
        # lines keep their creation order: installments, then one counterpart per original line
        created = move.line_ids.sorted("id")
        installments = created[:len(self.line_ids)]
        counterparts = created[len(self.line_ids) + (1 if self.interest_amount else 0):]
        for installment, line in zip(self.line_ids.sorted("sequence"), installments):
            installment.move_line_id = line
        for original, counterpart in zip(originals, counterparts):
            (original | counterpart).reconcile()
        self.restructure_move_id = move

    def action_cancel(self):
        """Undo a plan no installment of which was paid: the invoices are open again."""
        for plan in self:
            if plan.state == "active":
                if any(line.state in ("paid", "partial") for line in plan.line_ids):
                    raise UserError(self.env._("Installments were paid: break the plan instead of cancelling it."))
                plan.restructure_move_id.button_draft()
                plan.restructure_move_id.button_cancel()
            plan.state = "cancelled"

    def _check_breach(self, today=None):
        """Break active plans with an installment unpaid past the grace days; complete the fully paid."""
        today = today or fields.Date.context_today(self)
        for plan in self.filtered(lambda p: p.state == "active"):
            if all(line.state == "paid" for line in plan.line_ids):
                plan.state = "completed"
                continue
            late = plan.line_ids.filtered(lambda l: l.state != "paid"
                                          and (today - l.date).days > plan.grace_days)
            if late:
                plan.state = "broken"
                self.env["collection.engine"]._schedule_activities(
                    plan.case_id, self.env.ref("mail.mail_activity_data_call"),
                    self.env._("Payment plan broken: installment of %s unpaid", min(late.mapped("date"))), today)

    @api.model
    def _cron_check_plans(self):
        self.search([("state", "=", "active")])._check_breach()


class CollectionPaymentPlanLine(models.Model):
    _name = "collection.payment.plan.line"
    _description = "Payment Plan Installment"
    _order = "plan_id, sequence"

    plan_id = fields.Many2one("collection.payment.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    sequence = fields.Integer()
    is_down_payment = fields.Boolean()
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True)
    move_line_id = fields.Many2one("account.move.line", "Receivable line", readonly=True, index="btree_not_null")
    amount_residual = fields.Monetary(compute="_compute_state")
    state = fields.Selection([("due", "Due"), ("partial", "Partially paid"), ("paid", "Paid"), ("overdue", "Overdue")],
                             compute="_compute_state")

    @api.depends("move_line_id.amount_residual_currency", "date", "amount")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for line in self:
            residual = line.move_line_id.amount_residual_currency if line.move_line_id else line.amount
            line.amount_residual = residual
            if line.move_line_id and line.currency_id.compare_amounts(residual, 0) <= 0:
                line.state = "paid"
            elif line.currency_id.compare_amounts(residual, line.amount) < 0:
                line.state = "partial"
            elif line.date < today:
                line.state = "overdue"
            else:
                line.state = "due"
