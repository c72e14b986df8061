import re
from datetime import date as Date

from werkzeug.exceptions import NotFound

from odoo import Command, fields, http
from odoo.addons.collections_management.models.collection_dispute import DISPUTE_REASONS
from odoo.addons.payment.controllers.portal import PaymentPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import consteq, format_amount, format_date

STEP = 50


def _is_id(text):
    """A record id in a form or a URL: ASCII digits only ("²" is a digit to ``str.isdigit``, not to ``int``)."""
    return bool(text and re.fullmatch(r"[0-9]{1,12}", text))


class _Denied(Exception):
    """The visitor may not see this statement: ``response`` says why (login, expired link, forbidden)."""

    def __init__(self, response):
        super().__init__()
        self.response = response


class CollectionsPortal(PaymentPortal):
    """The debtor's statement: what they owe, and how to pay, promise or dispute it.

    Portal users have no access to collections models: every page reads in sudo
    after ``_collection_case`` checked the link's token (anyone holding the
    link, logged in or not) or that the logged-in user belongs to the debtor.
    Amounts are always computed here from the ledger; the browser only chooses.
    """

    # ------------------------------------------------------------------ home counter and list
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "collection_count" in counters:
            values["collection_count"] = len(self._collection_user_cases())
        return values

    def _collection_user_cases(self):
        user = request.env.user
        if user._is_public():
            return request.env["collection.case"].sudo().browse()
        return request.env["collection.case"].sudo().search([
            ("partner_id", "=", user.partner_id.commercial_partner_id.id), ("state", "=", "open"),
            ("company_id", "in", user.company_ids.ids),
        ])

    @http.route(["/my/collections"], type="http", auth="user", methods=["GET"], website=True)
    def portal_my_collections(self, **kw):
        cases = self._collection_user_cases()
        if len(cases) == 1:
            return request.redirect(f"/my/collections/{cases.id}")
        values = self._prepare_portal_layout_values()
        values.update(page_name="collections", cases=cases)
        return request.render("collections_portal.portal_my_collections", values)

    # ------------------------------------------------------------------ access
    def _collection_case(self, case_id, access_token=None):
        """The case, in sudo, when the visitor may see it; raises ``_Denied`` otherwise."""
        case = request.env["collection.case"].sudo().browse(case_id).exists()
        if not case:
            raise NotFound()
        if access_token:
            if case.access_token and consteq(case.access_token, access_token):
                return case
            raise _Denied(request.render("collections_portal.portal_link_expired", {}, status=403))
        user = request.env.user
        if user._is_public():
            raise _Denied(request.redirect(f"/web/login?redirect=/my/collections/{case.id}"))
        if user.share:
            if user.partner_id.commercial_partner_id == case.partner_id and case.company_id in user.company_ids:
                return case
        elif case.with_user(user).has_access("read"):
            return case  # a collector previewing the customer's view
        raise _Denied(request.render("collections_portal.portal_link_expired", {"forbidden": True}, status=403))

    def _collection_lang(self, case):
        """Visitors through a link read the statement in the debtor's language."""
        if request.env.user._is_public() and case.partner_id.lang:
            request.update_context(lang=case.partner_id.lang)

    def _collection_staff_env(self, case, user=None):
        """What the customer's action leaves for the team (tasks, contact notes, chatter) is written in the
        language of who reads it: the case's collector, else the database's language."""
        lang = (user or case.user_id).lang or request.env["res.lang"]._collection_database_lang()
        return request.env(context=dict(request.env.context, lang=lang))

    def _collection_url(self, case, access_token, suffix="", **query):
        params = dict(query)
        if access_token:
            params["access_token"] = access_token
        qs = "&".join(f"{key}={value}" for key, value in params.items())
        return f"/my/collections/{case.id}{suffix}" + (f"?{qs}" if qs else "")

    # ------------------------------------------------------------------ statement
    @http.route(["/my/collections/<int:case_id>"], type="http", auth="public", methods=["GET"], website=True)
    def portal_collection_statement(self, case_id, access_token=None, page=1, message=None, **kw):
        try:
            case = self._collection_case(case_id, access_token)
        except _Denied as denied:
            return denied.response
        self._collection_lang(case)
        return request.render("collections_portal.portal_collection_statement",
                              self._collection_statement_values(case, access_token, page=page, message=message))

    def _collection_statement_values(self, case, access_token, page=1, message=None, errors=None, form=None):
        try:
            page = min(max(int(page), 1), 1_000_000)
        except (TypeError, ValueError):
            page = 1
        statement = case.with_context(lang=request.env.context.get("lang"))._collection_statement(page=page, step=STEP)
        values = self._prepare_portal_layout_values()
        today = statement["today"]
        horizon = case.company_id.collection_promise_horizon_days
        values.update(statement)
        values.update(
            page_name="collection_statement",
            case=case,
            access_token=access_token,
            message=message,
            errors=errors or {},
            form=form or {},
            dispute_reasons=[(key, dict(request.env["collection.dispute"]._fields["reason"]._description_selection(
                request.env))[key]) for key, _label in DISPUTE_REASONS],
            promise_amount=request.env["collection.intake"].sudo()._format_amount(
                min(case.amount_overdue or case.amount_due, request.env["collection.intake"].sudo()._promisable(case)),
                case.currency_id),
            promise_min=today.isoformat(),
            promise_max=fields.Date.add(today, days=horizon).isoformat() if horizon else "",
            pager=portal_pager(
                url=f"/my/collections/{case.id}", total=statement["invoice_count"], page=page, step=STEP,
                url_args={"access_token": access_token} if access_token else None),
            statement_url=self._collection_url(case, access_token),
            url_of=lambda suffix, **query: self._collection_url(case, access_token, suffix, **query),
        )
        return values

    def _collection_render_error(self, case, access_token, errors, form):
        values = self._collection_statement_values(case, access_token, errors=errors, form=form)
        return request.render("collections_portal.portal_collection_statement", values, status=400)

    # ------------------------------------------------------------------ promise to pay
    @http.route(["/my/collections/<int:case_id>/promise"], type="http", auth="public", methods=["POST"],
                website=True)
    def portal_collection_promise(self, case_id, access_token=None, date=None, amount=None, **kw):
        try:
            case = self._collection_case(case_id, access_token)
        except _Denied as denied:
            return denied.response
        self._collection_lang(case)
        form = {"date": date, "amount": amount}
        intake = request.env["collection.intake"].sudo()
        try:
            promised_date = Date.fromisoformat(date or "")
        except ValueError:
            return self._collection_render_error(
                case, access_token, {"promise": request.env._("Choose the date you will pay on.")}, form)
        if case.state != "open":
            return self._collection_render_error(
                case, access_token, {"promise": request.env._("This statement has nothing left to pay.")}, form)
        try:
            # typed in the page's language: "1.500.000" is a million and a half in es_419
            promised_amount = case.currency_id.round(intake._parse_amount(amount))
            with request.env.cr.savepoint():
                promise = intake._promise(case, promised_date, promised_amount, "portal", user_id=case.user_id.id)
        except (ValidationError, UserError) as error:
            return self._collection_render_error(case, access_token, {"promise": error.args[0]}, form)
        staff = self._collection_staff_env(case)
        request.env["collection.activity"].sudo()._schedule_activities(
            case, request.env.ref("mail.mail_activity_data_todo"),
            staff._("Promise to pay from the portal: %(amount)s by %(date)s",
                    amount=format_amount(staff, promise.amount, promise.currency_id),
                    date=format_date(staff, promise.date)), fields.Date.context_today(promise))
        request.env["collection.interaction"].sudo()._collection_log([{
            "case_id": case.id, "channel": "portal", "direction": "inbound", "outcome": "promise",
            "source_ref": f"collection.promise,{promise.id}", "promise_id": promise.id,
            "note": staff._("Promise on the portal: %(amount)s by %(date)s",
                            amount=format_amount(staff, promise.amount, promise.currency_id),
                            date=format_date(staff, promise.date))}])
        return request.redirect(self._collection_url(case, access_token, message="promise"))

    # ------------------------------------------------------------------ dispute
    @http.route(["/my/collections/<int:case_id>/dispute"], type="http", auth="public", methods=["POST"],
                website=True)
    def portal_collection_dispute(self, case_id, access_token=None, move_id=None, reason=None, description=None,
                                  **kw):
        try:
            case = self._collection_case(case_id, access_token)
        except _Denied as denied:
            return denied.response
        self._collection_lang(case)
        form = {"move_id": move_id, "reason": reason, "description": description}
        invoice = case._collection_portal_invoices([move_id]) if _is_id(move_id) else None
        if not invoice:
            return self._collection_render_error(
                case, access_token, {"dispute": request.env._("Choose one of your open invoices.")}, form)
        if reason not in dict(DISPUTE_REASONS):
            return self._collection_render_error(
                case, access_token, {"dispute": request.env._("Choose the reason of the dispute.")}, form)
        if not (description or "").strip():
            return self._collection_render_error(
                case, access_token, {"dispute": request.env._("Tell us what is wrong with the invoice.")}, form)
        Dispute = request.env["collection.dispute"].sudo()
        if Dispute.search_count([("move_id", "=", invoice.id), ("state", "=", "open")], limit=1):
            return self._collection_render_error(case, access_token, {"dispute": request.env._(
                "Invoice %s is already under review.", invoice.name)}, form)
        responsible = request.env["collection.activity"].sudo()._responsible(case)
        try:
            with request.env.cr.savepoint():
                dispute = request.env["collection.intake"].sudo()._dispute(
                    invoice, reason, description.strip()[:2000], "portal", user_id=responsible.id)
        except (ValidationError, UserError) as error:
            return self._collection_render_error(case, access_token, {"dispute": error.args[0]}, form)
        if responsible:
            dispute.activity_schedule(
                "mail.mail_activity_data_todo", user_id=responsible.id,
                summary=self._collection_staff_env(case, responsible)._("Dispute from the portal on %s", invoice.name),
                note=description.strip())
        request.env["collection.interaction"].sudo()._collection_log([{
            "case_id": case.id, "channel": "portal", "direction": "inbound", "outcome": "dispute",
            "source_ref": f"collection.dispute,{dispute.id}", "dispute_id": dispute.id,
            "note": description.strip()[:2000]}])
        return request.redirect(self._collection_url(case, access_token, message="dispute"))

    # ------------------------------------------------------------------ payment plan acceptance
    @http.route(["/my/collections/<int:case_id>/plan/<int:plan_id>/accept"], type="http", auth="public",
                methods=["POST"], website=True)
    def portal_collection_plan_accept(self, case_id, plan_id, access_token=None, signer_name=None, accept=None,
                                      **kw):
        try:
            case = self._collection_case(case_id, access_token)
        except _Denied as denied:
            return denied.response
        self._collection_lang(case)
        plan = request.env["collection.payment.plan"].sudo().search(
            [("id", "=", plan_id), ("case_id", "=", case.id), ("state", "=", "proposed")])
        if not plan:
            raise NotFound()
        form = {"signer_name": signer_name}
        if not accept or not (signer_name or "").strip():
            return self._collection_render_error(case, access_token, {"plan": request.env._(
                "Type your name and tick the box to accept the plan.")}, form)
        user = request.env.user
        signer = user.partner_id if not user._is_public() else case.partner_id
        try:
            with request.env.cr.savepoint():
                plan.action_accept(ip=request.httprequest.remote_addr, signer=signer, channel="portal")
        except (ValidationError, UserError) as error:
            return self._collection_render_error(case, access_token, {"plan": error.args[0]}, form)
        staff = self._collection_staff_env(case)
        plan.message_post(body=staff._(
            "Accepted on the customer portal by %(name)s (from %(ip)s).",
            name=signer_name.strip()[:200], ip=request.httprequest.remote_addr))
        request.env["collection.interaction"].sudo()._collection_log([{
            "case_id": case.id, "channel": "portal", "direction": "inbound", "outcome": "customer_replied",
            "source_ref": f"collection.payment.plan,{plan.id}",
            "note": staff._("Payment plan %s accepted on the portal", plan.name)}])
        return request.redirect(self._collection_url(case, access_token, message="plan"))

    # ------------------------------------------------------------------ letters
    @http.route(["/my/collections/<int:case_id>/letter/<int:execution_id>"], type="http", auth="public",
                methods=["GET"])
    def portal_collection_letter(self, case_id, execution_id, access_token=None, **kw):
        try:
            case = self._collection_case(case_id, access_token)
        except _Denied as denied:
            return denied.response
        execution = request.env["collection.step.execution"].sudo().search(
            [("id", "=", execution_id), ("case_id", "=", case.id), ("attachment_id", "!=", False)])
        if not execution:
            raise NotFound()
        attachment = execution.attachment_id
        return request.make_response(attachment.raw, headers=[
            ("Content-Type", "application/pdf"),
            ("Content-Disposition", http.content_disposition(attachment.name)),
        ])

    # ------------------------------------------------------------------ pay online
    def _collection_payment_selection(self, case, selection):
        """(invoices, amount, reference) to pay for ``selection``, computed from the ledger only.

        ``overdue``: every overdue invoice; ``installment``: the active plan's next
        installment, applied to its invoices oldest first; ``offer``: what is left to
        pay of the open settlement offer, on its documents; ``inv-<id>-<id>``: those
        open invoices of the debtor (other ids are ignored).
        """
        selection, _sep, partial = selection.partition("~")
        today = fields.Date.context_today(case)
        Move = request.env["account.move"].sudo()
        if selection == "overdue":
            # what is overdue and claimed (collection.overdue): installments due before today, not under the
            # plan, disputed or excluded; fees and interest included, settled in the allocation order
            lines = request.env["collection.overdue"].sudo()._claimed_lines(case.partner_id, case.company_id, today)
            invoices = Move.browse(list(dict.fromkeys(move_id for _line, move_id, _amount, _cur in lines))).filtered(
                lambda m: m.move_type == "out_invoice")
            amount = sum(amount_currency for _line, move_id, _amount, amount_currency in lines
                         if move_id in invoices.ids)
        elif selection == "installment":
            plan = case.plan_id
            if not plan or plan.state != "active" or not plan.next_amount:
                return Move, 0.0, ""
            # the installment's interest invoice and the covered invoices: paid in the allocation order, the
            # interest first by default, so that paying what is asked keeps the installment
            line = plan._collection_next_line()
            interest = line.interest_move_id.filtered(lambda m: m.state == "posted" and m.amount_residual > 0)
            invoices = interest | plan.move_ids.filtered(lambda m: m.amount_residual > 0)
            amount = min(plan.next_amount, sum(invoices.mapped("amount_residual")))
        elif selection == "offer":
            offer = request.env["collection.offer"].sudo().search([("case_id", "=", case.id), ("state", "=", "open"),
                                                                   ("deadline", ">=", today)], limit=1)
            if not offer:
                return Move, 0.0, ""
            # what is left of the offer's amount, on its documents (oldest first): the rest is forgiven once paid
            invoices = (offer.move_ids | offer.fee_move_ids).filtered(lambda m: m.amount_residual > 0).sorted(
                lambda m: (m.invoice_date_due or m.date, m.id))
            # read only: what the offer received so far (a GET never honours it; the refresh queue does)
            received = offer._collection_cash().get(offer.id, 0.0)
            amount = max(offer.amount_to_pay - received, 0.0)
        elif selection.startswith("inv-"):
            ids = [part for part in selection[4:].split("-") if _is_id(part)]
            invoices = case._collection_portal_invoices(ids).filtered(lambda m: not m.collection_disputed)
            amount = sum(invoices.mapped("amount_residual"))
        else:
            return Move, 0.0, ""
        # account.move.amount_residual is in the invoice's currency: one currency per payment
        currencies = invoices.currency_id
        if len(currencies) > 1:
            # one payment is in one currency: pay each currency separately
            raise ValidationError(request.env._("These invoices are in several currencies: pay them one currency "
                                                "at a time."))
        if selection == "installment" and currencies and currencies != case.plan_id.currency_id:
            raise ValidationError(request.env._("The plan's installments are in another currency than its invoices: "
                                                "please contact us to pay them."))
        reference = invoices[:1].name if len(invoices) == 1 else case.name
        if partial and invoices:
            # the customer pays less than the selection (a partial payment): never more. The amount travels in
            # the transaction route as the pay page wrote it: plain digits and a decimal point.
            currency = currencies or case.company_id.currency_id
            chosen = currency.round(request.env["collection.intake"].sudo()._parse_amount(partial, "en_US"))
            if currency.compare_amounts(chosen, 0) <= 0 or currency.compare_amounts(chosen, amount) > 0:
                raise ValidationError(request.env._(
                    "The amount to pay must be more than zero and at most %(amount)s.",
                    amount=format_amount(request.env, amount, currency)))
            amount = chosen
        return invoices, (currencies or case.company_id.currency_id).round(amount), reference

    @http.route(["/my/collections/<int:case_id>/pay"], type="http", auth="public", methods=["GET"], website=True)
    def portal_collection_pay(self, case_id, access_token=None, selection="overdue", invoice_ids=None, partial=None,
                              **kw):
        try:
            case = self._collection_case(case_id, access_token)
        except _Denied as denied:
            return denied.response
        self._collection_lang(case)
        if invoice_ids:
            ids = request.httprequest.args.getlist("invoice_ids")
            selection = "inv-" + "-".join(i for i in ids if _is_id(i))
        selection = selection.partition("~")[0]
        try:
            full_invoices, full_amount, _reference = self._collection_payment_selection(case, selection)
            chosen = selection
            if partial:
                # typed in the page's language ("1.000.000" in es_419), passed on as plain digits
                currency = full_invoices.currency_id[:1] or case.company_id.currency_id
                typed = request.env["collection.intake"].sudo()._parse_amount(partial)
                chosen = f"{selection}~{typed:.{currency.decimal_places}f}"
            invoices, amount, reference = self._collection_payment_selection(case, chosen)
        except ValidationError as error:
            return self._collection_render_error(case, access_token, {"pay": error.args[0]}, {})
        if not invoices or amount <= 0:
            return self._collection_render_error(
                case, access_token, {"pay": request.env._("There is nothing to pay in this selection.")}, {})
        currency = invoices.currency_id
        values = self._prepare_portal_layout_values()
        values.update(self._get_common_page_view_values_collection(case, invoices, amount, currency, reference,
                                                                   chosen, access_token))
        values.update(page_name="collection_pay", case=case, invoices=invoices, amount=amount, currency=currency,
                      amount_text=request.env["collection.intake"].sudo()._format_amount(amount, currency),
                      reference=reference, statement_url=self._collection_url(case, access_token),
                      full_amount=full_amount, selection=selection)
        return request.render("collections_portal.portal_collection_pay", values)

    def _get_common_page_view_values_collection(self, case, invoices, amount, currency, reference, selection,
                                                access_token):
        logged_in = not request.env.user._is_public()
        partner_sudo = request.env.user.partner_id if logged_in else case.partner_id
        company = case.company_id
        report = {}
        providers_sudo = request.env["payment.provider"].sudo()._get_compatible_providers(
            company.id, partner_sudo.id, amount, currency_id=currency.id, report=report)
        methods_sudo = request.env["payment.method"].sudo()._get_compatible_payment_methods(
            providers_sudo.ids, partner_sudo.id, currency_id=currency.id, report=report)
        tokens_sudo = request.env["payment.token"].sudo()._get_available_tokens(providers_sudo.ids, partner_sudo.id)
        return {
            "company_mismatch": not PaymentPortal._can_partner_pay_in_company(partner_sudo, company),
            "expected_company": company,
            "show_tokenize_input_mapping": PaymentPortal._compute_show_tokenize_input_mapping(providers_sudo),
            "currency": currency,
            "partner_id": partner_sudo.id,
            "providers_sudo": providers_sudo,
            "payment_methods_sudo": methods_sudo,
            "tokens_sudo": tokens_sudo,
            "availability_report": report,
            "transaction_route": f"/my/collections/{case.id}/transaction/{selection}",
            "landing_route": self._collection_url(case, access_token, message="paid"),
            "access_token": access_token,
            "payment_reference": reference,
        }

    @http.route(["/my/collections/<int:case_id>/transaction/<string:selection>"], type="jsonrpc", auth="public")
    def portal_collection_transaction(self, case_id, selection, access_token=None, payment_reference=None, **kwargs):
        """Create the transaction for the selection; the amount is the server's, whatever the browser sent.

        ``payment_reference`` (sent by account_payment's form) is ignored: the reference is the server's too.
        """
        try:
            case = self._collection_case(case_id, access_token)
        except _Denied:
            raise ValidationError(request.env._("This link has expired or is not valid.")) from None
        if selection.partition("~")[0] == "installment" and case.plan_id.state == "active":
            # the installment being paid owes its interest: invoiced now if it was not yet (the transaction is
            # a POST; the pay page, a GET, only showed the amount)
            case.plan_id._collection_next_line()._collection_post_interest()
        invoices, amount, reference = self._collection_payment_selection(case, selection)
        if not invoices or amount <= 0:
            raise ValidationError(request.env._("There is nothing to pay in this selection."))
        self._validate_transaction_kwargs(kwargs)
        logged_in = not request.env.user._is_public()
        partner = request.env.user.partner_id if logged_in else case.partner_id
        kwargs.update({
            "amount": amount,
            "currency_id": invoices.currency_id.id,
            "partner_id": partner.id,
            "reference_prefix": reference,
        })
        tx_sudo = self._create_transaction(custom_create_values={"invoice_ids": [Command.set(invoices.ids)],
                                                                 "collection_case_id": case.id}, **kwargs)
        return tx_sudo._get_processing_values()
