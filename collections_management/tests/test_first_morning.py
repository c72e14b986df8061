from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestFirstMorning(CollectionsCommon):
    """What a new team meets on its first morning: worklists, tasks, dates and dialogs that make sense."""

    def setUp(self):
        super().setUp()
        self._freeze_today()

    def test_excluded_debtors_are_out_of_the_worklist_and_under_a_filter(self):
        self._invoice(self.partner_a, 20, 100)
        self.partner_b.write({"collection_excluded": True, "collection_exclusion_reason": "Agreed with the CFO"})
        self._invoice(self.partner_b, 20, 80)
        self._run()
        chased, excluded = self._case(self.partner_a), self._case(self.partner_b)
        self.assertFalse(chased.excluded)
        self.assertTrue(excluded.excluded, "nothing to chase: flagged")
        self.assertEqual((excluded.amount_due, excluded.amount_overdue), (80.0, 0.0),
                         "still owed and visible, not claimed as overdue (collection.overdue)")
        action = self.env["ir.actions.act_window"]._for_xml_id("collections_management.collection_case_action")
        self.assertIn("'search_default_to_chase': 1", action["context"])
        Case = self.env["collection.case"]
        self.assertEqual(Case.search([("excluded", "=", False), ("id", "in", (chased | excluded).ids)]), chased)
        self.assertEqual(Case.search([("excluded", "=", True), ("id", "in", (chased | excluded).ids)]), excluded)
        stages = Case._read_group([("excluded", "=", False), ("state", "=", "open")], ["stage_id"], ["__count"])
        self.assertNotIn(self.env["collection.stage"], [stage for stage, _count in stages], "no 'None' column")

    def test_exclusion_and_odoo_follow_up_agree(self):
        """Odoo 19's own follow-up flag (no_followup on the receivable lines) and the suite's exclusion are one
        decision, whichever screen it is taken on; journal entries keep Odoo's default."""
        excluded_here = self._invoice(self.partner_a, 20, 100)
        excluded_there = self._invoice(self.partner_b, 20, 80)
        excluded_here.write({"collection_excluded": True, "collection_exclusion_reason": "Agreed with the CFO"})
        self.assertTrue(excluded_here.no_followup)
        self.assertTrue(all(excluded_here.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable").mapped("no_followup")))
        excluded_there.no_followup = True  # ticked in Accounting
        self.assertTrue(excluded_there.collection_excluded)
        self.assertEqual(excluded_there.collection_exclusion_reason, "Excluded from follow-up in Accounting")
        self._run()
        self.assertEqual(self._case(self.partner_b).amount_overdue, 0.0, "not chased")
        excluded_there.no_followup = False
        self.assertFalse(excluded_there.collection_excluded, "back in collections")
        excluded_here.collection_excluded = False
        self.assertFalse(excluded_here.no_followup)

    def test_tasks_go_to_a_person_never_odoobot(self):
        legal_user = self.manager.copy({"login": "lawyer", "name": "Luisa Legal"})
        self.company.collection_legal_user_id = legal_user
        self._invoice(self.partner_a, 120, 500)
        self._invoice(self.partner_b, 15, 300)
        engine = self.env["collection.engine"].with_user(self.env.ref("base.user_root"))
        engine._run(today=self.TODAY)
        engine._run(today=self.TODAY + timedelta(days=10))  # the call of day 10 in the administrative stage
        activities = self.env["mail.activity"].search([("res_model", "=", "collection.case")])
        self.assertTrue(activities)
        self.assertNotIn(self.env.ref("base.user_root"), activities.user_id, "never OdooBot")
        legal = activities.filtered(lambda a: "legal" in (a.summary or "").lower())
        self.assertEqual(legal.user_id, legal_user, "legal tasks go to the legal responsible")
        others = activities - legal
        self.assertEqual(others.mapped("summary"), ["Call the customer"])
        self.assertTrue(others.user_id.has_group("collections_management.collections_management_group_manager"),
                        "an unassigned case: a Collections Manager of the company")
        for activity in others:
            case = self.env["collection.case"].browse(activity.res_id)
            self.assertEqual(activity.user_id, case.user_id or self.company.collection_default_user_id
                             or self.env["collection.activity"]._responsible(case))
            self.assertFalse(activity.user_id.share)
        self.company.collection_default_user_id = self.collector_2
        self.env["mail.activity"].search([("res_model", "=", "collection.case")]).unlink()
        self.env["collection.activity"]._schedule_activities(
            self._case(self.partner_b), None, "Follow up", self.TODAY)
        self.assertEqual(self.env["mail.activity"].search([("res_model", "=", "collection.case")]).user_id,
                         self.collector_2, "or the company's responsible for unassigned cases")

    def test_case_refreshed_after_a_payment_by_the_triggered_cron(self):
        move = self._invoice(self.partner_a, 20, 300)
        self._run()
        case = self._case(self.partner_a)
        self.assertEqual(case.amount_overdue, 300.0)
        self.env["collection.refresh.request"].sudo().search([]).unlink()
        self._register_payment(move, 120)
        requests = self.env["collection.refresh.request"].search([])
        self.assertEqual(requests.partner_id, self.partner_a, "the payment queued its debtor, nobody else")
        cron = self.env.ref("collections_management.ir_cron_collection_refresh")
        self.assertTrue(self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", cron.id)]),
                        "and asked the refresh cron to run soon")
        self.env["collection.engine"]._cron_refresh()
        self.assertEqual(case.amount_overdue, 180.0, "refreshed without waiting for the next morning")
        self.assertFalse(self.env["collection.refresh.request"].search([]))
        self._register_payment(move, 180)
        self.env["collection.engine"]._cron_refresh()
        self.assertEqual(case.state, "closed")

    def test_posting_and_resetting_an_invoice_queue_its_debtor(self):
        Request = self.env["collection.refresh.request"].sudo()
        move = self._invoice(self.partner_a, 20, 300)
        self.assertEqual(Request.search([]).partner_id, self.partner_a, "posting a debt queues its debtor")
        Request.search([]).unlink()
        move.button_draft()
        self.assertEqual(Request.search([]).partner_id, self.partner_a, "and so does taking it back")
        Request.search([]).unlink()
        move.write({"ref": "no change to the debt"})
        self.assertFalse(Request.search([]), "an unrelated write queues nothing")

    def test_register_promise_dialog(self):
        self._invoice(self.partner_a, 20, 300)
        self._invoice(self.partner_a, 40, 200)
        self._run()
        case = self._case(self.partner_a)
        case.user_id = self.collector
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "collections_management.collection_promise_wizard_action")
        wizard_model = self.env[action["res_model"]].with_user(self.collector).with_context(default_case_id=case.id)
        form = Form(wizard_model)
        self.assertEqual(form.amount, 500.0, "prefilled with the overdue amount")
        self.assertEqual(len(form.move_ids), 2)
        form.date = self.TODAY - timedelta(days=1)
        with self.assertRaisesRegex(ValidationError, "in the past"):
            form.save().action_register()
        form.date = self.TODAY + timedelta(days=3)
        form.amount = 900
        with self.assertRaisesRegex(ValidationError, "more than"):
            form.save().action_register()
        form.amount = 250
        form.save().action_register()
        promise = case.promise_ids
        self.assertEqual((promise.amount, promise.state, promise.user_id), (250.0, "open", self.collector))
        self.assertIn("Promise to pay registered", case.message_ids[0].body)
        again = Form(wizard_model)
        again.amount = 300
        with self.assertRaisesRegex(UserError, "already has an open promise"):
            again.save().action_register()
        again.replace_open = True
        again.save().action_register()
        self.assertEqual(promise.state, "cancelled")
        self.assertEqual(case.promise_ids.filtered(lambda p: p.state == "open").amount, 300.0)

    def test_installment_invoices_show_the_date_of_the_overdue_line(self):
        term = self.env["account.payment.term"].create({
            "name": "30/60",
            "line_ids": [Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                         Command.create({"value": "percent", "value_amount": 50, "nb_days": 60})],
        })
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.partner_a.id, "invoice_date": self.TODAY - timedelta(days=40),
            "invoice_payment_term_id": term.id,
            "invoice_line_ids": [Command.create({"product_id": self.product_a.id, "price_unit": 800, "tax_ids": []})],
        })
        move.action_post()
        soon = self._invoice(self.partner_a, -3, 100)
        self._run()
        case = self._case(self.partner_a)
        first_due = self.TODAY - timedelta(days=10)
        self.assertEqual(move.invoice_date_due, self.TODAY + timedelta(days=20), "Odoo's field: the last due date")
        self.assertEqual((move.collection_due_date, move.collection_installment_count), (first_due, 2))
        self.assertEqual(move.collection_days_overdue, 10)
        self.assertEqual(case._collection_overdue_moves(), move, "a reminder of overdue debt lists no invoice due in 3 days")
        template = case.stage_id.mail_template_id
        body = template._render_field("body_html", case.ids)[case.id]
        self.assertIn(first_due.strftime("%m/%d/%Y"), body)
        self.assertNotIn(move.invoice_date_due.strftime("%m/%d/%Y"), body)
        self.assertNotIn(soon.name, body)

    def test_each_role_lands_on_its_own_first_screen(self):
        Case = self.env["collection.case"]
        manager_action = Case.with_user(self.manager)._action_home()
        collector_action = Case.with_user(self.collector)._action_home()
        self.assertEqual(manager_action["id"], self.env.ref("collections_management.collection_case_action").id)
        self.assertEqual(collector_action["id"], self.env.ref("collections_management.collection_case_action_my").id)
        root = self.env.ref("collections_management.collections_management_menu_root")
        self.assertEqual(root.action, self.env.ref("collections_management.collection_case_action_home"))
        self.assertMenuReachable(self.collector, "collections_management.collection_step_execution_menu", False)
        self.assertMenuReachable(self.collector, "collections_management.collection_run_wizard_menu", False)
        # a manager-only page reached by URL: a clear word and the collector's own screen, not an error
        open_run = self.env.ref("collections_management.collection_run_wizard_action_open")
        self.assertEqual(open_run.path, "collections-run")
        as_collector = open_run.with_user(self.collector).run()
        self.assertEqual((as_collector["type"], as_collector["tag"]), ("ir.actions.client", "display_notification"))
        self.assertIn("Collections Manager", as_collector["params"]["message"])
        self.assertEqual(as_collector["params"]["next"]["id"], collector_action["id"])
        self.assertEqual(open_run.with_user(self.manager).run()["res_model"], "collection.run.wizard")

    def test_run_dialog_reads_like_a_report_and_links_the_cases(self):
        self._invoice(self.partner_a, 20, 100)
        self._invoice(self.partner_b, 45, 100)
        for dry_run in (True, False):
            wizard = self.env["collection.run.wizard"].create({"dry_run": dry_run})
            action = wizard.action_run()
            self.assertTrue(action["name"])
            names = set(wizard.line_ids.mapped("name"))
            self.assertEqual(names, {self.partner_a.display_name, self.partner_b.display_name},
                             "debtor names, never ids")
            stage_lines = wizard.line_ids.filtered(lambda line: line.kind == "stage")
            self.assertIn("→", stage_lines[0].info)
            self.assertFalse(any(info.isdigit() for info in wizard.line_ids.mapped("info")))
        cases = self._case(self.partner_a) | self._case(self.partner_b)
        self.assertEqual(wizard.case_ids, cases)
        self.assertEqual(wizard.action_open_cases()["domain"], [("id", "in", wizard.case_ids.ids)])

    def test_settings_read_as_a_person_would_write_them(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual([settings[f"collection_wd_{d}"] for d in ("mon", "fri", "sat", "sun")],
                         [True, True, False, False])
        settings.collection_wd_sat = True
        settings.collection_wd_mon = False
        settings.execute()
        self.assertEqual(self.company.collection_working_days, "1,2,3,4,5")
        product = self.env["product.product"].create({"name": "Fee", "type": "service"})
        rule = self.env["collection.fee.rule"].create({"name": "Interest", "fee_type": "interest", "rate": 3,
                                                       "rate_period": "month", "product_id": product.id})
        self.assertEqual(rule.summary, "3.00 % per month, charged per day overdue")

    def test_first_run_on_old_debts_places_them_for_review(self):
        self.company.write({"collection_catch_up_policy": "review", "collection_catch_up_done": False})
        old = self._invoice(self.partner_a, 400, 900)
        self._invoice(self.partner_b, 45, 300)
        summary = self._run()
        case_a, case_b = self._case(self.partner_a), self._case(self.partner_b)
        self.assertEqual(case_a.stage_id, self.stage_by_code["judicial"], "placed in its stage")
        self.assertEqual(old.collection_stage_id, self.stage_by_code["judicial"])
        self.assertFalse(case_a.legal_record_ids, "no legal hand-over buried on the first morning")
        self.assertFalse((case_a | case_b).execution_ids, "no step for an old debt's first placement")
        self.assertFalse(self.partner_a.collection_credit_hold)
        self.assertTrue(case_a.history_ids.catch_up)
        self.assertEqual(summary["legal_records"], 0)
        candidates = self.env["collection.case"].search(
            [("stage_id.is_legal", "=", True), ("legal_record_ids", "=", False), ("state", "=", "open")])
        self.assertEqual(candidates, case_a, "listed for review as a legal candidate")
        self.assertTrue(self.company.collection_catch_up_done, "the first complete run ends the placement")
        # from the next stage change on, the run acts as usual
        self._run(today=self.TODAY + timedelta(days=50))
        self.assertEqual(case_b.stage_id, self.stage_by_code["judicial"])
        self.assertEqual(len(case_b.legal_record_ids), 1)
        self.assertTrue(case_b.execution_ids)

    def test_start_collecting_ends_the_review_without_sending_the_backlog(self):
        """The manager ends the first run's review: the remaining steps run on their own dates, the past ones
        are recorded as skipped (never sent), legal hand-overs and credit holds stay manual."""
        self.company.write({"collection_catch_up_policy": "review", "collection_catch_up_done": False})
        self._invoice(self.partner_a, 400, 900)  # judicial: its hand-over to legal is backlog
        self._invoice(self.partner_b, 35, 300)  # extrajudicial since day 31, four days ago
        self._run()
        case_a, case_b = self._case(self.partner_a), self._case(self.partner_b)
        Case = self.env["collection.case"]
        review = Case.search(safe_eval(self.env["ir.actions.act_window"]._for_xml_id(
            "collections_management.collection_case_action_review")["domain"]))
        self.assertEqual(review & (case_a | case_b), case_a | case_b, "both placed debtors wait for review")
        self.assertEqual(case_b.catch_up_backlog, "Formal notice, Formal letter")
        self.assertEqual(case_b.catch_up_next, "Negotiation call on 03/19/2026", "day 7 of the stage: in 3 days")
        self.assertEqual(case_a.catch_up_next, "Nothing until the next stage")

        with self.assertRaises(AccessError):
            case_b.with_user(self.collector).action_start_collecting()
        self.assertTrue(case_b.catch_up, "a collector's attempt changed nothing")

        (case_a | case_b).with_user(self.manager).action_start_collecting()
        self.assertEqual((case_a | case_b).mapped("catch_up"), [False, False])
        self.assertEqual(case_b.stage_date, self.TODAY - timedelta(days=4), "dated on its real entry into the stage")
        self.assertEqual(sorted(case_b.execution_ids.mapped("state")), ["skipped", "skipped"])
        self.assertEqual(case_a.execution_ids.step_id.channel, "legal")
        self.assertEqual(case_a.execution_ids.state, "skipped")
        self.assertIn("Next: Negotiation call on 03/19/2026", case_b.message_ids[0].body)
        with self.assertRaises(UserError):
            case_b.with_user(self.manager).action_start_collecting()

        # the daily run sends none of the backlog, and the next steps on their dates
        self._run()
        self.assertFalse(case_b.execution_ids.filtered(lambda e: e.state != "skipped"), "nothing sent at once")
        self.assertEqual(case_b.next_action_date, self.TODAY + timedelta(days=3))
        self.assertFalse(case_a.legal_record_ids, "the backlog's legal hand-over stays manual")
        self.assertFalse(self.partner_a.collection_credit_hold, "and so does the credit hold")
        self._run(today=self.TODAY + timedelta(days=3))
        call = case_b.execution_ids.filtered(lambda e: e.state != "skipped")
        self.assertEqual(call.step_id.mapped("channel"), ["call"])
        self.assertEqual(call.state, "done")

    def test_run_now_hands_a_large_book_to_the_cron_and_previews_a_sample(self):
        self._invoice(self.partner_a, 20, 100)
        self._invoice(self.partner_b, 45, 100)
        self.env["ir.config_parameter"].sudo().set_param("collections_management.run_now_limit", "1")
        preview = self.env["collection.run.wizard"].create({"dry_run": True})
        preview.action_run()
        self.assertIn("Preview of the first 1 of 2 debtors", preview.result)
        self.assertEqual(set(preview.line_ids.mapped("name")), {self.partner_a.display_name})
        wizard = self.env["collection.run.wizard"].create({"dry_run": False})
        wizard.action_run()
        self.assertTrue(wizard.handed_over)
        self.assertIn("handed to the daily cron", wizard.result)
        self.assertFalse(self._case(self.partner_a), "nothing done in the request itself")
        run = self.env["collection.run"].search([("date", "=", self.TODAY)])
        self.assertEqual((run.state, run.planned, run.batch_ids), ("running", False, run.batch_ids.browse()),
                         "today's run starts again from its first debtor")
        cron = self.env.ref("collections_management.ir_cron_collection_engine")
        self.assertTrue(self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", cron.id)]))
        self.env["collection.engine"]._cron_run()
        self.assertTrue(self._case(self.partner_a) and self._case(self.partner_b), "the cron did the work")
