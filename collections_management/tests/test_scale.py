import threading
import time
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.orm.environments import Transaction
from odoo.tests import TransactionCase, tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestBulkWrites(CollectionsCommon):
    """The run writes cases, stage entries, legal records, activities and emails in bulk (SQL or
    batched ORM): the rows must be those the ORM would have written one by one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_a.email = "billing@partner-a.example"
        cls.partner_b.email = "b@partner-b.example"

    def _run(self, **kwargs):
        return self.env["collection.engine"]._run(today=self.TODAY, **kwargs)

    def _case(self, partner):
        return self.env["collection.case"].search([("partner_id", "=", partner.id), ("state", "=", "open")])

    @staticmethod
    def _stored_values(record, skip=()):
        skip = {"id", "create_date", "write_date", "name", *skip}
        names = [name for name, field in record._fields.items()
                 if field.store and field.column_type and name not in skip]
        values = record.read(names)[0]
        values.pop("id")
        return values

    def test_bulk_cases_have_the_orm_defaults(self):
        self._invoice(self.partner_a, 10, 100)
        self._run()
        bulk = self._case(self.partner_a)
        orm = self.env["collection.case"].create({"partner_id": self.partner_b.id, "company_id": self.company.id})
        self.assertRegex(bulk.name, r"\d+$")
        self.assertNotEqual(bulk.name, orm.name)
        # the run then fills the measured fields; the defaults are those of an ORM-created case
        for field in ("state", "excluded", "user_manual", "user_id", "closed_date", "plan_id"):
            self.assertEqual(bulk[field], orm[field], field)

    def test_a_second_open_case_for_a_debtor_is_not_created(self):
        self._invoice(self.partner_a, 10, 100)
        self._run()
        case = self._case(self.partner_a)
        Case = self.env["collection.case"]
        # a second worker that measured the same debtor gets the existing open case back
        key = (self.partner_a.id, self.company.id)
        self.assertEqual(Case._collection_insert_open([key]), {key: case.id})
        self.assertEqual(self._case(self.partner_a), case)

    def test_bulk_activities_match_orm(self):
        self._invoice(self.partner_a, 10, 100)
        self._invoice(self.partner_b, 10, 100)
        self._run()
        case_a, case_b = self._case(self.partner_a), self._case(self.partner_b)
        values = {
            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
            "summary": "Call the customer",
            "note": "<p>Ask for the payment date</p>",
            "user_id": self.collector.id,
            "date_deadline": self.TODAY,
        }
        self.collector.tz = "America/Bogota"
        orm = self.env["mail.activity"].create(dict(
            values, res_model_id=self.env["ir.model"]._get_id("collection.case"), res_id=case_a.id))
        bulk = self.env["collection.activity"]._insert_activities("collection.case", [dict(values, res_id=case_b.id)])
        self.assertEqual(len(bulk), 1)
        expected = self._stored_values(orm, skip=("res_id", "res_name"))
        self.assertEqual(self._stored_values(bulk, skip=("res_id", "res_name")), expected)
        self.assertEqual((bulk.res_id, bulk.res_name), (case_b.id, case_b.display_name))
        self.assertEqual(bulk.user_tz, "America/Bogota")
        self.assertIn(self.collector.partner_id, case_a.message_partner_ids)
        self.assertIn(self.collector.partner_id, case_b.message_partner_ids, "the assignee follows the case")
        self.assertEqual(case_b.activity_ids, bulk)
        # the collector sees it as their own activity, as an ORM one
        self.assertIn(bulk, self.env["mail.activity"].with_user(self.collector).search([("user_id", "=", self.collector.id)]))
        # a second activity for the same assignee does not duplicate the follower
        self.env["collection.activity"]._insert_activities("collection.case", [dict(values, res_id=case_b.id)])
        self.assertEqual(len(case_b.message_follower_ids.filtered(
            lambda f: f.partner_id == self.collector.partner_id)), 1)

    def test_bulk_legal_records_match_orm(self):
        self.company.collection_legal_user_id = self.manager
        self._invoice(self.partner_a, 200, 100)
        self._run()
        case = self._case(self.partner_a)
        bulk = case.legal_record_ids
        self.assertEqual(len(bulk), 1)
        orm = self.env["collection.legal.record"].with_context(tracking_disable=True).create({
            "name": bulk.name, "case_id": case.id, "amount_claimed": case.amount_overdue,
        })
        self.assertEqual(self._stored_values(bulk, skip=("stage_history_id",)),
                         self._stored_values(orm, skip=("stage_history_id",)))
        self.assertEqual(bulk.stage_history_id, case.stage_history_id)
        self.assertEqual(bulk.name, f"Legal {case.name}")
        task = case.activity_ids.filtered(lambda a: a.summary == "Prepare the legal file and assign a lawyer")
        self.assertEqual(task.user_id, self.manager)
        # the same stage entry never opens a second record
        self.assertFalse(self.env["collection.legal.record"]._open_for_entries(case.stage_history_id))

    def test_bulk_emails_one_per_case_each_with_its_own_invoices(self):
        self.env["res.lang"]._activate_lang("es_419")
        self.partner_b.lang = "es_419"
        inv_a = self._invoice(self.partner_a, 3, 100) | self._invoice(self.partner_a, 8, 250)
        inv_b = self._invoice(self.partner_b, 5, 75)
        self._run()
        for partner, mine, theirs in ((self.partner_a, inv_a, inv_b), (self.partner_b, inv_b, inv_a)):
            case = self._case(partner)
            execution = case.execution_ids.filtered(lambda e: e.channel == "email")
            self.assertEqual(execution.state, "done")
            message = execution.mail_message_id
            self.assertEqual(message.model, "collection.case")
            self.assertEqual(message.res_id, case.id)
            self.assertIn(message, case.message_ids, "shown in the case's chatter")
            for move in mine:
                self.assertIn(move.name, message.body)
            for move in theirs:
                self.assertNotIn(move.name, message.body)
            mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
            self.assertEqual(mail.state, "outgoing", "queued for the mail cron")
            self.assertEqual(mail.recipient_ids, partner)
            self.assertEqual(message.notification_ids.res_partner_id, partner)
            self.assertEqual(message.notification_ids.notification_type, "email")
        self.assertIn("Dear", self._case(self.partner_a).execution_ids.mail_message_id.body)


@tagged("post_install", "-at_install")
class TestTwoWorkers(TransactionCase):
    """Two workers (two cron threads, or the cron and a manager's Run now) on the same book at once.

    The book is committed through a real cursor, each worker runs in its own
    thread and cursor, started together; the test removes what it committed.
    """

    DEBTORS = 6

    def _commit_book(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            company.collection_catch_up_done = True
            self.company_id = company.id
            partners = env["res.partner"].create([
                {"name": f"Two-workers debtor {index}", "email": f"debtor{index}@two-workers.example"}
                for index in range(self.DEBTORS)])
            today = fields.Date.context_today(env["collection.engine"])
            moves = env["account.move"]
            for index, partner in enumerate(partners):
                # administrative (email), extrajudicial (email + letter), judicial (legal record + task)
                for days in ((10, 45, 120)[index % 3], 5):
                    due = today - timedelta(days=days)
                    moves |= env["account.move"].with_company(company).create({
                        "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": due,
                        "invoice_date_due": due, "invoice_line_ids": [Command.create({
                            "name": "Service", "quantity": 1, "price_unit": 100.0, "tax_ids": []})],
                    })
            moves.invoice_payment_term_id = False
            for move in moves:
                move.invoice_date_due = move.invoice_date
            moves.action_post()
            return partners.ids, moves.ids

    def _cleanup(self, partner_ids, move_ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cases = env["collection.case"].with_context(active_test=False).search([("partner_id", "in", partner_ids)])
            env["mail.activity"].search([("res_model", "=", "collection.case"), ("res_id", "in", cases.ids)]).unlink()
            env["mail.mail"].search([("model", "=", "collection.case"), ("res_id", "in", cases.ids)]).unlink()
            env["mail.message"].search([("model", "=", "collection.case"), ("res_id", "in", cases.ids)]).unlink()
            cr.execute("DELETE FROM collection_case WHERE id = ANY(%s)", [cases.ids])
            cr.execute("DELETE FROM collection_refresh_request WHERE partner_id = ANY(%s)", [partner_ids])
            moves = env["account.move"].browse(move_ids)
            moves.button_draft()
            moves.with_context(force_delete=True).unlink()
            env["res.partner"].browse(partner_ids).unlink()
            env["collection.run"].search([]).unlink()

    def test_two_workers_never_process_a_debtor_twice(self):
        partner_ids, move_ids = self._commit_book()
        self.addCleanup(self._cleanup, partner_ids, move_ids)
        barrier = threading.Barrier(2)
        errors = []

        def worker():
            try:
                with self.registry.cursor() as cr:
                    # Odoo's test runner holds the registry lock while tests run: give the worker's cursor
                    # its transaction directly instead of looking the registry up again
                    cr.transaction = Transaction(self.registry)
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    barrier.wait(timeout=30)
                    env["collection.engine"]._run(company_ids=[self.company_id])
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(errors, [], "neither worker failed (no serialization error to stop the second one)")

        self._assert_each_debtor_once(partner_ids)

    def _assert_each_debtor_once(self, partner_ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cases = env["collection.case"].search([("partner_id", "in", partner_ids)])
            self.assertEqual(len(cases), self.DEBTORS, "one case per debtor")
            self.assertEqual(len(cases.partner_id), self.DEBTORS)
            for case in cases:
                self.assertEqual(len(case.history_ids), 1, f"{case.name}: one stage entry")
                steps = case.execution_ids
                self.assertEqual(len(steps), len(set(steps.mapped(lambda e: (e.stage_history_id, e.step_id)))))
                self.assertTrue(steps, f"{case.name}: its stage's steps ran")
                emails = env["mail.message"].search([("model", "=", "collection.case"), ("res_id", "=", case.id),
                                                     ("message_type", "=", "comment")])
                self.assertLessEqual(len(emails), 1, f"{case.name}: one reminder, not two")
                self.assertLessEqual(len(case.legal_record_ids), 1)
                activities = env["mail.activity"].search([("res_model", "=", "collection.case"),
                                                          ("res_id", "=", case.id)])
                self.assertEqual(len(activities), len(set(activities.mapped("summary"))), "no task twice")
            self.assertEqual(len(cases.legal_record_ids), self.DEBTORS // 3, "the judicial debtors' hand-over, once")

    def _worker_env(self, cr, context=None):
        # Odoo's test runner holds the registry lock while tests run: give the worker's cursor its
        # transaction directly instead of looking the registry up again
        cr.transaction = Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, context or {})

    def test_two_cron_workers_share_the_days_batches(self):
        partner_ids, move_ids = self._commit_book()
        self.addCleanup(self._cleanup, partner_ids, move_ids)
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["ir.config_parameter"].set_param(
                "collections_management.engine_batch_size", "2")
        self.addCleanup(self._reset_batch_size)
        errors = []

        def drive(plan):
            # a cron worker commits after each step (the plan, each batch): so does this one
            while True:
                with self.registry.cursor() as cr:
                    env = self._worker_env(cr, {"collection_step_by_step": True})
                    step = env["collection.engine"]._work_day(plan=plan)
                if not step.get("planned") and not step.get("batches"):
                    return

        def daily_cron():
            try:
                drive(plan=True)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

        def second_worker():
            try:
                for _attempt in range(600):
                    with self.registry.cursor() as cr:
                        env = self._worker_env(cr)
                        planned = env["collection.run"].search([("date", "=", fields.Date.today())]).planned
                    if planned:
                        drive(plan=False)
                        return
                    time.sleep(0.01)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=second_worker), threading.Thread(target=daily_cron)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual(errors, [], "neither worker failed")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            run = env["collection.run"].search([("date", "=", fields.Date.today())])
            self.assertEqual(run.state, "done")
            self.assertEqual(len(run.batch_ids), self.DEBTORS // 2)
            self.assertEqual(set(run.batch_ids.mapped("state")), {"done"})
            self.assertEqual(run.debtors, self.DEBTORS, "each debtor examined once over all the batches")
        self._assert_each_debtor_once(partner_ids)

    def test_the_worker_that_ends_the_last_batch_finishes_the_run_out_of_time(self):
        """Two cron workers out of time after each batch; the other worker checked while the last batch ran."""
        partner_ids, move_ids = self._commit_book()
        self.addCleanup(self._cleanup, partner_ids, move_ids)
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["ir.config_parameter"].set_param(
                "collections_management.engine_batch_size", str(self.DEBTORS // 2))
        self.addCleanup(self._reset_batch_size)
        with self.registry.cursor() as cr:
            # the daily cron planned the day: two batches
            env = self._worker_env(cr, {"collection_step_by_step": True})
            self.assertEqual(env["collection.engine"]._work_day(plan=True)["planned"], 2)
            crons = [env.ref("collections_management.ir_cron_collection_engine"),
                     env.ref("collections_management.ir_cron_collection_engine_helper")]
            progress_ids = [env["ir.cron.progress"].create({"cron_id": cron.id}).id for cron in crons]
            cron_ids = [cron.id for cron in crons]
        other_checked = threading.Event()
        in_last_batch = threading.Event()
        first_claimer = []
        errors = []
        Engine = type(self.env["collection.engine"])
        process_batch = Engine._process_batch

        def slow_first_batch(engine, partner_ids, *args, **kwargs):
            # the first worker to claim a batch holds it until the other has done its own and checked the run
            if not first_claimer:
                first_claimer.append(threading.current_thread().name)
                in_last_batch.set()
                other_checked.wait(timeout=60)
            return process_batch(engine, partner_ids, *args, **kwargs)

        def worker(index):
            try:
                with self.registry.cursor() as cr:
                    # a cron worker whose time is already up: every commit of a batch says no time left
                    env = self._worker_env(cr, {"ir_cron_progress_id": progress_ids[index],
                                                "cron_id": cron_ids[index], "cron_end_time": 0})
                    env["collection.engine"]._work_day(plan=index == 0)
                    # a worker thread's own cursor, as a cron worker commits it
                    cr.commit()  # pylint: disable=invalid-commit
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                if threading.current_thread().name not in first_claimer:
                    other_checked.set()

        with patch.object(Engine, "_process_batch", slow_first_batch):
            holder = threading.Thread(target=worker, args=(1,), name="helper")
            holder.start()
            in_last_batch.wait(timeout=60)
            other = threading.Thread(target=worker, args=(0,), name="daily")
            other.start()
            other.join(timeout=120)
            holder.join(timeout=120)
        self.assertEqual(errors, [])
        self.assertEqual(first_claimer, ["helper"])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            run = env["collection.run"].search([("date", "=", fields.Date.today())])
            self.assertEqual(set(run.batch_ids.mapped("state")), {"done"})
            self.assertEqual(run.state, "done", "finished by the worker that committed the last batch")
            self.assertEqual(run.debtors, self.DEBTORS)
            env["ir.cron.progress"].browse(progress_ids).unlink()

    def _reset_batch_size(self):
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["ir.config_parameter"].set_param(
                "collections_management.engine_batch_size", False)
