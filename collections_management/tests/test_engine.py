from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestEngine(CollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_a.email = "billing@partner-a.example"
        cls.billing = cls.env["res.partner"].create({
            "name": "Accounts Payable A", "type": "invoice", "parent_id": cls.partner_a.id,
            "email": "ap@partner-a.example", "phone": "+54 11 4321 0000",
        })
        cls.partner_b.email = "b@partner-b.example"
        cls.strategy = cls.company.collection_strategy_id

    def _messages(self, case):
        return case.message_ids.filtered(lambda m: m.message_type == "comment")

    # ------------------------------------------------------------------ stages and cases
    def test_first_run_catches_up_on_overdue_invoices(self):
        early = self._invoice(self.partner_a, -3, 100)      # due in 3 days: preventive
        admin = self._invoice(self.partner_a, 10, 200)      # administrative
        extra = self._invoice(self.partner_b, 45, 300)      # extrajudicial
        not_yet = self._invoice(self.partner_b, -30, 50)    # too early for any stage
        summary = self._run()
        self.assertEqual(early.collection_stage_id, self.stage_by_code["preventive"])
        self.assertEqual(admin.collection_stage_id, self.stage_by_code["administrative"])
        self.assertEqual(admin.with_context(collection_today=self.TODAY).collection_days_overdue, 10)
        self.assertEqual(extra.collection_stage_id, self.stage_by_code["extrajudicial"])
        self.assertFalse(not_yet.collection_stage_id)
        case_a, case_b = self._case(self.partner_a), self._case(self.partner_b)
        self.assertEqual(summary["cases_opened"], 2)
        self.assertEqual(case_a.stage_id, self.stage_by_code["administrative"], "a case shows its worst invoice")
        self.assertEqual(case_a.amount_overdue, 200)
        self.assertEqual(case_a.amount_due, 300)
        self.assertEqual(case_a.with_context(collection_today=self.TODAY).days_overdue, 10)
        self.assertEqual(case_a.oldest_due_date, self.TODAY - timedelta(days=10))
        self.assertEqual(case_b.amount_due, 350)
        self.assertEqual(admin.collection_case_id, case_a)
        history = case_b.history_ids
        self.assertEqual(len(history), 1)
        self.assertEqual((history.stage_from_id, history.stage_to_id), (self.env["collection.stage"],
                                                                        self.stage_by_code["extrajudicial"]))
        self.assertEqual(case_b.stage_history_id, history)

    def test_installments_are_overdue_one_by_one(self):
        term = self.env["account.payment.term"].create({
            "name": "30/60/90",
            "line_ids": [Command.create({"value": "percent", "value_amount": 30, "nb_days": 30}),
                         Command.create({"value": "percent", "value_amount": 30, "nb_days": 60}),
                         Command.create({"value": "percent", "value_amount": 40, "nb_days": 90})],
        })
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": self.partner_a.id,
            "invoice_date": self.TODAY - timedelta(days=75), "invoice_payment_term_id": term.id,
            "invoice_line_ids": [Command.create({"product_id": self.product_a.id, "price_unit": 900, "tax_ids": []})],
        })
        move.action_post()
        self._run()
        # lines due at -45, -15 and +15 days: worst line is 45 days overdue
        self.assertEqual(move.with_context(collection_today=self.TODAY).collection_days_overdue, 45)
        self.assertEqual(move.collection_stage_id, self.stage_by_code["extrajudicial"])
        case = self._case(self.partner_a)
        self.assertAlmostEqual(case.amount_overdue, 540, places=2, msg="only two installments are overdue")
        self.assertAlmostEqual(case.amount_due, 900, places=2)

    def test_payment_closes_case_and_clears_invoice(self):
        move = self._invoice(self.partner_a, 12, 120)
        self._run()
        case = self._case(self.partner_a)
        self.assertTrue(case)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
            {"payment_date": self.TODAY})._create_payments()
        summary = self._run()
        self.assertEqual(summary["cases_closed"], 1)
        self.assertEqual(case.state, "closed")
        self.assertFalse(move.collection_stage_id)
        self.assertEqual(case.history_ids[0].stage_to_id.id, False)

    def test_grace_days_delay_the_stage(self):
        move = self._invoice(self.partner_a, 3, 100)
        self.company.collection_grace_days = 5
        self._run()
        self.assertEqual(move.collection_stage_id, self.stage_by_code["preventive"],
                         "within the grace days the line still counts as due today")
        self.assertEqual(move.with_context(collection_today=self.TODAY).collection_days_overdue, 3)

    def test_stages_per_company(self):
        other = self.setup_other_company()["company"]
        theirs = self.env["collection.stage"].search([("company_id", "=", other.id)])
        other_admin = theirs.filtered(lambda s: s.code == "administrative")
        theirs.filtered(lambda s: s.code == "extrajudicial").day_from = 46
        other_admin.day_to = 45
        mine = self._invoice(self.partner_a, 40, 100)
        theirs = self._invoice(self.partner_a, 40, 100, company=other)
        self._run()
        self.assertEqual(mine.collection_stage_id, self.stage_by_code["extrajudicial"])
        self.assertEqual(theirs.collection_stage_id, other_admin)
        self.assertNotEqual(self._case(self.partner_a), self._case(self.partner_a, company=other))

    # ------------------------------------------------------------------ idempotency
    def _side_effect_counts(self):
        """History rows, executions, messages, activities and letters the engine has produced."""
        return (
            self.env["collection.case.stage.history"].search_count([]),
            self.env["collection.step.execution"].search_count([]),
            self.env["mail.message"].search_count([("model", "=", "collection.case"), ("message_type", "=", "comment")]),
            self.env["mail.activity"].search_count([("res_model", "=", "collection.case")]),
            self.env["ir.attachment"].search_count([("res_model", "=", "collection.case")]),
        )

    def test_two_runs_do_nothing_twice(self):
        self._invoice(self.partner_a, 45, 100)
        self._invoice(self.partner_b, 10, 100)
        self._run()
        case = self._case(self.partner_a)
        counts = self._side_effect_counts()
        self.env.flush_all()
        self.env.cr.execute("SELECT max(write_date) FROM collection_case")
        before = self.env.cr.fetchone()[0]
        # a row moves (new ctid) with every write of it
        self.env.cr.execute("SELECT move_id, ctid::text FROM collection_case_move")
        moves_before = dict(self.env.cr.fetchall())
        summary = self._run()
        self.assertEqual(summary["stage_changes"], 0)
        self.assertEqual(summary["invoices_updated"], 0)
        self.assertEqual(summary["executions_done"], 0)
        self.assertEqual(counts, self._side_effect_counts())
        self.env.flush_all()
        self.env.cr.execute("SELECT max(write_date) FROM collection_case")
        self.assertEqual(self.env.cr.fetchone()[0], before, "a run where nothing changed writes no case")
        self.env.cr.execute("SELECT move_id, ctid::text FROM collection_case_move")
        self.assertEqual(dict(self.env.cr.fetchall()), moves_before, "nor any invoice row")
        self.assertTrue(case.execution_ids)

    def test_a_day_passing_writes_no_case_or_invoice_whose_stage_did_not_change(self):
        self.env["collection.strategy"].search([]).active = False  # only the ledger part
        moving = self._invoice(self.partner_a, 30, 100)     # day 30 today: administrative, tomorrow 31
        steady = self._invoice(self.partner_b, 10, 100)     # stays administrative
        self._run()
        self.env.flush_all()
        self.env.cr.execute("SELECT id, write_date FROM collection_case")
        cases_before = dict(self.env.cr.fetchall())
        self.env.cr.execute("SELECT id, write_date FROM account_move WHERE id IN %s", [(moving.id, steady.id)])
        moves_before = dict(self.env.cr.fetchall())
        self.env.cr.execute("UPDATE collection_case SET write_date = write_date - interval '1 day'")
        self.env.cr.execute("UPDATE account_move SET write_date = write_date - interval '1 day' WHERE id IN %s",
                            [(moving.id, steady.id)])
        self.env.cr.execute("SELECT move_id, ctid::text FROM collection_case_move WHERE move_id IN %s",
                            [(moving.id, steady.id)])
        rows_before = dict(self.env.cr.fetchall())
        summary = self._run(today=self.TODAY + timedelta(days=1))
        self.env.flush_all()
        self.env.cr.execute("SELECT id, write_date FROM collection_case")
        cases_after = dict(self.env.cr.fetchall())
        self.env.cr.execute("SELECT id, write_date FROM account_move WHERE id IN %s", [(moving.id, steady.id)])
        moves_after = dict(self.env.cr.fetchall())
        case_a, case_b = self._case(self.partner_a), self._case(self.partner_b)
        self.assertEqual(summary["stage_changes"], 1)
        self.assertEqual(case_a.stage_id, self.stage_by_code["extrajudicial"])
        self.assertGreater(cases_after[case_a.id], cases_before[case_a.id] - timedelta(days=1), "crossed: written")
        self.assertEqual(cases_after[case_b.id], cases_before[case_b.id] - timedelta(days=1),
                         "the other case: a day passed, nothing written")
        self.assertEqual(moves_after, {mid: date - timedelta(days=1) for mid, date in moves_before.items()},
                         "the invoices themselves are never written by the run")
        self.env.cr.execute("SELECT move_id, ctid::text FROM collection_case_move WHERE move_id IN %s",
                            [(moving.id, steady.id)])
        rows_after = dict(self.env.cr.fetchall())
        self.assertNotEqual(rows_after[moving.id], rows_before[moving.id], "crossed a boundary: its row written")
        self.assertEqual(rows_after[steady.id], rows_before[steady.id], "a day passed, its row untouched")
        self.assertEqual(moving.collection_stage_id, self.stage_by_code["extrajudicial"])
        self.assertEqual(steady.collection_stage_id, self.stage_by_code["administrative"])
        self.assertEqual(summary["invoices_updated"], 1, "only the invoice that crossed a boundary")
        self.assertEqual(case_b.with_context(collection_today=self.TODAY + timedelta(days=1)).days_overdue, 11,
                         "days overdue still move with the calendar, computed from the stored date")

    def test_claim_key_rejects_a_second_claim_of_the_same_step(self):
        """The database key that stops a second worker claiming the same (case, stage entry, step)."""
        self._invoice(self.partner_a, 10, 100)
        self._run()
        execution = self._case(self.partner_a).execution_ids[:1]
        self.assertTrue(execution)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["collection.step.execution"].sudo().create({
                "case_id": execution.case_id.id, "stage_history_id": execution.stage_history_id.id,
                "step_id": execution.step_id.id, "channel": execution.channel,
            })

    def test_dry_run_changes_nothing(self):
        move = self._invoice(self.partner_a, 45, 100)
        summary = self._run(dry_run=True)
        self.assertEqual(summary["cases_opened"], 1)
        self.assertTrue(any(kind == "step" for kind, _name, _info in summary["details"]))
        self.assertFalse(self._case(self.partner_a))
        self.assertFalse(move.collection_stage_id)
        self.assertFalse(self.env["collection.step.execution"].search([]))
        wizard = self.env["collection.run.wizard"].create({"dry_run": True})
        wizard.action_run()
        self.assertIn("Cases opened: 1", wizard.result)
        self.assertFalse(self._case(self.partner_a))

    # ------------------------------------------------------------------ channels
    def test_email_one_combined_message_to_billing_contacts(self):
        self._invoice(self.partner_a, 3, 100)
        self._invoice(self.partner_a, 8, 250)
        self._invoice(self.partner_a, 20, 75)
        self._run()
        case = self._case(self.partner_a)
        messages = self._messages(case)
        self.assertEqual(len(messages), 1, "one message per case, not one per invoice")
        self.assertEqual(messages.partner_ids, self.billing, "sent to the billing contact")
        self.assertIn("overdue", messages.subject)
        for move in case.move_ids:
            self.assertIn(move.name, messages.body)
        execution = case.execution_ids.filtered(lambda e: e.channel == "email")
        self.assertEqual(execution.state, "done")
        self.assertEqual(execution.mail_message_id, messages)

    def test_preview_message_renders_without_sending(self):
        self._invoice(self.partner_a, 8, 250)
        self._run(dry_run=True)
        self.assertFalse(self._case(self.partner_a), "a dry run leaves nothing behind")
        self.strategy.active = False
        self.company.collection_strategy_id = False
        self._run()
        case = self._case(self.partner_a)
        action = case.action_preview_message()
        composer = self.env["mail.compose.message"].browse(action["res_id"])
        self.assertIn(case.move_ids.name, composer.body)
        self.assertEqual(composer.partner_ids, self.billing)
        self.assertFalse(self._messages(case), "previewing sends nothing")

    def test_email_without_address_fails_visibly_and_retries(self):
        self.partner_b.email = False
        self._invoice(self.partner_b, 8, 100)
        summary = self._run()
        execution = self._case(self.partner_b).execution_ids.filtered(lambda e: e.channel == "email")
        self.assertEqual(execution.state, "failed")
        self.assertIn("no billing contact with an email", execution.error)
        self.assertEqual(execution.retry_count, 1)
        self.assertEqual(summary["executions_failed"], 1)
        self.partner_b.email = "fixed@partner-b.example"
        self._run()
        self.assertEqual(execution.state, "done", "the next run retries the failed step")
        self.assertEqual(len(self._messages(self._case(self.partner_b))), 1)

    def test_sms_letter_call_visit_and_legal_steps(self):
        stage = self.stage_by_code["extrajudicial"]
        sms_template = self.env.ref("collections_management.sms_template_collection_reminder")
        self.strategy.step_ids.filtered(lambda s: s.stage_id == stage).unlink()
        self.strategy.step_ids = [
            Command.create({"name": "SMS", "stage_id": stage.id, "channel": "sms",
                            "sms_template_id": sms_template.id}),
            Command.create({"name": "Letter", "stage_id": stage.id, "channel": "letter"}),
            Command.create({"name": "Call script", "stage_id": stage.id, "channel": "call",
                            "note": "<p>Ask for the payment date</p>"}),
            Command.create({"name": "Visit", "stage_id": stage.id, "channel": "visit"}),
            Command.create({"name": "Legal", "stage_id": stage.id, "channel": "legal"}),
        ]
        self._invoice(self.partner_a, 40, 500)
        self._run()
        case = self._case(self.partner_a)
        case.user_id = self.collector
        by_channel = {e.channel: e for e in case.execution_ids}
        self.assertEqual(set(by_channel), {"sms", "letter", "call", "visit", "legal"})
        self.assertTrue(all(e.state == "done" for e in by_channel.values()), case.execution_ids.mapped("error"))
        sms = self.env["sms.sms"].search([("partner_id", "=", self.billing.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn("overdue invoice", sms.body)
        self.assertEqual(by_channel["letter"].letter_state, "to_render", "the run only queues the letter")
        self.env["collection.step.execution"]._cron_render_letters()
        self.assertEqual(by_channel["letter"].letter_state, "to_print")
        letter = by_channel["letter"].attachment_id
        self.assertEqual(letter.res_id, case.id)
        # Odoo renders reports as HTML in tests (real PDF bytes: TestCollectionsUi)
        self.assertIn(case.move_ids.name, letter.raw.decode())
        call = by_channel["call"].activity_id
        self.assertEqual(call.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertIn("payment date", str(call.note))
        self.assertEqual(call.date_deadline.weekday() < 5, True, "activities fall on working days")
        self.assertEqual(by_channel["visit"].activity_id.activity_type_id,
                         self.env.ref("mail.mail_activity_data_meeting"))
        self.assertEqual(by_channel["legal"].legal_record_id.case_id, case)

    def test_letter_html_lists_overdue_invoices(self):
        moves = self._invoice(self.partner_a, 40, 500) | self._invoice(self.partner_a, 35, 120)
        self._run()
        case = self._case(self.partner_a)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "collections_management.collection_case_letter_report", case.ids)[0].decode()
        for move in moves:
            self.assertIn(move.name, html)
        # headed by the case (and by its stage, or the stage's own letter title when collections_reports is in)
        self.assertIn(case.name, html)
        self.assertNotIn("No invoice is claimed", html)

    def test_letter_with_nothing_claimed_says_so(self):
        """Everything in dispute: the letter claims nothing and says why, without an empty table or a zero total."""
        move = self._invoice(self.partner_a, 40, 500)
        self._run()
        case = self._case(self.partner_a)
        self.env["collection.dispute"].create({"move_id": move.id, "reason": "defective"})
        html = self.env["ir.actions.report"]._render_qweb_html(
            "collections_management.collection_case_letter_report", case.ids)[0].decode()
        self.assertIn("No invoice is claimed by this", html)
        self.assertNotIn("collection-letter-line", html)
        self.assertNotIn("Total due", html)

    def test_steps_fire_on_their_day_offset(self):
        self._invoice(self.partner_a, 1, 100)
        self._run()
        case = self._case(self.partner_a)
        self.assertEqual(case.execution_ids.mapped("channel"), ["email"], "only day-0 steps on entry")
        self.assertEqual(case.next_action_date, self.TODAY + timedelta(days=5))
        self._run(today=self.TODAY + timedelta(days=10))
        self.assertEqual(sorted(case.execution_ids.mapped("channel")), ["call", "email", "sms"])

    # ------------------------------------------------------------------ legal, hold, disputes
    def test_legal_stage_opens_legal_record_and_holds_credit(self):
        self._invoice(self.partner_a, 120, 1000)
        summary = self._run()
        case = self._case(self.partner_a)
        self.assertEqual(case.stage_id, self.stage_by_code["judicial"])
        self.assertEqual(summary["legal_records"], 1)
        self.assertEqual(len(case.legal_record_ids), 1)
        self.assertEqual(case.legal_record_ids.amount_claimed, 1000)
        self.assertTrue(self.partner_a.collection_credit_hold)
        self.assertEqual(self.partner_a.collection_credit_hold_date, self.TODAY)
        self.assertTrue(case.activity_ids.filtered(lambda a: "legal" in (a.summary or "")))
        self._run()
        self.assertEqual(len(case.legal_record_ids), 1, "one legal record per stage entry")

    def test_disputed_and_excluded_invoices_stay_in_totals_without_steps(self):
        disputed = self._invoice(self.partner_a, 20, 100)
        disputed.collection_disputed = True
        excluded = self._invoice(self.partner_b, 20, 80)
        excluded.write({"collection_excluded": True, "collection_exclusion_reason": "Agreed with CFO"})
        self._run()
        case_a, case_b = self._case(self.partner_a), self._case(self.partner_b)
        self.assertEqual((case_a.amount_due, case_a.amount_overdue), (100, 0),
                         "a disputed invoice stays in what is owed, not in what is claimed as overdue")
        self.assertEqual((case_b.amount_due, case_b.amount_overdue), (80, 0))
        self.assertFalse(case_a.stage_id, "but it leaves collections")
        self.assertFalse(case_a.execution_ids)
        self.assertFalse(case_b.execution_ids)
        self.partner_a.write({"collection_excluded": True, "collection_exclusion_reason": "Key account"})
        self._invoice(self.partner_a, 20, 50)
        self._run()
        self.assertFalse(case_a.execution_ids, "an excluded partner gets no step")

    # ------------------------------------------------------------------ promises
    def _pay(self, move, amount, day):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create({
            "payment_date": day, "amount": amount})._create_payments()

    def test_promise_kept_from_real_payment(self):
        move = self._invoice(self.partner_a, 10, 300)
        self._run()
        case = self._case(self.partner_a)
        with freeze_time(self.TODAY):
            promise = self.env["collection.promise"].create({
                "case_id": case.id, "date": self.TODAY + timedelta(days=5), "amount": 200, "source": "phone"})
        self._run()
        self.assertEqual(promise.state, "open")
        self._pay(move, 200, self.TODAY + timedelta(days=2))
        self._run(today=self.TODAY + timedelta(days=3))
        self.assertEqual(promise.state, "kept")
        self.assertEqual(promise.amount_paid, 200)

    def test_promise_broken_raises_priority_and_schedules_call(self):
        move = self._invoice(self.partner_a, 10, 300)
        self._run()
        case = self._case(self.partner_a)
        score_before = case.priority_score
        with freeze_time(self.TODAY):
            promise = self.env["collection.promise"].create({
                "case_id": case.id, "date": self.TODAY + timedelta(days=3), "amount": 300, "source": "whatsapp"})
        self._run(today=self.TODAY + timedelta(days=1))
        self.assertFalse(case.execution_ids.filtered(lambda e: e.step_id.day_offset == 5),
                         "an open promise pauses the strategy")
        self._pay(move, 100, self.TODAY + timedelta(days=2))
        self._run(today=self.TODAY + timedelta(days=4))
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.amount_paid, 100)
        self.assertTrue(case.activity_ids.filtered(lambda a: "broken" in (a.summary or "")))
        self._run(today=self.TODAY + timedelta(days=5))
        self.assertGreater(case.priority_score, score_before)
        self.assertEqual(case.priority_details["broken_promises"], 10.0)

    # ------------------------------------------------------------------ security and config
    def test_collector_sees_only_own_cases_and_company(self):
        self._invoice(self.partner_a, 10, 100)
        self._invoice(self.partner_b, 10, 100)
        self._run()
        mine, theirs = self._case(self.partner_a), self._case(self.partner_b)
        mine.user_id = self.collector
        theirs.user_id = self.collector_2
        Case = self.env["collection.case"].with_user(self.collector)
        self.assertEqual(Case.search([]), mine)
        with self.assertRaises(AccessError):
            theirs.with_user(self.collector).read(["amount_due"])
        self.assertTrue(mine.user_manual, "a collector set by hand is kept")
        other = self.setup_other_company()["company"]
        self._invoice(self.partner_a, 10, 100, company=other)
        self._run()
        self.assertNotIn(other, self.env["collection.case"].with_user(self.manager).search([]).company_id)

    def test_bad_configuration_is_rejected(self):
        with self.assertRaisesRegex(ValidationError, "has no step"):
            self.env["collection.strategy"].create({"name": "Empty"})
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env["collection.segment"].create({"name": "Bad", "amount_min": -5})
        with self.assertRaisesRegex(ValidationError, "invalid"):
            self.env["collection.segment"].create({"name": "Bad domain", "partner_domain": "[('nope', '=', 1)]"})
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.env["collection.strategy.step"].create({
                "name": "Back in time", "strategy_id": self.strategy.id, "channel": "call",
                "stage_id": self.stage_by_code["administrative"].id, "day_offset": -2})

    def test_query_count_does_not_grow_with_invoices(self):
        def measure(partner, n):
            for days in range(n):
                self._invoice(partner, 5 + days % 60, 10 + days)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self._run(dry_run=True, company_ids=self.company.ids)
            return self.env.cr.sql_log_count - before

        small = measure(self.partner_a, 3)
        self.env["account.move"].search([("partner_id", "=", self.partner_a.id)]).button_draft()
        large = measure(self.partner_b, 30)
        self.assertLess(large - small, 25, f"queries grew from {small} to {large} with 10x invoices")
