from datetime import timedelta

from lxml import html

from odoo import Command, fields
from odoo.addons.collections_management.tests.common import CollectionsCommon
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException


@tagged("post_install", "-at_install")
class TestPortalStatement(CollectionsCommon, HttpCase):
    """The debtor's statement and what they can do on it, through real HTTP requests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        # a hand-made book (company currency): 100 due 10 days ago, 200 45 days ago, 300 120 days ago,
        # 50 due in 5 days, and a credit note of 30 not applied yet
        cls.inv_10 = cls._portal_invoice(cls.partner_a, 10, 100)
        cls.inv_45 = cls._portal_invoice(cls.partner_a, 45, 200)
        cls.inv_120 = cls._portal_invoice(cls.partner_a, 120, 300)
        cls.inv_soon = cls._portal_invoice(cls.partner_a, -5, 50)
        refund = cls.env["account.move"].create({
            "move_type": "out_refund", "partner_id": cls.partner_a.id, "invoice_date": cls.today,
            "invoice_line_ids": [Command.create({"product_id": cls.product_a.id, "price_unit": 30, "tax_ids": []})],
        })
        refund.action_post()
        cls.inv_other = cls._portal_invoice(cls.partner_b, 20, 999)
        cls.env["collection.engine"]._run(today=cls.today)
        Case = cls.env["collection.case"]
        cls.case = Case.search([("partner_id", "=", cls.partner_a.id), ("state", "=", "open")])
        cls.other_case = Case.search([("partner_id", "=", cls.partner_b.id), ("state", "=", "open")])
        cls.case.user_id = cls.collector
        cls.token = cls.case._portal_ensure_token()
        cls.portal_a = new_test_user(cls.env, login="portal_a", password="portal_a_pwd", groups="base.group_portal",
                                     partner_id=cls.partner_a.id, company_id=cls.company.id,
                                     company_ids=[cls.company.id])
        # Odoo's demo provider for the test company (payment_demo is installed beside the suite in tests)
        demo = cls.env.ref("payment.payment_provider_demo").sudo()
        cls.provider = demo.copy({"company_id": cls.company.id, "name": "Demo (collections tests)"})
        cls.provider.write({
            "state": "test", "is_published": True,
            "payment_method_ids": [Command.set(demo.payment_method_ids.ids)],
            "journal_id": cls.company_data["default_journal_bank"].id,
        })
        cls.portal_b = new_test_user(cls.env, login="portal_b", password="portal_b_pwd", groups="base.group_portal",
                                     partner_id=cls.partner_b.id, company_id=cls.company.id,
                                     company_ids=[cls.company.id])

    @classmethod
    def _portal_invoice(cls, partner, days_overdue, amount):
        due = fields.Date.today() - timedelta(days=days_overdue)
        move = cls.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": min(due, fields.Date.today()),
            "invoice_date_due": due,
            "invoice_line_ids": [Command.create({"product_id": cls.product_a.id, "price_unit": amount, "tax_ids": []})],
        })
        move.invoice_payment_term_id = False
        move.invoice_date_due = due
        move.action_post()
        return move

    def _url(self, case=None, token=None, suffix=""):
        case = case or self.case
        url = f"/my/collections/{case.id}{suffix}"
        return url + (f"?access_token={token}" if token else "")

    def _get(self, url, **kwargs):
        return self.url_open(url, allow_redirects=False, **kwargs)

    def _post(self, url, data):
        self.url_open("/web/login")  # a session, for its CSRF token
        data = dict(data, csrf_token=self._csrf())
        return self.url_open(url, data=data, allow_redirects=False)

    def _csrf(self):
        page = self.url_open(self._url(token=self.token))
        return html.fromstring(page.content).xpath("//input[@name='csrf_token']/@value")[0]

    @staticmethod
    def _text(response, css_class):
        nodes = html.fromstring(response.content).xpath(f"//*[contains(@class, '{css_class}')]")
        return " ".join(node.text_content().strip() for node in nodes)

    # ------------------------------------------------------------------ statement
    def test_statement_totals_are_the_ledger_open_amounts(self):
        statement = self.case._collection_statement()
        self.assertEqual(statement["amount_due"], 650.0)        # 100 + 200 + 300 + 50
        self.assertEqual(statement["amount_overdue"], 600.0)    # 100 + 200 + 300
        self.assertEqual(statement["amount_not_due"], 50.0)
        self.assertEqual(statement["amount_credit"], 30.0)      # the open credit note
        self.assertEqual(statement["invoice_count"], 4)
        self.assertEqual([(b["label"], b["amount"]) for b in statement["buckets"]], [
            ("Overdue 1-30 days", 100.0), ("Overdue 31-90 days", 200.0), ("Overdue more than 90 days", 300.0)])
        self.assertEqual([inv["name"] for inv in statement["invoices"]],
                         [self.inv_120.name, self.inv_45.name, self.inv_10.name, self.inv_soon.name], "worst first")
        response = self._get(self._url(token=self.token))
        self.assertEqual(response.status_code, 200)
        self.assertIn("650.00", self._text(response, "o_collections_total_due"))
        self.assertIn("600.00", self._text(response, "o_collections_total_overdue"))
        self.assertIn("30.00", self._text(response, "o_collections_total_credit"))
        self.assertNotIn(self.inv_other.name, response.text, "another customer's invoice never shows")
        self.assertNotIn("priority", response.text.lower(), "no score or internal field on the page")

    def test_statement_query_count_does_not_grow_with_invoices(self):
        def count():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.case._collection_statement()
            return self.env.cr.sql_log_count - before
        count()  # warm the registry caches (rules, users)
        few = count()
        for index in range(60):
            self._portal_invoice(self.partner_a, 5 + index, 10)
        self.assertEqual(count(), few)
        self.assertEqual(len(self.case._collection_statement()["invoices"]), 50, "paged by 50")

    # ------------------------------------------------------------------ access
    def test_access_by_link_login_and_ownership(self):
        self.assertEqual(self._get(self._url(token=self.token)).status_code, 200, "the link works without login")
        wrong = self._get(self._url(token="0" * 36))
        self.assertEqual(wrong.status_code, 403)
        self.assertIn("expired", wrong.text)
        self.assertNotIn(self.inv_10.name, wrong.text)
        # the same token on another customer's case: refused
        self.assertEqual(self._get(self._url(self.other_case, token=self.token)).status_code, 403)
        anonymous = self._get(self._url())
        self.assertEqual(anonymous.status_code, 303, "no token, not logged in: to the login page")
        self.assertIn("/web/login", anonymous.headers["Location"])
        self.authenticate("portal_a", "portal_a_pwd")
        self.assertEqual(self._get(self._url()).status_code, 200, "the debtor's own portal user")
        self.assertEqual(self._get(self._url(self.other_case)).status_code, 403, "not another debtor's")
        self.assertEqual(self._get(self._url(case=self.env["collection.case"].browse(999999))).status_code, 404)
        self.authenticate("portal_b", "portal_b_pwd")
        self.assertEqual(self._get(self._url()).status_code, 403)

    def test_manager_renews_the_link_and_the_old_one_expires(self):
        self.case.with_user(self.manager).action_collection_reset_portal_link()
        self.assertNotEqual(self.case.access_token, self.token)
        self.assertEqual(self._get(self._url(token=self.token)).status_code, 403, "the old link expired")
        self.assertEqual(self._get(self._url(token=self.case.access_token)).status_code, 200)
        with self.assertRaises(AccessError):
            self.case.with_user(self.collector).action_collection_reset_portal_link()
        # nor can the token be written over RPC, by a collector or by a manager
        for user in (self.collector, self.manager):
            with self.assertRaises(AccessError):
                self.case.with_user(user).write({"access_token": "chosen-by-hand"})
        self.assertNotEqual(self.case.access_token, "chosen-by-hand")

    def test_post_without_csrf_token_is_refused(self):
        self.url_open("/web/login")
        response = self.url_open(self._url(token=self.token, suffix="/promise"),
                                 data={"date": str(self.today + timedelta(days=5)), "amount": "100",
                                       "access_token": self.token}, allow_redirects=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.env["collection.promise"].search([("case_id", "=", self.case.id)]))

    # ------------------------------------------------------------------ promise
    def test_promise_from_the_portal(self):
        url = self._url(token=self.token, suffix="/promise")
        past = self._post(url, {"date": str(self.today - timedelta(days=1)), "amount": "100"})
        self.assertEqual(past.status_code, 400)
        self.assertIn("cannot be dated in the past", past.text)
        too_much = self._post(url, {"date": str(self.today + timedelta(days=5)), "amount": "5000"})
        self.assertEqual(too_much.status_code, 400)
        self.assertIn("more than", too_much.text)
        self.company.collection_promise_horizon_days = 30
        far = self._post(url, {"date": str(self.today + timedelta(days=45)), "amount": "100"})
        self.assertEqual(far.status_code, 400)
        self.assertIn("at most 30 days ahead", far.text)
        garbage = self._post(url, {"date": "tomorrow", "amount": "lots"})
        self.assertEqual(garbage.status_code, 400)
        self.assertFalse(self.env["collection.promise"].search([("case_id", "=", self.case.id)]))
        # the debtor reads Spanish, the collector English: the task is written the collector's way
        self.env["res.lang"]._activate_lang("es_419")
        self.case.partner_id.lang = "es_419"
        self.collector.lang = "en_US"
        ok = self._post(url, {"date": str(self.today + timedelta(days=5)), "amount": "250"})
        self.assertEqual(ok.status_code, 303)
        promise = self.env["collection.promise"].search([("case_id", "=", self.case.id)])
        self.assertEqual((promise.amount, promise.source, promise.state), (250.0, "portal", "open"))
        task = self.case.activity_ids.filtered(lambda a: "Promise to pay from the portal" in (a.summary or ""))
        self.assertEqual(task.user_id, self.collector, "the collector is told")
        self.assertIn((self.today + timedelta(days=5)).strftime("%m/%d/%Y"), task.summary)
        logged = self.env["collection.interaction"].search([("case_id", "=", self.case.id), ("channel", "=", "portal")])
        self.assertEqual((len(logged), logged.outcome_id.code, logged.direction, logged.right_party, logged.source_ref),
                         (1, "promise", "inbound", True, f"collection.promise,{promise.id}"),
                         "in the case's contact log, once")
        page = self._get(self._url(token=self.token) + "&message=promise")
        self.assertIn("promise to pay is recorded", page.text)

    # ------------------------------------------------------------------ dispute
    def test_dispute_from_the_portal(self):
        url = self._url(token=self.token, suffix="/dispute")
        foreign = self._post(url, {"move_id": str(self.inv_other.id), "reason": "price", "description": "Wrong"})
        self.assertEqual(foreign.status_code, 400, "another customer's invoice cannot be disputed here")
        self.assertFalse(self.inv_other.collection_disputed)
        no_text = self._post(url, {"move_id": str(self.inv_45.id), "reason": "price", "description": " "})
        self.assertEqual(no_text.status_code, 400)
        bad_reason = self._post(url, {"move_id": str(self.inv_45.id), "reason": "whatever", "description": "x"})
        self.assertEqual(bad_reason.status_code, 400)
        ok = self._post(url, {"move_id": str(self.inv_45.id), "reason": "price", "description": "Price is 150"})
        self.assertEqual(ok.status_code, 303)
        dispute = self.env["collection.dispute"].search([("move_id", "=", self.inv_45.id)])
        self.assertEqual((dispute.source, dispute.state, dispute.reason), ("portal", "open", "price"))
        self.assertTrue(self.inv_45.collection_disputed)
        self.assertEqual(dispute.activity_ids.user_id, self.collector)
        again = self._post(url, {"move_id": str(self.inv_45.id), "reason": "price", "description": "Again"})
        self.assertEqual(again.status_code, 400)
        self.assertIn("already under review", again.text)
        self.assertEqual(self.env["collection.dispute"].search_count([("move_id", "=", self.inv_45.id)]), 1)

    # ------------------------------------------------------------------ plan
    def test_accept_a_proposed_plan(self):
        plan = self.env["collection.payment.plan"].create({
            "case_id": self.case.id, "move_ids": [Command.set((self.inv_10 | self.inv_45).ids)],
            "installment_count": 3, "first_date": self.today + timedelta(days=7),
        })
        plan.action_propose()
        url = self._url(token=self.token, suffix=f"/plan/{plan.id}/accept")
        unticked = self._post(url, {"signer_name": "Ana Pérez"})
        self.assertEqual(unticked.status_code, 400)
        self.assertEqual(plan.state, "proposed")
        ok = self._post(url, {"signer_name": "Ana Pérez", "accept": "1"})
        self.assertEqual(ok.status_code, 303)
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.acceptance_channel, "portal")
        self.assertTrue(plan.accepted_ip)
        self.assertEqual(plan.accepted_by_partner_id, self.partner_a)
        self.assertIn("Ana Pérez", "".join(plan.message_ids.mapped("body")))
        other_plan_url = self._url(self.other_case, token=self.token, suffix=f"/plan/{plan.id}/accept")
        self.assertEqual(self._post(other_plan_url, {"signer_name": "X", "accept": "1"}).status_code, 403)


    # ------------------------------------------------------------------ pay online
    def _transaction(self, selection, amount, token=None, case=None):
        return self.make_jsonrpc_request(
            f"/my/collections/{(case or self.case).id}/transaction/{selection}", {
                "access_token": token or self.token, "provider_id": self.provider.id,
                "payment_method_id": self.provider.payment_method_ids[:1].id, "token_id": None,
                "amount": amount, "flow": "direct", "tokenization_requested": False,
                "landing_route": "/my", "is_validation": False,
            })

    def test_pay_overdue_amount_is_computed_by_the_server(self):
        page = self._get(self._url(token=self.token, suffix="/pay") + "&selection=overdue")
        self.assertEqual(page.status_code, 200)
        self.assertIn("600.00", page.text)
        values = self._transaction("overdue", 1.0)  # the browser says 1.00
        tx = self.env["payment.transaction"].sudo().search([("reference", "=", values["reference"])])
        self.assertEqual(tx.amount, 600.0, "the amount is the overdue invoices', not the browser's")
        self.assertEqual(tx.invoice_ids, self.inv_10 | self.inv_45 | self.inv_120)
        self.assertEqual(tx.partner_id, self.partner_a)

    def test_pay_a_selection_ignores_other_customers_invoices(self):
        values = self._transaction(f"inv-{self.inv_10.id}-{self.inv_other.id}", 99999)
        tx = self.env["payment.transaction"].sudo().search([("reference", "=", values["reference"])])
        self.assertEqual(tx.invoice_ids, self.inv_10)
        self.assertEqual(tx.amount, 100.0)
        with self.assertRaises(JsonRpcException) as refused:
            self._transaction(f"inv-{self.inv_other.id}", 999)
        self.assertIn("ValidationError", str(refused.exception), "nothing of theirs to pay")
        with self.assertRaises(JsonRpcException) as expired:
            self._transaction("overdue", 600, token="0" * 36)
        self.assertIn("ValidationError", str(expired.exception), "a wrong link pays nothing")
        self.assertEqual(self.env["payment.transaction"].sudo().search_count(
            [("partner_id", "=", self.partner_b.id)]), 0)

    def test_pay_an_offer_online_honours_it(self):
        self.company.collection_offer_account_id = self.company_data["default_account_expense"]
        self.case.stage_id.offer_max_discount = 20
        offer = self.env["collection.offer"].create({
            "case_id": self.case.id, "discount_percent": 20, "deadline": self.today + timedelta(days=7),
            "move_ids": [Command.set((self.inv_45 | self.inv_120).ids)]})
        offer.action_confirm()
        # 200 + 300 open, 20 % off: 400 to pay by the deadline
        page = self._get(self._url(token=self.token))
        self.assertIn("An offer to settle your account", page.text)
        self.assertIn("400.00", page.text)
        values = self._transaction("offer", 1.0)
        tx = self.env["payment.transaction"].sudo().search([("reference", "=", values["reference"])])
        self.assertEqual((tx.amount, tx.invoice_ids), (400.0, self.inv_120 | self.inv_45), "the server's amount")
        tx._set_done()
        tx._post_process()
        self.assertEqual(offer.state, "open", "the payment itself posts no settlement")
        self.env["collection.engine"]._cron_refresh()   # triggered by the payment's reconciliation
        self.assertEqual(offer.state, "honoured")
        self.assertEqual((self.inv_45.amount_residual, self.inv_120.amount_residual), (0.0, 0.0))
        self.assertEqual(offer.settlement_move_id.amount_total, 100.0, "the forgiven 20 %, as a credit note")
        self.assertEqual(self.inv_10.amount_residual, 100.0, "an invoice outside the offer is untouched")
        # nothing left to pay on it
        with self.assertRaises(JsonRpcException):
            self._transaction("offer", 1.0)

    def test_tour_pay_everything_overdue_with_the_demo_provider(self):
        self.start_tour(self._url(token=self.token), "collections_portal_pay_overdue_tour")
        for invoice in self.inv_10 | self.inv_45 | self.inv_120:
            self.assertIn(invoice.payment_state, ("paid", "in_payment"), invoice.name)
        self.assertEqual(self.inv_soon.payment_state, "not_paid", "the invoice not yet due was not in the payment")
        tx = self.env["payment.transaction"].sudo().search([("invoice_ids", "in", self.inv_10.ids)])
        self.assertEqual((tx.state, tx.amount), ("done", 600.0))

    def test_tour_promise_and_dispute(self):
        self.company.collection_promise_horizon_days = 30
        self.start_tour(self._url(token=self.token), "collections_portal_promise_dispute_tour")
        promise = self.env["collection.promise"].search([("case_id", "=", self.case.id)])
        self.assertEqual((promise.amount, promise.source), (150.0, "portal"))
        dispute = self.env["collection.dispute"].search([("partner_id", "=", self.partner_a.id)])
        self.assertEqual((dispute.reason, dispute.source), ("price", "portal"))

    # ------------------------------------------------------------------ links in reminders
    def test_reminders_carry_the_statement_link(self):
        debtor = self.env["res.partner"].create({"name": "Linked Debtor", "email": "linked@debtor.example"})
        self._portal_invoice(debtor, 10, 120)
        self.env["collection.engine"]._run(today=self.today)
        case = self.env["collection.case"].search([("partner_id", "=", debtor.id), ("state", "=", "open")])
        link = f"/my/collections/{case.id}?access_token={case.access_token}"
        self.assertTrue(case.access_token, "the run gave the case its link")
        email = case.execution_ids.filtered(lambda e: e.channel == "email").mail_message_id
        self.assertIn(link, email.body, "the reminder email carries the statement link")
        self.assertEqual(self._get(link).status_code, 200, "and the link opens the statement")
        report = self.env.ref("collections_management.collection_case_letter_report")
        letter = str(report._render_qweb_html(report.report_name, case.ids)[0])
        self.assertIn(link.replace("?", "?").replace("&", "&amp;"), letter)
        self.assertIn('src="data:image/png;base64,', letter, "and a QR code of it on the printed letter")

    def test_portal_user_of_another_company_is_refused(self):
        other_company = self.env["res.company"].sudo().create({"name": "Otra Empresa SAS"})
        new_test_user(self.env, login="portal_other_co", password="portal_other_co_pwd", groups="base.group_portal",
                      partner_id=self.partner_a.id, company_id=other_company.id, company_ids=[other_company.id])
        self.authenticate("portal_other_co", "portal_other_co_pwd")
        self.assertEqual(self._get(self._url()).status_code, 403,
                         "the same customer, logged in another company: not this company's statement")

    def test_pay_the_next_installment_of_the_active_plan(self):
        plan = self.env["collection.payment.plan"].create({
            "case_id": self.case.id, "move_ids": [Command.set((self.inv_10 | self.inv_45).ids)],
            "installment_count": 3, "first_date": self.today + timedelta(days=7),
        })
        plan.action_propose()
        plan.action_accept(channel="backend")
        self.assertEqual(plan.state, "active")
        page = self._get(self._url(token=self.token))
        self.assertIn("o_collections_pay_installment", page.text)
        values = self._transaction("installment", 300)
        tx = self.env["payment.transaction"].sudo().search([("reference", "=", values["reference"])])
        self.assertEqual(tx.amount, 100.0, "one installment of 300 / 3, not what the browser said")
        self.assertEqual(tx.invoice_ids, self.inv_10 | self.inv_45)
        # the provider confirms: the payment goes to the oldest covered invoice first, as the plan counts it
        tx._set_done()
        tx._post_process()
        self.assertEqual(self.inv_45.amount_residual, 100.0, "the oldest invoice (45 days) is paid first")
        self.assertEqual(self.inv_10.amount_residual, 100.0, "the newer one is untouched")
        self.assertEqual(plan.line_ids.sorted("date")[0].state, "paid", "and the plan sees its first installment paid")

    def test_paying_the_installment_asked_keeps_it_interest_included(self):
        """The portal asks principal + interest: paying exactly that pays the interest invoice and the principal."""
        self.company.collection_interest_product_id = self.env["product.product"].create(
            {"name": "Intereses de financiación", "type": "service", "taxes_id": []})
        plan = self.env["collection.payment.plan"].create({
            "case_id": self.case.id, "move_ids": [Command.set((self.inv_10 | self.inv_45).ids)],
            "installment_count": 3, "first_date": self.today + timedelta(days=7), "interest_rate": 3})
        plan.action_propose()
        plan.action_accept(channel="backend")
        first = plan.line_ids.sorted("date")[0]
        # 300 financed: 100 of principal and 3 of interest (3 % of 300 over three installments) an installment
        self.assertEqual((first.amount, first.interest_amount, plan.next_amount), (100.0, 3.0, 103.0))
        self.assertFalse(first.interest_move_id, "interest is invoiced as it falls due")
        values = self._transaction("installment", 103)
        tx = self.env["payment.transaction"].sudo().search([("reference", "=", values["reference"])])
        interest = first.interest_move_id
        self.assertTrue(interest, "invoiced when the customer pays the installment")
        self.assertEqual((tx.amount, tx.invoice_ids), (103.0, interest | self.inv_10 | self.inv_45))
        tx._set_done()
        tx._post_process()
        self.assertEqual(interest.payment_state, "paid", "the interest first (Civil Code art. 1653)")
        self.assertEqual(self.inv_45.amount_residual, 100.0, "then the principal, oldest first")
        first.invalidate_recordset()
        self.assertEqual(first.state, "paid", "paying what the portal asked keeps the installment")
        self.assertTrue(tx.payment_id.move_id.line_ids.filtered("reconciled"), "the payment is fully used")

    def test_a_partial_payment_settles_charges_first_or_oldest_first(self):
        fee_rule = self.env["collection.fee.rule"].create({
            "name": "Cuota de cobranza", "fee_type": "fixed", "fixed_amount": 40,
            "product_id": self.env["product.product"].create({"name": "Late fee", "type": "service",
                                                              "taxes_id": []}).id})
        fee = fee_rule._charge(self.inv_120, self.today).fee_move_id
        self.assertEqual(fee.amount_residual, 40.0)
        selection = f"inv-{self.inv_120.id}-{fee.id}"
        tx = self.env["payment.transaction"].sudo().search(
            [("reference", "=", self._transaction(f"{selection}~100", 340)["reference"])])
        tx._set_done()
        tx._post_process()
        # 100 paid: the fee's 40 first, then 60 of the 300 principal
        self.assertEqual((fee.amount_residual, self.inv_120.amount_residual), (0.0, 240.0))
        # the company may choose oldest first: the principal, due 120 days ago, before the fee due today
        self.company.collection_allocation_order = "oldest_first"
        fee_2 = fee_rule.copy({"name": "Otra cuota"})._charge(self.inv_45, self.today).fee_move_id
        tx = self.env["payment.transaction"].sudo().search(
            [("reference", "=", self._transaction(f"inv-{self.inv_45.id}-{fee_2.id}~100", 240)["reference"])])
        tx._set_done()
        tx._post_process()
        self.assertEqual((fee_2.amount_residual, self.inv_45.amount_residual), (40.0, 100.0))

    def test_debt_under_the_plan_is_not_overdue_on_the_portal(self):
        """The portal and the back office say the same: what the active plan covers is not overdue."""
        plan = self.env["collection.payment.plan"].create({
            "case_id": self.case.id, "move_ids": [Command.set((self.inv_10 | self.inv_45).ids)],
            "installment_count": 3, "first_date": self.today + timedelta(days=7)})
        plan.action_propose()
        plan.action_accept(channel="backend")
        self.env["collection.engine"]._run(today=self.today)
        self.assertEqual(self.case.amount_overdue, 300.0, "the back office: the 120-day invoice only")
        page = self._get(self._url(token=self.token))
        self.assertIn("300.00", self._text(page, "o_collections_total_overdue"))
        self.assertIn("300.00", self._text(page, "o_collections_total_on_hold"), "100 + 200 under the plan")
        self.assertIn("50.00", self._text(page, "o_collections_total_not_due"))
        values = self._transaction("overdue", 999)
        tx = self.env["payment.transaction"].sudo().search([("reference", "=", values["reference"])])
        self.assertEqual((tx.amount, tx.invoice_ids), (300.0, self.inv_120),
                         "pay everything overdue: not what the plan collects by its own dates")

    def test_partial_payment_at_most_the_selection(self):
        page = self._get(self._url(token=self.token, suffix="/pay") + "&selection=overdue&partial=150")
        self.assertEqual(page.status_code, 200)
        self.assertIn("150.00", page.text, "the amount chosen, in the summary and the payment form")
        values = self._transaction("overdue~150", 600)
        tx = self.env["payment.transaction"].sudo().search([("reference", "=", values["reference"])])
        self.assertEqual(tx.amount, 150.0, "the customer chose to pay part of it")
        with self.assertRaises(JsonRpcException):
            self._transaction("overdue~600.01", 600)
        with self.assertRaises(JsonRpcException):
            self._transaction("overdue~-5", 600)
        too_much = self._get(self._url(token=self.token, suffix="/pay") + "&selection=overdue&partial=9999")
        self.assertEqual(too_much.status_code, 400)
        self.assertIn("at most", too_much.text)

    def test_amounts_typed_in_the_customers_language(self):
        """A Latin-American customer types "1.500.000": one and a half million, never 1.50."""
        self.env["res.lang"]._activate_lang("es_419")
        partner = self.env["res.partner"].create({"name": "Cliente de Bogotá", "lang": "es_419"})
        self._portal_invoice(partner, 20, 2000000)
        self.env["collection.engine"]._run(today=self.today)
        case = self._case(partner)
        token = case._portal_ensure_token()
        statement = self._get(self._url(case, token))
        self.assertIn('value="2.000.000,00"', statement.text, "the promise's amount shown as the customer types it")
        url = self._url(case, token, "/promise")
        when = str(self.today + timedelta(days=5))
        for typed in ("1.5", "1500.50", "lots"):
            refused = self._post(url, {"date": when, "amount": typed})
            self.assertEqual(refused.status_code, 400, typed)
            self.assertIn("1.500.000,00", refused.text, "the refusal shows the format to use")
        self.assertFalse(self.env["collection.promise"].search([("case_id", "=", case.id)]))
        ok = self._post(url, {"date": when, "amount": "1.500.000"})
        self.assertEqual(ok.status_code, 303)
        promise = self.env["collection.promise"].search([("case_id", "=", case.id)])
        self.assertEqual(promise.amount, 1500000.0)
        # "change the amount" on the pay page: 1.000.000 is a million
        page = self._get(self._url(case, token, "/pay") + "&selection=overdue&partial=1.000.000")
        self.assertEqual(page.status_code, 200)
        self.assertIn('value="1.000.000,00"', page.text)
        values = self._transaction("overdue~1000000.00", 2000000, token=token, case=case)
        tx = self.env["payment.transaction"].sudo().search([("reference", "=", values["reference"])])
        self.assertEqual(tx.amount, 1000000.0)
        bad = self._get(self._url(case, token, "/pay") + "&selection=overdue&partial=1.000.000,5,0")
        self.assertEqual(bad.status_code, 400)
        # ids that are digits to Python but not numbers
        self.assertEqual(self._get(self._url(case, token, "/pay") + "&invoice_ids=%C2%B2").status_code, 400)

    def test_tour_a_promise_typed_in_spanish(self):
        self.env["res.lang"]._activate_lang("es_419")
        partner = self.env["res.partner"].create({"name": "Cliente de Medellín", "lang": "es_419"})
        self._portal_invoice(partner, 20, 2000000)
        self.env["collection.engine"]._run(today=self.today)
        case = self._case(partner)
        self.company.collection_promise_horizon_days = 30
        self.start_tour(self._url(case, case._portal_ensure_token()), "collections_portal_promise_in_spanish_tour")
        promise = self.env["collection.promise"].search([("case_id", "=", case.id)])
        self.assertEqual((promise.amount, promise.source), (1500000.0, "portal"), "one promise, a million and a half")

    def test_tour_accept_the_plan_offered(self):
        plan = self.env["collection.payment.plan"].create({
            "case_id": self.case.id, "move_ids": [Command.set((self.inv_10 | self.inv_45).ids)],
            "installment_count": 3, "first_date": self.today + timedelta(days=7),
        })
        plan.action_propose()
        self.start_tour(self._url(token=self.token), "collections_portal_accept_plan_tour")
        self.assertEqual((plan.state, plan.acceptance_channel), ("active", "portal"))
