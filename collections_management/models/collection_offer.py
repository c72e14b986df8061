from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date, formatLang

OPEN_STATES = ("draft", "to_approve", "open")


class CollectionOffer(models.Model):
    """A settlement (or early-payment) offer: pay a stated amount by a deadline, the rest is forgiven.

    Nothing is posted when the offer is made. When the customer's payments on
    the covered documents, received by the deadline, reach the amount to pay,
    the offer is honoured for real: what is left open on each covered document
    is closed with a credit note (or a write-off entry on the company's
    settlement account), reconciled, so the invoices end fully paid and the
    books balance. Past the deadline the offer expires and nothing is posted.
    """

    _name = "collection.offer"
    _description = "Settlement offer"
    _inherit = ["mail.thread", "mail.activity.mixin", "collection.guard.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _collection_system_fields = ("state", "amount_base", "amount_fees", "approved_by_id", "confirmed_at",
                                 "settlement_move_id", "decided_date", "amount_received", "settlement_reversal_id")

    name = fields.Char(compute="_compute_name", store=True)
    case_id = fields.Many2one("collection.case", required=True, index=True, check_company=True, ondelete="cascade")
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id", store=True)
    kind = fields.Selection([("settlement", "Settlement of overdue debt"), ("early", "Early-payment incentive")],
                            required=True, default="settlement")
    move_ids = fields.Many2many("account.move", "collection_offer_move_rel", "offer_id", "move_id", "Invoices",
                                check_company=True)
    fee_move_ids = fields.Many2many("account.move", "collection_offer_fee_rel", "offer_id", "move_id",
                                    "Late fees and interest", check_company=True,
                                    help="Open late-fee and interest documents whose waiver the offer includes.")
    discount_percent = fields.Float("Discount (%)")
    waiver_percent = fields.Float("Fees and interest waived (%)")
    amount_base = fields.Monetary("Open amount", readonly=True, help="Open amount of the invoices when offered.")
    amount_fees = fields.Monetary("Open fees and interest", readonly=True)
    amount_discount = fields.Monetary("Discount", compute="_compute_amounts", store=True)
    amount_waived = fields.Monetary("Waived", compute="_compute_amounts", store=True)
    amount_to_pay = fields.Monetary("Amount to pay", compute="_compute_amounts", store=True)
    amount_received = fields.Monetary("Received by the deadline", readonly=True)
    deadline = fields.Date(required=True)
    state = fields.Selection(
        [("draft", "Draft"), ("to_approve", "Waiting for approval"), ("open", "Offered"), ("honoured", "Honoured"),
         ("expired", "Expired"), ("cancelled", "Cancelled")],
        default="draft", required=True, tracking=True, index=True)
    needs_approval = fields.Boolean(compute="_compute_needs_approval")
    limit_discount = fields.Float("Discount allowed (%)", compute="_compute_needs_approval")
    limit_waiver = fields.Float("Waiver allowed (%)", compute="_compute_needs_approval")
    approved_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    confirmed_at = fields.Datetime("Offered on", readonly=True,
                                   help="Payments reconciled from then on count towards the offer.")
    decided_date = fields.Date(readonly=True)
    settlement_move_id = fields.Many2one("account.move", "Settlement entry", readonly=True)
    settlement_reversal_id = fields.Many2one(
        "account.move", "Settlement reversed by", readonly=True,
        help="The payment that honoured the offer was cancelled: its settlement was reversed by this entry.")
    user_id = fields.Many2one("res.users", "Offered by", default=lambda self: self.env.user, readonly=True)

    _one_open_per_case = models.UniqueIndex("(case_id) WHERE state IN ('draft', 'to_approve', 'open')",
                                            "A case has one open offer at a time.")

    @api.constrains("discount_percent", "waiver_percent")
    def _check_percents(self):
        for offer in self:
            if not 0 <= offer.discount_percent < 100 or not 0 <= offer.waiver_percent <= 100:
                raise ValidationError(self.env._(
                    "A discount is between 0 and 100 % (not included); a waiver between 0 and 100 %."))

    @api.depends("case_id.name", "kind")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for offer in self:
            offer.name = f"{kinds[offer.kind]} — {offer.case_id.name}" if offer.case_id else False

    @api.depends("move_ids.currency_id", "company_id")
    def _compute_currency_id(self):
        for offer in self:
            offer.currency_id = offer.move_ids.currency_id[:1] or offer.company_id.currency_id

    @api.depends("amount_base", "amount_fees", "discount_percent", "waiver_percent", "currency_id")
    def _compute_amounts(self):
        for offer in self:
            currency = offer.currency_id or offer.company_id.currency_id
            offer.amount_discount = currency.round(offer.amount_base * offer.discount_percent / 100)
            offer.amount_waived = currency.round(offer.amount_fees * offer.waiver_percent / 100)
            offer.amount_to_pay = currency.round(offer.amount_base + offer.amount_fees - offer.amount_discount
                                                 - offer.amount_waived)

    @api.depends("discount_percent", "waiver_percent", "case_id.stage_id", "case_id.segment_id", "approved_by_id")
    def _compute_needs_approval(self):
        for offer in self:
            source = offer.case_id.segment_id if offer.case_id.segment_id.offer_limits else offer.case_id.stage_id
            offer.limit_discount = source.offer_max_discount
            offer.limit_waiver = source.offer_max_waiver
            offer.needs_approval = not offer.approved_by_id and (
                offer.discount_percent > offer.limit_discount or offer.waiver_percent > offer.limit_waiver)

    # ------------------------------------------------------------------ create and validate
    @api.model_create_multi
    def create(self, vals_list):
        self._collection_check_create_vals(vals_list)
        for vals in vals_list:
            self.env["collection.case"].browse(vals.get("case_id")).check_access("read")
            if self.sudo().search_count([("case_id", "=", vals.get("case_id")), ("state", "in", OPEN_STATES)],
                                        limit=1):
                raise UserError(self.env._("This case already has an open offer: cancel it before making another."))
        # the offer and its checks are one: a refused offer leaves nothing behind
        with self.env.cr.savepoint():
            offers = super().create(vals_list)
            for offer in offers:
                if offer.case_id.state != "open":
                    raise UserError(self.env._("Case %s is closed: no offer can be made on it.", offer.case_id.name))
                defaults = {}
                if not offer.move_ids:
                    defaults["move_ids"] = [Command.set(offer._default_moves().ids)]
                if offer.waiver_percent and not offer.fee_move_ids:
                    defaults["fee_move_ids"] = [Command.set(offer._default_fee_moves().ids)]
                if defaults:
                    super(CollectionOffer, offer).write(defaults)
                offer._collection_snapshot()
        return offers

    def write(self, vals):
        terms = {"move_ids", "fee_move_ids", "discount_percent", "waiver_percent", "deadline", "kind", "case_id"}
        changing = bool(terms & set(vals))
        if changing and not self.env.su and any(offer.state not in ("draft", "to_approve") for offer in self):
            raise UserError(self.env._("An offer made to the customer is not changed: cancel it and make another."))
        res = super().write(vals)
        if changing:
            # new terms: a new snapshot, and an approval given to other terms no longer holds
            self.sudo().write({"state": "draft", "approved_by_id": False})
            self._collection_snapshot()
        return res

    @api.onchange("case_id", "kind")
    def _onchange_case_moves(self):
        """A new offer shows the invoices it would settle and the debt before it is saved."""
        if self.state == "draft" and self.case_id:
            self.move_ids = self._default_moves()
            self._onchange_preview_amounts()

    @api.onchange("move_ids", "fee_move_ids", "waiver_percent")
    def _onchange_preview_amounts(self):
        """The open amounts the discount and the waiver would apply to (the snapshot taken on saving)."""
        if self.state != "draft" or not self.case_id:
            return
        if self.waiver_percent and not self.fee_move_ids:
            self.fee_move_ids = self._default_fee_moves()
        currency = self.move_ids.currency_id[:1] or self.company_id.currency_id
        self.amount_base = currency.round(sum(self.move_ids.mapped("amount_residual")))
        self.amount_fees = currency.round(sum(self.fee_move_ids.mapped("amount_residual")))

    def _default_moves(self):
        """Settlement: the invoices the case claims; early payment: the invoices not yet due."""
        self.ensure_one()
        case = self.case_id
        today = fields.Date.context_today(self)
        if self.kind == "early":
            return case.move_ids.filtered(lambda m: m.amount_residual > 0 and not m.collection_charge_type
                                          and m.invoice_date_due and m.invoice_date_due >= today)
        return case._collection_overdue_moves().filtered(lambda m: not m.collection_charge_type)

    def _default_fee_moves(self):
        self.ensure_one()
        return self.env["account.move"].search([
            ("commercial_partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
            ("collection_charge_type", "!=", False), ("state", "=", "posted"), ("amount_residual", ">", 0)])

    def _collection_snapshot(self):
        """Open amounts of the covered documents now (what the discount and the waiver apply to)."""
        for offer in self:
            offer._collection_check_terms()
            offer.sudo().write({
                "amount_base": offer.currency_id.round(sum(offer.move_ids.mapped("amount_residual"))),
                "amount_fees": offer.currency_id.round(sum(offer.fee_move_ids.mapped("amount_residual"))),
            })

    def _collection_check_terms(self):
        self.ensure_one()
        docs = self.move_ids | self.fee_move_ids
        if not self.move_ids:
            raise ValidationError(self.env._("Choose the invoices the offer settles."))
        if any(m.state != "posted" or m.commercial_partner_id != self.partner_id or m.move_type != "out_invoice"
               for m in docs):
            raise ValidationError(self.env._("An offer covers posted customer invoices of the case's debtor."))
        if len(docs.currency_id) > 1:
            raise ValidationError(self.env._("An offer covers documents of one currency."))
        if docs.filtered(lambda m: m.currency_id.is_zero(m.amount_residual)):
            raise ValidationError(self.env._("%s is already paid.", ", ".join(
                docs.filtered(lambda m: m.currency_id.is_zero(m.amount_residual)).mapped("name"))))
        if self.move_ids.filtered("collection_disputed"):
            raise ValidationError(self.env._("A disputed invoice is settled by resolving the dispute, not by an offer."))
        if self.fee_move_ids.filtered(lambda m: not m.collection_charge_type):
            raise ValidationError(self.env._("Only late-fee and interest documents can be waived."))
        if self.waiver_percent and not self.fee_move_ids:
            raise ValidationError(self.env._("There are no open late fees or interest to waive."))
        if self.deadline and self.deadline < fields.Date.context_today(self) and self.state in OPEN_STATES:
            raise ValidationError(self.env._("The deadline of an offer cannot be in the past (%s).",
                                    format_date(self.env, self.deadline)))
        if not self.discount_percent and not self.waiver_percent:
            raise ValidationError(self.env._("An offer gives a discount, a waiver of fees and interest, or both."))
        if self.kind == "early":
            today = fields.Date.context_today(self)
            due = [move.collection_due_date or move.invoice_date_due for move in self.move_ids]
            if any(day < today for day in due):
                raise ValidationError(self.env._("An early-payment offer covers invoices not yet due: %s is overdue.",
                                        ", ".join(m.name for m, d in zip(self.move_ids, due, strict=True) if d < today)))
            if self.deadline and self.deadline > min(due):
                raise ValidationError(self.env._(
                    "An early-payment offer is paid before the invoices fall due: its deadline cannot be after "
                    "%s.", format_date(self.env, min(due))))
        if self.company_id.collection_offer_vat == "reduce" and self.company_id.collection_offer_method != "credit_note":
            raise ValidationError(self.env._("A forgiven amount that reduces VAT is settled by a credit note: choose the "
                                    "credit note method in the Collections settings."))

    # ------------------------------------------------------------------ workflow
    def action_confirm(self):
        """Make the offer: within the limits it is offered at once, above them it waits for a manager."""
        for offer in self:
            offer.check_access("write")
            if offer.state != "draft":
                raise UserError(self.env._("Only a draft offer can be confirmed."))
            offer._collection_check_terms()
            if offer.needs_approval:
                offer.sudo().state = "to_approve"
                managers = offer.company_id.collection_default_user_id
                offer.activity_schedule("mail.mail_activity_data_todo", user_id=(managers or self.env.user).id,
                                        summary=self.env._("Approve the offer: %(discount)s%% discount, "
                                                           "%(waiver)s%% of fees waived",
                                                           discount=formatLang(self.env, offer.discount_percent),
                                                           waiver=formatLang(self.env, offer.waiver_percent)))
                continue
            offer._collection_open()
        return True

    def action_approve(self):
        if not self._collection_is_manager():
            raise AccessError(self.env._("Only a Collections Manager can approve an offer above the limits."))
        for offer in self:
            if offer.state != "to_approve":
                raise UserError(self.env._("Only an offer waiting for approval can be approved."))
            offer._collection_check_terms()
            offer.sudo().write({"approved_by_id": self.env.user.id})
            offer._collection_open()
        return True

    def _collection_open(self):
        for offer in self:
            offer.sudo().write({"state": "open", "confirmed_at": self.env.cr.now()})
            offer.case_id.message_post(body=offer._collection_summary())

    def action_cancel(self):
        for offer in self:
            offer.check_access("write")
            if offer.state not in OPEN_STATES:
                raise UserError(self.env._("Only an open offer can be cancelled."))
            offer.sudo().write({"state": "cancelled", "decided_date": fields.Date.context_today(self)})
        return True

    def action_send(self):
        """Email the offer with its deadline and the link to pay it online."""
        self.ensure_one()
        if self.state != "open":
            raise UserError(self.env._("Only an offer made to the customer can be sent."))
        self.case_id._collection_prepare_portal_links()
        template = self.env.ref("collections_management.mail_template_collection_offer")
        return {"type": "ir.actions.act_window", "res_model": "mail.compose.message", "view_mode": "form",
                "target": "new", "context": {"default_model": self._name, "default_res_ids": self.ids,
                                             "default_template_id": template.id,
                                             "default_composition_mode": "comment"}}

    def _collection_summary(self, env=None):
        """The offer in the words of the customer's statement and the collector's script."""
        self.ensure_one()
        env = env or self.env
        return env._("Offer: pay %(amount)s by %(deadline)s instead of %(total)s", amount=format_amount(
            env, self.amount_to_pay, self.currency_id), deadline=format_date(env, self.deadline),
            total=format_amount(env, self.amount_base + self.amount_fees, self.currency_id))

    # ------------------------------------------------------------------ honouring
    def _collection_cash(self):
        """{offer id: cash matched with its documents since it was made and paid by its deadline}, in the
        offer's currency. See ``collection.cash``."""
        offers = self.filtered("confirmed_at")
        if not offers:
            return {}
        self.env.flush_all()
        docs = SQL(
            """
            SELECT offer_id, move_id FROM collection_offer_move_rel WHERE offer_id = ANY(%(offers)s)
             UNION SELECT offer_id, move_id FROM collection_offer_fee_rel WHERE offer_id = ANY(%(offers)s)
            """, offers=offers.ids)
        self.env.cr.execute(SQL(
            """
            SELECT o.id, SUM(cash.amount_currency)
              FROM collection_offer o
              JOIN (%(docs)s) docs ON docs.offer_id = o.id
              JOIN (%(cash)s) cash ON cash.move_id = docs.move_id
             WHERE cash.matched_at >= o.confirmed_at AND cash.paid_on <= o.deadline
             GROUP BY o.id
            """, docs=docs, cash=self.env["collection.cash"]._of_moves_sql(
                SQL("SELECT move_id FROM (%s) d", docs))))
        return dict(self.env.cr.fetchall())

    def _collection_check(self, today=None):
        """Decide offers from cash (``collection.cash``), idempotently: honour the open ones paid by their
        deadline, expire the unpaid ones past it, and undo an honoured one whose cash is gone (its payment
        cancelled or unreconciled): the settlement is reversed and the offer is open again, or expired.

        Called by the refresh queue after every reconciliation and by the daily cron, never by a page view.
        A settlement that cannot be posted (settings missing) leaves the offer open and tells its collector.
        """
        today = today or fields.Date.context_today(self)
        # a clean context (a payment's flags such as skip_invoice_sync must not reach the settlement)
        context = {key: value for key, value in self.env.context.items()
                   if key in ("lang", "tz", "allowed_company_ids")}
        offers = self.with_env(self.env(context=context)).filtered(lambda o: o.state in ("open", "honoured"))
        cash = offers._collection_cash()
        for offer in offers:
            received = offer.currency_id.round(cash.get(offer.id, 0.0))
            if offer.currency_id.compare_amounts(received, offer.amount_received):
                offer.sudo().amount_received = received
            paid = offer.currency_id.compare_amounts(received, offer.amount_to_pay) >= 0
            if offer.state == "open" and paid:
                try:
                    with self.env.cr.savepoint():
                        offer._collection_honour()
                except UserError as error:
                    self.env["collection.activity"].sudo()._schedule_activities(
                        offer.case_id, self.env.ref("mail.mail_activity_data_todo"),
                        self.env._("Offer paid but not settled: %s", error.args[0]), today)
            elif offer.state == "open" and offer.deadline < today:
                offer.sudo().write({"state": "expired", "decided_date": today})
                offer.case_id.message_post(body=self.env._("Offer expired unpaid: nothing was forgiven (%s).",
                                                           offer.name))
            elif offer.state == "honoured" and not paid:
                offer._collection_undo(today)

    @api.model
    def _collection_check_debtors(self, partner_ids, company_ids=None, today=None):
        """The offers of these debtors that cash may decide: open, or honoured and standing on that cash (an
        honoured offer's case may have closed since, and a new one opened when its payment was cancelled)."""
        domain = [("partner_id", "in", list(partner_ids)), ("state", "in", ("open", "honoured"))]
        if company_ids:
            domain.append(("company_id", "in", list(company_ids)))
        self.sudo().search(domain)._collection_check(today)

    def _collection_undo(self, today):
        """The cash that honoured the offer is gone: reverse the settlement (a reversal, never a reset to draft),
        and the offer is open again until its deadline, or expired past it. Returns the reversal entry."""
        self.ensure_one()
        move = self.settlement_move_id.sudo()
        reversal = self.env["account.move"]
        if move and move.state == "posted":
            # the settlement is matched with the documents: unmatched first, then cancelled by its reversal
            move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable").remove_move_reconcile()
            reversal = move._reverse_moves([{
                "ref": self.env._("Offer %s: its payment was cancelled", self.name),
                "date": today, "invoice_date": today if move.is_invoice() else False}], cancel=True)
            move.collection_offer_id = False  # an offer has one standing settlement (unique key)
        state = "open" if self.deadline >= today else "expired"
        self.sudo().write({"state": state, "decided_date": False if state == "open" else today,
                           "settlement_move_id": False, "settlement_reversal_id": reversal.id or False})
        if state == "open" and self.case_id.state != "open":
            # the settled case closed; the debt is back on the debtor's open case: the offer goes with it, as
            # it was made (not new terms: the base write, past the check that sends changed terms back to draft)
            case = self.env["collection.case"].sudo().search([
                ("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
                ("state", "=", "open")], limit=1)
            if case:
                super(CollectionOffer, self.sudo()).write({"case_id": case.id})
        self.case_id.message_post(body=self.env._(
            "The payment that honoured %(offer)s was cancelled: its settlement %(entry)s is reversed by %(reversal)s "
            "and the offer is %(state)s.", offer=self.name, entry=move.name or "-", reversal=reversal.name or "-",
            state=dict(self._fields["state"]._description_selection(self.env))[state]))
        return reversal

    @api.model
    def _cron_check_offers(self):
        self.sudo().search([("state", "=", "open")])._collection_check()

    def _collection_honour(self):
        """Close what is left open on the covered documents (credit note or write-off), reconciled."""
        self.ensure_one()
        company = self.company_id
        docs = (self.move_ids | self.fee_move_ids).filtered(lambda m: not m.currency_id.is_zero(m.amount_residual))
        account = company.collection_offer_account_id
        if docs and not account:
            raise UserError(self.env._("Set the settlement account in the Collections settings to honour offers."))
        move = self._collection_post_settlement(docs, account) if docs else self.env["account.move"]
        self.sudo().write({"state": "honoured", "decided_date": fields.Date.context_today(self),
                           "settlement_move_id": move.id})
        self.case_id.message_post(body=self.env._(
            "Offer honoured: %(amount)s received by %(deadline)s; the rest was forgiven (%(entry)s).",
            amount=format_amount(self.env, self.amount_received, self.currency_id),
            deadline=format_date(self.env, self.deadline), entry=move.name or "-"))

    def _collection_settlement_lines(self, doc, account):
        """Credit note lines forgiving what is open on ``doc``.

        Where the company's law lets a discount reduce VAT (Mexico: Ley del IVA art. 7, a discount granted
        reduces the value the tax is paid on; the credit note is a CFDI de egreso with its IVA), the forgiven
        amount carries the invoice's taxes in the invoice's proportions: with cash-basis VAT the forgiven part
        is then never declared collected. Elsewhere (Colombia: the VAT was owed when invoiced and a debt
        forgiven later does not reduce it) the settlement carries no tax and the VAT stays owed.
        """
        name = self.env._("Settlement discount on %s", doc.name)
        forgiven = doc.amount_residual
        if self.company_id.collection_offer_vat != "reduce":
            return [{"name": name, "account_id": account.id, "quantity": 1, "price_unit": forgiven,
                     "tax_ids": [Command.clear()]}]
        currency = doc.currency_id
        products = doc.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        groups = {}
        for line in products:
            groups.setdefault(line.tax_ids, 0.0)
            groups[line.tax_ids] += line.price_total
        total = sum(groups.values()) or 1.0
        lines, left = [], forgiven
        for index, (taxes, amount) in enumerate(groups.items()):
            # this tax group's share of what is forgiven, taxes included; the last takes the rounding
            share = left if index == len(groups) - 1 else currency.round(forgiven * amount / total)
            left -= share
            per_unit = taxes.compute_all(1.0, currency=currency)["total_included"] if taxes else 1.0
            lines.append({"name": name, "account_id": account.id, "quantity": 1,
                          "price_unit": currency.round(share / per_unit), "tax_ids": [Command.set(taxes.ids)]})
        return lines

    def _collection_post_settlement(self, docs, account):
        """One posted document forgiving each covered document's open amount, one receivable line per document."""
        company, currency = self.company_id, self.currency_id
        ref = self.env._("Settlement offer %s", self.name)
        if company.collection_offer_method == "credit_note":
            move = self.env["account.move"].sudo().with_company(company).create({
                "move_type": "out_refund", "partner_id": self.partner_id.id, "currency_id": currency.id,
                "collection_offer_id": self.id,
                "invoice_date": fields.Date.context_today(self), "ref": ref, "invoice_payment_term_id": False,
                "invoice_line_ids": [Command.create(vals) for doc in docs
                                     for vals in self._collection_settlement_lines(doc, account)],
            })
            # taxes rounded on the credit note may leave a cent between it and what is open: an untaxed line
            # takes it, so the documents close exactly
            gap = currency.round(sum(docs.mapped("amount_residual")) - move.amount_total)
            if not currency.is_zero(gap):
                move.write({"invoice_line_ids": [Command.create({
                    "name": self.env._("Rounding of the settlement"), "account_id": account.id, "quantity": 1,
                    "price_unit": gap, "tax_ids": [Command.clear()]})]})
            move.action_post()
            # one credit note, one receivable line: reconciled with every document (it covers them exactly)
            receivable = move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
            (receivable | docs.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable"
                                                 and not line.reconciled)).reconcile()
            return move
        journal = company.collection_offer_journal_id or self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "general")], limit=1)
        lines = []
        for doc in docs:
            receivable = doc.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")[:1]
            amount_currency = doc.amount_residual
            balance = abs(sum(doc.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable").mapped("amount_residual")))
            lines.append(Command.create({
                "name": doc.name, "account_id": receivable.account_id.id, "partner_id": self.partner_id.id,
                "currency_id": currency.id, "amount_currency": -amount_currency, "balance": -balance}))
            lines.append(Command.create({
                "name": self.env._("Settlement discount on %s", doc.name), "account_id": account.id,
                "partner_id": self.partner_id.id, "currency_id": currency.id, "amount_currency": amount_currency,
                "balance": balance}))
        move = self.env["account.move"].sudo().with_company(company).create({
            "move_type": "entry", "journal_id": journal.id, "date": fields.Date.context_today(self), "ref": ref,
            "collection_offer_id": self.id, "line_ids": lines})
        move.action_post()
        for doc in docs:  # each document with the write-off line made for it
            credit = move.line_ids.filtered(lambda line, doc=doc: line.name == doc.name
                                            and line.account_id.account_type == "asset_receivable")
            (credit | doc.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable"
                                            and not line.reconciled)).reconcile()
        return move
