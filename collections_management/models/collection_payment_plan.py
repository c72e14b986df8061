
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_round, format_amount, format_date, formatLang

FREQUENCY_STEP = {
    "weekly": relativedelta(weeks=1),
    "biweekly": relativedelta(weeks=2),
    "monthly": relativedelta(months=1),
}

# changing any of these changes what the customer agrees to
SCHEDULE_FIELDS = ("case_id", "move_ids", "down_payment", "installment_count", "frequency", "first_date",
                   "interest_rate", "grace_days")


class CollectionPaymentPlan(models.Model):
    """An agreed schedule to pay the covered invoices, which stay the documents that get paid.

    Nothing is posted to restructure the debt: the covered invoices keep their
    receivable lines, payment state, cash-basis taxes and e-invoicing payment
    flows. Each installment's paid amount comes from the real payments
    reconciled with the covered invoices since activation, applied to the
    installments in date order. Optional interest is invoiced as its own
    customer document per installment (as it falls due, or at activation).
    """

    _name = "collection.payment.plan"
    _description = "Payment Plan"
    _inherit = ["mail.thread", "collection.guard.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _collection_system_fields = (
        "name", "sequence_number", "state", "amount_total", "interest_amount", "line_ids", "activation_date",
        "approved_by_id", "approved_amount", "accepted_date", "accepted_by_partner_id", "accepted_user_id",
        "accepted_ip", "acceptance_channel", "end_date", "end_reason", "ended_at", "restructured_from_id",
        "restructured_into_id", "restructure_count",
    )

    name = fields.Char(required=True, default=lambda self: self.env._("New"), copy=False, readonly=True)
    sequence_number = fields.Integer("Plan number", readonly=True, copy=False,
                                     help="Counter of the plans of the same case.")
    case_id = fields.Many2one("collection.case", required=True, index=True, check_company=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id", store=True,
                                  help="The covered invoices' currency.")
    move_ids = fields.Many2many(
        "account.move", "collection_payment_plan_move_rel", "plan_id", "move_id", string="Covered invoices",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('move_type', '=', 'out_invoice'),"
               " ('state', '=', 'posted'), ('amount_residual', '>', 0)]",
    )
    amount_total = fields.Monetary("Total covered", readonly=True,
                                   help="Open amount of the covered invoices when the schedule was made.")
    down_payment = fields.Monetary()
    installment_count = fields.Integer("Number of installments", default=3, required=True)
    frequency = fields.Selection([("weekly", "Weekly"), ("biweekly", "Every two weeks"), ("monthly", "Monthly")],
                                 default="monthly", required=True)
    first_date = fields.Date("First installment", required=True)
    interest_rate = fields.Float(
        "Interest (%)",
        help="Flat interest on the financed amount (total less down payment), spread on the installments and "
             "invoiced as its own customer document per installment.")
    interest_amount = fields.Monetary(readonly=True)
    schedule_summary = fields.Char(
        "Schedule", compute="_compute_schedule_summary",
        help="The agreement in words: the down payment apart, then the installments and how often.")
    grace_days = fields.Integer(default=5, help="Days after an installment's date before the plan is broken.")
    state = fields.Selection(
        [("draft", "Draft"), ("proposed", "Proposed"), ("active", "Active"), ("completed", "Completed"),
         ("broken", "Defaulted"), ("restructured", "Restructured"), ("cancelled", "Cancelled")],
        default="draft", required=True, tracking=True, index=True)
    ended_at = fields.Datetime(readonly=True, copy=False,
                               help="Payments reconciled from then on no longer pay this plan (see its successor).")
    restructured_from_id = fields.Many2one(
        "collection.payment.plan", "Restructures", readonly=True, copy=False, index="btree_not_null",
        help="The plan this one replaces once activated; what was paid on it stays counted there.")
    restructured_into_id = fields.Many2one("collection.payment.plan", "Restructured into", readonly=True, copy=False)
    restructure_count = fields.Integer("Restructuring number", readonly=True, copy=False,
                                       help="1 for the case's first restructured plan, 2 for the second…")
    line_ids = fields.One2many("collection.payment.plan.line", "plan_id", "Installments", readonly=True)
    activation_date = fields.Datetime(readonly=True, copy=False,
                                      help="Payments reconciled with the covered invoices from then on pay the plan.")
    end_date = fields.Date("Ended on", readonly=True, copy=False)
    end_reason = fields.Char(readonly=True, copy=False)
    interest_move_ids = fields.One2many("account.move", "collection_interest_plan_id", "Interest invoices", readonly=True)
    needs_approval = fields.Boolean(compute="_compute_needs_approval")
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approved_amount = fields.Monetary("Approved total", readonly=True, copy=False,
                                      help="Total of the schedule the manager approved; any change voids it.")
    accepted_date = fields.Datetime(readonly=True, copy=False)
    accepted_by_partner_id = fields.Many2one("res.partner", readonly=True, copy=False)
    accepted_user_id = fields.Many2one("res.users", readonly=True, copy=False)
    accepted_ip = fields.Char(readonly=True, copy=False)
    acceptance_channel = fields.Selection([("backend", "Backend"), ("portal", "Customer portal")], readonly=True)
    amount_paid = fields.Monetary("Paid", compute="_compute_payments")
    amount_remaining = fields.Monetary("Remaining", compute="_compute_payments")
    next_date = fields.Date("Next installment", compute="_compute_payments")
    next_amount = fields.Monetary("Next installment amount", compute="_compute_payments")

    _case_number_uniq = models.Constraint("UNIQUE(case_id, sequence_number)", "Plan numbers are unique per case.")

    @api.depends("move_ids.currency_id", "company_id")
    def _compute_currency_id(self):
        for plan in self:
            plan.currency_id = plan.move_ids.currency_id[:1] or plan.company_id.currency_id or self.env.company.currency_id

    @api.depends("amount_total", "approved_by_id", "approved_amount", "company_id.collection_plan_approval_amount",
                 "restructure_count", "company_id.collection_plan_max_restructures")
    def _compute_needs_approval(self):
        for plan in self:
            limit = plan.company_id.collection_plan_approval_amount
            approved = plan.approved_by_id and not plan.currency_id.compare_amounts(
                plan.approved_amount, plan.amount_total)
            above_amount = bool(limit and plan.company_id.currency_id.compare_amounts(
                plan._amount_in_company_currency(), limit) > 0)
            # restructuring again and again is a manager's decision past the company's limit
            above_restructures = plan.restructure_count > plan.company_id.collection_plan_max_restructures
            plan.needs_approval = bool(not approved and (above_amount or above_restructures))

    def _collection_next_line(self):
        """The installment to pay next: the earliest one with something left to pay (arrears first)."""
        self.ensure_one()
        lines = self._collection_payment_status().get(self.id, {})
        return self.line_ids.filtered(lambda line: lines.get(line.id, {}).get("residual")).sorted(
            lambda line: (line.date, line.sequence))[:1]

    def _compute_payments(self):
        status = self._collection_payment_status()
        for plan in self:
            lines = status.get(plan.id, {})
            principal_paid = sum(v["paid"] for v in lines.values())
            interest_paid = sum(v["interest_paid"] for v in lines.values())
            plan.amount_paid = principal_paid + interest_paid
            plan.amount_remaining = sum(v["residual"] for v in lines.values())
            upcoming = plan.line_ids.filtered(lambda line, lines=lines: lines.get(line.id, {}).get("residual"))
            upcoming = upcoming.sorted(lambda line: (line.date, line.sequence))[:1]
            plan.next_date = upcoming.date
            plan.next_amount = lines[upcoming.id]["residual"] if upcoming else 0.0

    @api.depends("down_payment", "installment_count", "frequency", "currency_id", "line_ids.is_down_payment")
    def _compute_schedule_summary(self):
        frequencies = dict(self._fields["frequency"]._description_selection(self.env))
        for plan in self:
            count = len(plan.line_ids.filtered(lambda line: not line.is_down_payment)) or plan.installment_count
            how_often = frequencies.get(plan.frequency, "").lower()
            installments = (self.env._("1 installment (%(frequency)s)", frequency=how_often) if count == 1 else
                            self.env._("%(count)s installments (%(frequency)s)", count=count, frequency=how_often))
            if plan.currency_id and plan.currency_id.compare_amounts(plan.down_payment, 0) > 0:
                installments = self.env._("down payment of %(amount)s + %(installments)s",
                                          amount=format_amount(self.env, plan.down_payment, plan.currency_id),
                                          installments=installments)
            plan.schedule_summary = installments[:1].upper() + installments[1:]

    @api.constrains("installment_count", "down_payment", "first_date", "interest_rate", "grace_days", "state")
    def _check_plan(self):
        for plan in self.filtered(lambda p: p.state in ("draft", "proposed")):
            if plan.installment_count <= 0:
                raise ValidationError(self.env._("A payment plan needs at least one installment."))
            if plan.installment_count > 120:
                raise ValidationError(self.env._("A payment plan has at most 120 installments."))
            if plan.interest_rate < 0:
                raise ValidationError(self.env._("The interest rate cannot be negative."))
            if plan.down_payment < 0:
                raise ValidationError(self.env._("The down payment cannot be negative."))
            if plan.grace_days < 0:
                raise ValidationError(self.env._("The grace days cannot be negative."))
            if plan.first_date < fields.Date.context_today(self):
                raise ValidationError(self.env._("The first installment cannot be in the past."))

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        self._collection_check_create_vals(vals_list)
        # the plan and its schedule are one: a schedule refused (terms, legal ceiling) leaves no plan behind
        with self.env.cr.savepoint():
            plans = super().create(vals_list)
            for plan in plans:
                number = (max(plan.case_id.sudo().plan_ids.mapped("sequence_number")) or 0) + 1
                plan.sudo().write({
                    "sequence_number": number,
                    "name": self.env._("%(case)s · Plan %(number)s", case=plan.case_id.name, number=number),
                })
            plans._compute_schedule()
            self.env.flush_all()
        return plans

    def write(self, vals):
        schedule_change = set(vals) & set(SCHEDULE_FIELDS)
        if schedule_change and not self.env.su:
            frozen = self.filtered(lambda p: p.state not in ("draft", "proposed"))
            if frozen:
                raise UserError(self.env._(
                    "The schedule of %(plan)s (%(state)s) is frozen: cancel it or agree a new plan.",
                    plan=frozen[0].name, state=dict(self._fields["state"].selection)[frozen[0].state]))
        res = super().write(vals)
        if schedule_change and not self.env.context.get("collection_plan_scheduling"):
            # what the customer would agree to changed: the approval and any acceptance are void
            self.sudo().write({"state": "draft", "approved_by_id": False, "approved_amount": 0.0,
                               "accepted_date": False, "accepted_by_partner_id": False, "accepted_user_id": False,
                               "accepted_ip": False, "acceptance_channel": False})
            self._compute_schedule()
        return res

    def unlink(self):
        if any(plan.state not in ("draft", "cancelled") for plan in self):
            raise UserError(self.env._("Only draft or cancelled payment plans can be deleted."))
        return super().unlink()

    @api.onchange("move_ids", "down_payment", "installment_count", "frequency", "first_date", "interest_rate")
    def _onchange_schedule_preview(self):
        """Live preview of the installments while the plan is being drafted."""
        if self.state != "draft" or not self.move_ids or not self.first_date or self.installment_count <= 0:
            return None
        try:
            vals = self._schedule_values()
        except ValidationError as error:
            # nothing is previewed that could not be saved
            self.update({"interest_amount": 0.0, "line_ids": [Command.clear()]})
            return {"warning": {"title": self.env._("Payment plan"), "message": str(error)}}
        self.update({"amount_total": vals["amount_total"], "interest_amount": vals["interest_amount"]})
        self.line_ids = [Command.clear()] + [Command.create(line) for line in vals["lines"]]
        return None

    # ------------------------------------------------------------------ schedule
    def _amount_in_company_currency(self):
        self.ensure_one()
        return self.currency_id._convert(self.amount_total, self.company_id.currency_id, self.company_id,
                                         fields.Date.context_today(self))

    def _covered_residual(self):
        self.ensure_one()
        return self.currency_id.round(sum(self.move_ids.mapped("amount_residual")))

    def _schedule_values(self):
        """Installments that sum exactly to the total: each rounded down, the last takes the remainder."""
        self.ensure_one()
        moves = self.move_ids
        if not moves:
            raise ValidationError(self.env._("Choose the invoices the plan covers."))
        if any(m.state != "posted" or m.move_type != "out_invoice" for m in moves):
            raise ValidationError(self.env._("A plan covers posted customer invoices only."))
        if any(m.commercial_partner_id != self.partner_id for m in moves):
            raise ValidationError(self.env._("Every covered invoice must belong to the case's debtor."))
        if len(moves.currency_id) > 1:
            raise ValidationError(self.env._("A plan covers invoices of one currency."))
        disputed = moves.filtered("collection_disputed")
        if disputed:
            raise ValidationError(self.env._("%s is disputed: resolve the dispute before planning its payment.",
                                             ", ".join(disputed.mapped("name"))))
        paid = moves.filtered(lambda m: m.currency_id.is_zero(m.amount_residual))
        if paid:
            raise ValidationError(self.env._("%s is already paid: it cannot be part of a plan.",
                                             ", ".join(paid.mapped("name"))))
        if self.down_payment < 0:
            raise ValidationError(self.env._("The down payment cannot be negative."))
        currency = moves.currency_id
        total = currency.round(sum(moves.mapped("amount_residual")))
        if currency.compare_amounts(self.down_payment, total) >= 0:
            raise ValidationError(self.env._("The down payment must be less than the total."))
        financed = currency.round(total - self.down_payment)
        interest = currency.round(financed * self.interest_rate / 100)
        count = self.installment_count

        def split(amount):
            each = float_round(amount / count, precision_rounding=currency.rounding, rounding_method="DOWN")
            parts = [each] * (count - 1)
            return [*parts, currency.round(amount - sum(parts))]

        dates = [self.first_date + FREQUENCY_STEP[self.frequency] * i for i in range(count)]
        lines = []
        if self.down_payment:
            lines.append({"sequence": 0, "date": fields.Date.context_today(self), "amount": self.down_payment,
                          "interest_amount": 0.0, "is_down_payment": True})
        lines += [{"sequence": i + 1, "date": d, "amount": a, "interest_amount": r}
                  for i, (d, a, r) in enumerate(zip(dates, split(financed), split(interest), strict=False))]
        if interest:
            # plan interest is a charge for paying late too: within the legal ceiling for each installment's
            # principal until its date (collection.ceiling)
            today = fields.Date.context_today(self)
            limit = self.env["collection.ceiling"]._max_schedule_interest(
                self.case_id.company_id, today, [(line["date"], line["amount"]) for line in lines])
            if limit is not None and currency.compare_amounts(interest, limit) > 0:
                raise ValidationError(self.env._(
                    "The plan's interest (%(interest)s, %(rate)s %%) is above the legal ceiling of %(ceiling)s %% a "
                    "year for this schedule: at most %(limit)s (%(max_rate)s %% of the financed amount).",
                    interest=format_amount(self.env, interest, currency), rate=formatLang(self.env, self.interest_rate),
                    ceiling=formatLang(self.env, self.case_id.company_id.collection_max_annual_rate),
                    limit=format_amount(self.env, currency.round(limit), currency),
                    max_rate=formatLang(self.env, float_round(100 * limit / financed, 2, rounding_method="DOWN"))))
        return {"amount_total": total, "interest_amount": interest, "lines": lines}

    def _compute_schedule(self):
        for plan in self:
            vals = plan._schedule_values()
            plan.sudo().with_context(collection_plan_scheduling=True).write({
                "amount_total": vals["amount_total"], "interest_amount": vals["interest_amount"],
                "line_ids": [Command.clear()] + [Command.create(line) for line in vals["lines"]],
            })

    # ------------------------------------------------------------------ payments
    def _collection_cash_by_plan(self):
        """Cash (customer payments and bank statement lines) reconciled with the covered invoices since activation.

        Credit notes, write-off entries, exchange differences and reversals are
        not cash: they are left out here and reduce the schedule from its end.
        """
        active = self.filtered("activation_date")
        if not active:
            return {}
        self.env.flush_all()
        self.env.cr.execute(SQL(
            "SELECT plan_id, SUM(amount) FROM (%s) cash GROUP BY plan_id",
            self._collection_plan_cash_sql(SQL("p.id = ANY(%s)", active.ids))))
        return dict(self.env.cr.fetchall())

    @api.model
    def _collection_plan_cash_sql(self, plans_filter):
        """``SELECT plan_id, received_at, amount``: the cash matched with a covered invoice while the plan ran
        (activation to end: the schedule was made from what was open at activation), dated by the payment
        (``received_at``, what installment deadlines are judged on), in the plan's currency, for the plans
        ``plans_filter`` (SQL on ``p``) keeps. The plan's status, the compliance report and the forecast read
        it. See ``collection.cash``."""
        return SQL(
            """
            SELECT rel.plan_id, cash.paid_on AS received_at, cash.amount_currency AS amount
              FROM collection_payment_plan p
              JOIN collection_payment_plan_move_rel rel ON rel.plan_id = p.id
              JOIN (%(cash)s) cash ON cash.move_id = rel.move_id AND cash.matched_at >= p.activation_date
                   AND (p.ended_at IS NULL OR cash.matched_at < p.ended_at)
             WHERE p.activation_date IS NOT NULL AND %(filter)s
            """, cash=self.env["collection.cash"]._of_moves_sql(SQL(
                "SELECT rel.move_id FROM collection_payment_plan p"
                " JOIN collection_payment_plan_move_rel rel ON rel.plan_id = p.id WHERE %s", plans_filter)),
            filter=plans_filter)

    def _collection_payment_status(self):
        """Per plan and installment: principal paid, interest paid and what is left.

        Cash is applied to the installments in date order (an over-payment rolls
        into the next one). Non-cash reductions of the covered invoices (credit
        notes, write-offs) shrink the schedule from its last installment backward.
        """
        cash_by_plan = self._collection_cash_by_plan()
        result = {}
        for plan in self:
            if not plan.id:
                continue
            currency = plan.currency_id
            lines = plan.line_ids.sorted(lambda line: (line.date, line.sequence))
            cash = cash_by_plan.get(plan.id, 0.0) if plan.activation_date else 0.0
            reduction = 0.0
            if plan.state in ("active", "completed", "broken") and not plan.ended_at:
                reduction = max(plan.amount_total - plan._covered_residual() - cash, 0.0)
            owed = {line.id: line.amount for line in lines}
            for line in reversed(lines):
                cut = min(reduction, owed[line.id])
                owed[line.id] -= cut
                reduction -= cut
            status = {}
            for line in lines:
                paid = currency.round(min(cash, owed[line.id]))
                cash -= paid
                interest_paid = 0.0
                interest_due = line.interest_amount if owed[line.id] else 0.0
                if line.interest_move_id and line.interest_move_id.state == "posted":
                    # the interest invoice, taxes included, is what the customer owes for it
                    interest_move = line.interest_move_id
                    reversed_ = interest_move.payment_state == "reversed"
                    interest_due = 0.0 if reversed_ else interest_move.amount_total
                    interest_paid = 0.0 if reversed_ else currency.round(
                        interest_move.amount_total - interest_move.amount_residual)
                residual = currency.round(owed[line.id] - paid + interest_due - interest_paid)
                status[line.id] = {"owed": owed[line.id], "paid": paid, "interest_paid": interest_paid,
                                   "residual": max(residual, 0.0)}
            result[plan.id] = status
        return result

    # ------------------------------------------------------------------ actions
    def action_propose(self):
        """Freeze the schedule as the offer made to the customer (the portal shows it for acceptance)."""
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("Only a draft plan can be proposed."))
            plan.check_access("write")
            plan._compute_schedule()
            plan.sudo().state = "proposed"
            plan.message_post(body=self.env._("Payment plan proposed to the customer: %(schedule)s, total %(total)s.",
                                              schedule=plan.schedule_summary,
                                              total=format_amount(self.env, plan.amount_total + plan.interest_amount,
                                                                  plan.currency_id)))
        return True

    def action_recompute_schedule(self):
        """Rebuild the schedule from today's open amounts (sets the plan back to draft, voids approval)."""
        for plan in self:
            if plan.state not in ("draft", "proposed"):
                raise UserError(self.env._("Only a draft or proposed plan can get a new schedule."))
            plan.check_access("write")
            plan.sudo().write({"state": "draft", "approved_by_id": False, "approved_amount": 0.0,
                               "accepted_date": False, "accepted_by_partner_id": False})
            plan._compute_schedule()
        return True

    def action_approve(self):
        if not self._collection_is_manager():
            raise UserError(self.env._("Only a Collections Manager can approve a payment plan."))
        for plan in self:
            if plan.state not in ("draft", "proposed"):
                raise UserError(self.env._("Only a draft or proposed plan can be approved."))
            plan.sudo().write({"approved_by_id": self.env.user.id, "approved_amount": plan.amount_total})
        return True

    def action_accept(self, ip=None, signer=None, channel="backend"):
        """Record the customer's acceptance (who, when, from where) and activate the plan."""
        for plan in self:
            plan.check_access("write")
            if plan.state not in ("draft", "proposed"):
                raise UserError(self.env._("Only a draft or proposed plan can be accepted."))
            plan.sudo().write({
                "accepted_date": fields.Datetime.now(), "accepted_user_id": self.env.user.id,
                "accepted_by_partner_id": (signer or self.env.user.partner_id).id,
                "accepted_ip": ip, "acceptance_channel": channel,
            })
        return self.action_activate()

    def action_activate(self):
        """Start the agreed schedule: nothing is posted; the covered invoices stay open and get paid."""
        today = fields.Date.context_today(self)
        for plan in self:
            plan.check_access("write")
            if plan.state not in ("draft", "proposed"):
                raise UserError(self.env._("Only a draft or proposed plan can be activated."))
            if plan.needs_approval:
                raise UserError(self.env._(
                    "This plan is above the approval amount: a Collections Manager must approve it first."))
            plan._check_schedule_current(today)
            previous = plan.restructured_from_id
            if previous:
                if previous.state not in ("active", "broken"):
                    raise UserError(self.env._("%(plan)s can no longer be restructured (it is %(state)s).",
                                               plan=previous.name,
                                               state=dict(self._fields["state"].selection)[previous.state]))
                previous._collection_close_restructured(plan)
            other = self.search([("id", "!=", plan.id), ("state", "=", "active"),
                                 ("move_ids", "in", plan.move_ids.ids)], limit=1)
            if other:
                raise UserError(self.env._("%(invoices)s is already covered by the active plan %(plan)s.",
                                           invoices=", ".join((other.move_ids & plan.move_ids).mapped("name")),
                                           plan=other.name))
            if plan.interest_amount and not plan.company_id.collection_interest_product_id:
                raise UserError(self.env._(
                    "Set the product of payment plan interest in the Collections settings (it gives the income "
                    "account and taxes of the interest invoices)."))
            plan.sudo().write({"state": "active", "activation_date": self.env.cr.now()})
            self.env["collection.refresh.request"].sudo()._enqueue_partners(plan.partner_id, plan.company_id)
            plan.line_ids.filtered("is_down_payment").sudo().write({"date": today})
            plan.case_id.sudo().plan_id = plan
            if plan.company_id.collection_plan_interest_timing == "activation":
                plan.line_ids._collection_post_interest()
            plan.message_post(body=self.env._("Payment plan activated: the covered invoices are now collected by "
                                              "the plan's dates."))
        return True

    def _check_schedule_current(self, today):
        """The schedule the customer accepted is activated as is, or not at all."""
        self.ensure_one()
        if self.currency_id.compare_amounts(self._covered_residual(), self.amount_total):
            raise UserError(self.env._(
                "The open amount of the covered invoices changed since this schedule was made (%(then)s, now "
                "%(now)s): recompute the schedule and agree it again.",
                then=format_amount(self.env, self.amount_total, self.currency_id),
                now=format_amount(self.env, self._covered_residual(), self.currency_id)))
        late = self.line_ids.filtered(lambda line: not line.is_down_payment and line.date < today)
        if late:
            raise UserError(self.env._(
                "The installment of %s is already past: recompute the schedule and agree it again.",
                format_date(self.env, min(late.mapped("date")))))

    def action_cancel(self):
        """Cancel a plan nothing was paid on: reverse its posted interest, and the books are as before."""
        for plan in self:
            plan.check_access("write")
            if plan.state in ("completed", "broken", "cancelled"):
                raise UserError(self.env._("A %s plan cannot be cancelled.",
                                           dict(self._fields["state"].selection)[plan.state]))
            if plan.state == "active":
                if plan.currency_id.compare_amounts(plan._collection_cash_by_plan().get(plan.id, 0.0), 0) > 0 \
                        or any(m.payment_state not in ("not_paid", "reversed") for m in plan.interest_move_ids):
                    raise UserError(self.env._("Installments were paid: break the plan instead of cancelling it."))
                plan.line_ids._collection_reverse_interest(self.env._("Payment plan %s cancelled", plan.name))
            plan._collection_end("cancelled", self.env._("Cancelled by %s", self.env.user.name))
        return True

    def action_restructure(self):
        """Re-plan what remains unpaid of an active or defaulted plan: a new draft schedule for the open balance.

        Nothing changes on this plan until the new one is activated (accepted
        by the customer): then this one is closed as restructured, its interest
        not yet due reversed, and what was paid on it stays counted on it only.
        """
        self.ensure_one()
        self.check_access("write")
        if self.state not in ("active", "broken"):
            raise UserError(self.env._("Only an active or defaulted plan can be restructured (%(plan)s is %(state)s).",
                                       plan=self.name, state=dict(self._fields["state"].selection)[self.state]))
        pending = self.search([("restructured_from_id", "=", self.id), ("state", "in", ("draft", "proposed"))],
                              limit=1)
        if pending:
            raise UserError(self.env._("%s is already being restructured: continue with that plan.", pending.name))
        moves = self.move_ids.filtered(lambda m: not m.currency_id.is_zero(m.amount_residual))
        if not moves:
            raise UserError(self.env._("Nothing is left to pay on %s.", self.name))
        # the case's restructurings so far (a cancelled attempt does not count), this one included
        count = self.search_count([("case_id", "=", self.case_id.id), ("restructured_from_id", "!=", False),
                                   ("state", "!=", "cancelled")]) + 1
        new_plan = self.create({
            "case_id": self.case_id.id, "move_ids": [Command.set(moves.ids)], "frequency": self.frequency,
            "installment_count": self.installment_count, "interest_rate": self.interest_rate,
            "grace_days": self.grace_days,
            "first_date": fields.Date.context_today(self) + FREQUENCY_STEP[self.frequency],
        })
        new_plan.sudo().write({"restructured_from_id": self.id, "restructure_count": count})
        new_plan.message_post(body=self.env._("Restructures %(plan)s: %(amount)s still unpaid.", plan=self.name,
                                              amount=format_amount(self.env, new_plan.amount_total,
                                                                   new_plan.currency_id)))
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": new_plan.id, "view_mode": "form",
                "target": "current"}

    def _collection_close_restructured(self, successor):
        """Close this plan as restructured into ``successor``: interest not yet due reversed, history kept."""
        today = fields.Date.context_today(self)
        for plan in self:
            plan.line_ids.filtered(lambda line: line.date > today)._collection_reverse_interest(
                self.env._("Payment plan %(plan)s restructured into %(new)s", plan=plan.name, new=successor.name))
            plan._collection_end("restructured", self.env._("Restructured into %s", successor.name))
            plan.sudo().restructured_into_id = successor
            plan.message_post(body=self.env._("Restructured into %s.", successor.name))

    def _collection_end(self, state, reason):
        today = fields.Date.context_today(self)
        for plan in self:
            plan.sudo().write({"state": state, "end_date": today, "end_reason": reason,
                               "ended_at": self.env.cr.now()})
            self.env["collection.refresh.request"].sudo()._enqueue_partners(plan.partner_id, plan.company_id)
            if plan.case_id.plan_id == plan:
                plan.case_id.sudo().plan_id = False

    # ------------------------------------------------------------------ daily checks
    def _check_breach(self, today=None):
        """Break active plans with an installment unpaid past the grace days; complete the fully paid.

        A broken plan's interest not yet due is reversed; the engine then collects
        the covered invoices again by their own due dates.
        """
        today = today or fields.Date.context_today(self)
        status = self._collection_payment_status()
        activities = self.env["collection.activity"]
        for plan in self.filtered(lambda p: p.state == "active"):
            lines = status.get(plan.id, {})
            currency = plan.currency_id
            credited = plan.line_ids.filtered(lambda line, lines=lines, currency=currency:
                                              currency.is_zero(lines[line.id]["owed"]))
            credited._collection_reverse_interest(
                self.env._("Payment plan %s: installment settled by credit note", plan.name))
            if all(plan.currency_id.is_zero(v["residual"]) for v in lines.values()) \
                    or plan.currency_id.is_zero(plan._covered_residual()):
                # paid off early: interest of installments not yet due is not owed
                plan.line_ids.filtered(lambda line: line.date > today)._collection_reverse_interest(
                    self.env._("Payment plan %s paid off early: interest not yet due", plan.name))
                plan._collection_end("completed", self.env._("Paid in full"))
                continue
            currency, grace = plan.currency_id, plan.grace_days
            late = plan.line_ids.filtered(lambda line, lines=lines, currency=currency, grace=grace:
                                          not currency.is_zero(lines[line.id]["residual"])
                                          and (today - line.date).days > grace)
            if not late:
                continue
            first_late = format_date(self.env, min(late.mapped("date")))
            plan.line_ids.filtered(lambda line: line.date > today)._collection_reverse_interest(
                self.env._("Payment plan %s broken: interest not yet due", plan.name))
            plan._collection_end("broken", self.env._("Installment of %s unpaid after the grace days", first_late))
            plan.message_post(body=self.env._("Payment plan broken: the installment of %s was not paid.", first_late))
            activities._schedule_activities(
                plan.case_id, self.env.ref("mail.mail_activity_data_call"),
                self.env._("Payment plan broken: installment of %s unpaid", first_late), today)

    @api.model
    def _cron_check_plans(self):
        """Daily: invoice interest that falls due, then break or complete the active plans."""
        self = self.with_context(lang=self.env["res.lang"]._collection_database_lang())  # noqa: PLW0642
        today = fields.Date.context_today(self)
        plans = self.search([("state", "=", "active")])
        plans.line_ids.filtered(lambda line: line.date <= today)._collection_post_interest()
        plans._check_breach(today)
