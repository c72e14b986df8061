import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date, html2plaintext

from ..tools.intent import parse_date, read_intent

SPACES = re.compile(r"[\s\u00a0\u202f]")


class CollectionIntake(models.AbstractModel):
    """Customer intake: what a debtor tells us, whatever the channel, becomes a record by the same rules.

    Promises and disputes are created here for the promise wizard, the contact log, the portal, WhatsApp
    and email; the promise model calls ``_check_promise`` on every create, so a record made over RPC
    obeys the same rules. Amounts typed by people are read here too, in their language.
    """

    _name = "collection.intake"
    _description = "Collections: customer intake"

    # ------------------------------------------------------------------ typed amounts
    @api.model
    def _parse_amount(self, text, lang_code=None):
        """The amount a person typed, read with the separators of their language (``res.lang``).

        "1.500.000" is one and a half million in es_419 or es_CO (thousands "." and decimals ","), and
        "1,500,000.50" is read the same way in es_MX or en_US. Anything that is not a well-formed amount in
        that language (a misplaced separator, letters, two decimal marks, a sign) is refused with an example
        in the person's own format, never shortened into another number.

        :raise ValidationError: when ``text`` is not an amount in that language
        """
        Lang = self.env["res.lang"]
        lang = Lang._lang_get(lang_code or self.env.lang or "en_US") or Lang._lang_get("en_US")
        decimal, thousands = lang.decimal_point or ".", SPACES.sub("", lang.thousands_sep or "")
        cleaned = SPACES.sub("", text or "")
        # a currency symbol or code before or after the figure ("$ 1.500.000", "1.500.000 COP")
        cleaned = re.sub(r"^[^\d\-+]+|[^\d]+$", "", cleaned)
        integer, _sep, fraction = cleaned.partition(decimal)
        group = re.escape(thousands) if thousands and thousands != decimal else None
        well_formed = bool(re.fullmatch(r"[0-9]+", integer) or (
            group and re.fullmatch(rf"[0-9]{{1,3}}({group}[0-9]{{3}})+", integer)))
        if not well_formed or (_sep and not re.fullmatch(r"[0-9]+", fraction)):
            raise ValidationError(self.env._(
                "“%(text)s” is not an amount. Write it like %(example)s.",
                text=(text or "").strip(), example=lang.format("%.2f", 1500000.0, grouping=True)))
        return float(f"{integer.replace(thousands, '') if thousands else integer}.{fraction or '0'}")

    @api.model
    def _format_amount(self, amount, currency, lang_code=None):
        """``amount`` as a person of that language types it (no symbol): what ``_parse_amount`` reads back."""
        Lang = self.env["res.lang"]
        lang = Lang._lang_get(lang_code or self.env.lang or "en_US") or Lang._lang_get("en_US")
        return lang.format(f"%.{currency.decimal_places}f", currency.round(amount), grouping=True)

    # ------------------------------------------------------------------ promises
    @api.model
    def _promisable(self, case):
        """What a promise may cover (company currency): what the debtor owes this company, less the debt
        under an active payment plan (its installments are the dates already agreed)."""
        owed = case._collection_open_receivable()
        self.env.flush_all()  # plans, their invoices and the ledger, as the ORM holds them now
        self.env.cr.execute(SQL(
            """
            SELECT COALESCE(SUM(m.amount_residual_signed), 0)
              FROM collection_payment_plan p
              JOIN collection_payment_plan_move_rel rel ON rel.plan_id = p.id
              JOIN account_move m ON m.id = rel.move_id
             WHERE p.case_id = %s AND p.state = 'active'
            """, case.id))
        return case.currency_id.round(owed - self.env.cr.fetchone()[0])

    @api.model
    def _check_promise(self, case, date, amount, replaces=None):
        """The rules of a promise, the same for every channel.

        The case is open; a case has one open promise, unless this one explicitly ``replaces`` it; the
        date is not past and within the company's horizon; the amount is positive and within what may be
        promised (``_promisable``): none at all when everything owed is under an active plan.
        """
        if case.state != "open":
            raise UserError(self.env._("Case %s is closed: no promise can be recorded on it.", case.name))
        current = case.sudo().promise_ids.filtered(lambda p: p.state == "open")
        if replaces and replaces not in current:
            raise UserError(self.env._("Only the case's open promise can be replaced."))
        if current - (replaces or current.browse()):
            promise = current[0]
            raise UserError(self.env._(
                "%(partner)s already has an open promise (%(amount)s by %(date)s): replace it explicitly, "
                "or wait until it is kept or broken.", partner=case.partner_id.name,
                amount=format_amount(self.env, promise.amount, promise.currency_id),
                date=format_date(self.env, promise.date)))
        today = fields.Date.context_today(self)
        if date < today:
            raise ValidationError(self.env._("A promise to pay cannot be dated in the past (%s).", format_date(self.env, date)))
        horizon = case.company_id.collection_promise_horizon_days
        if horizon and (date - today).days > horizon:
            raise ValidationError(self.env._(
                "A promise can be made for at most %(days)s days ahead (until %(limit)s).",
                days=horizon, limit=format_date(self.env, fields.Date.add(today, days=horizon))))
        currency = case.currency_id
        if currency.compare_amounts(amount, 0) <= 0:
            raise ValidationError(self.env._("A promised amount must be positive."))
        promisable = self._promisable(case)
        if currency.compare_amounts(promisable, 0) <= 0:
            raise UserError(self.env._(
                "Everything %(partner)s owes is under an active payment plan: its installments are the dates "
                "agreed, no promise is needed.", partner=case.partner_id.name))
        if currency.compare_amounts(amount, promisable) > 0:
            raise ValidationError(self.env._(
                "The promised amount (%(amount)s) is more than %(partner)s owes outside a payment plan "
                "(%(owed)s).", amount=format_amount(self.env, amount, currency), partner=case.partner_id.name,
                owed=format_amount(self.env, promisable, currency)))

    @api.model
    def _promise(self, case, date, amount, source, replace=False, **values):
        """Record a promise on ``case`` from ``source`` (a channel); with ``replace`` it takes the place of the
        case's open promise, which is withdrawn. Returns the promise; raises as ``_check_promise`` does."""
        replaces = case.sudo().promise_ids.filtered(lambda p: p.state == "open")[:1] if replace else None
        return self.env["collection.promise"].create({
            "case_id": case.id, "date": date, "amount": amount, "source": source,
            "replaces_id": replaces.id if replaces else False, **values})

    @api.model
    def _promise_from_customer(self, case, date, source, **values):
        """A promise the customer wrote (WhatsApp, email) without an amount: what is claimed, at most what may be
        promised (all that may be promised when nothing is claimed)."""
        promisable = self._promisable(case)
        claimed = case._collection_claimed_total()
        amount = min(claimed, promisable) if case.currency_id.compare_amounts(claimed, 0) > 0 else promisable
        return self._promise(case, date, amount, source, **values)

    # ------------------------------------------------------------------ disputes
    @api.model
    def _disputed_invoice(self, case, text):
        """The invoice a customer's message disputes: the one it names, else the oldest one claimed."""
        invoices = case._collection_overdue_moves()
        normalized = (text or "").upper().replace(" ", "")
        named = invoices.filtered(lambda m: m.name and m.name.upper().replace(" ", "") in normalized)
        return (named or invoices)[:1]


    @api.model
    def _dispute(self, move, reason, description, source, amount=None, **values):
        """Open a dispute on ``move`` from ``source``: on the open amount unless a smaller one is named."""
        if move.state != "posted" or move.currency_id.is_zero(move.amount_residual):
            raise ValidationError(self.env._("%s has nothing left to pay: there is nothing to dispute.",
                                             move.name or move.display_name))
        amount = move.amount_residual if amount is None else amount
        if move.currency_id.compare_amounts(amount, move.amount_residual) > 0:
            raise ValidationError(self.env._(
                "The disputed amount (%(amount)s) is more than what is open on %(move)s (%(open)s).",
                amount=format_amount(self.env, amount, move.currency_id), move=move.name,
                open=format_amount(self.env, move.amount_residual, move.currency_id)))
        return self.env["collection.dispute"].create({
            "move_id": move.id, "reason": reason, "description": description, "source": source,
            "amount_disputed": amount, **values})

    # ------------------------------------------------------------------ email
    @api.model
    def _from_email(self, case, message):
        """An email from the debtor on its case (a reply to a reminder, through Odoo's mail gateway): logged as
        their contact, read like a WhatsApp reply, and a promise or a dispute recorded by the same rules as
        every channel; anything else, or a promise the rules refuse, becomes a task for the collector (in the
        collector's language: the mail gateway has none of its own)."""
        lang = case.user_id.lang or self.env["res.lang"]._collection_database_lang()
        self = self.with_context(lang=lang)  # noqa: PLW0642
        text = html2plaintext(message.body or "")
        words = f"{message.subject or ''}\n{text}".strip()
        intent = read_intent(words)
        today = fields.Date.context_today(self)
        log = {"case_id": case.id, "channel": "email", "direction": "inbound", "outcome": "customer_replied",
               "source_ref": f"mail.message,{message.id}", "note": words[:2000]}
        task = self.env._("Email from the customer to answer")
        try:
            with self.env.cr.savepoint():
                if intent == "promise" and (when := parse_date(words, today)):
                    promise = self._promise_from_customer(case, when, "email", user_id=case.user_id.id, note=words)
                    log.update(outcome="promise", promise_id=promise.id)
                    task = self.env._("Promise to pay by email: %(amount)s by %(date)s",
                             amount=format_amount(self.env, promise.amount, promise.currency_id),
                             date=format_date(self.env, promise.date))
                elif intent == "dispute" and (invoice := self._disputed_invoice(case, words)):
                    dispute = self._dispute(invoice, "other", words[:2000], "email",
                                            user_id=self.env["collection.activity"]._responsible(case).id)
                    log.update(outcome="dispute", dispute_id=dispute.id)
                    task = self.env._("Dispute by email on %s", invoice.name)
                elif intent == "paid":
                    log["outcome"] = "already_paid"
                    task = self.env._("Customer says it has already paid (email)")
        except (UserError, ValidationError) as error:
            task = self.env._("Email from the customer could not be recorded: %s", error.args[0])
        self.env["collection.interaction"].sudo()._collection_log([log])
        self.env["collection.activity"].sudo()._schedule_activities(
            case, self.env.ref("mail.mail_activity_data_todo"), task, today, note=words[:2000])
