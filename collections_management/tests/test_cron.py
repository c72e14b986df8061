from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestCron(CollectionsCommon):
    def test_cron_runs_in_resumable_batches(self):
        partners = self.env["res.partner"].create([{"name": f"Deudor {i}"} for i in range(5)])
        for partner in partners:
            self._invoice(partner, 20, 100)
        self.env["ir.config_parameter"].sudo().set_param("collections_management.engine_batch_size", "2")
        cron = self.env.ref("collections_management.ir_cron_collection_engine")
        with freeze_time(self.TODAY), self.enter_registry_test_mode():
            cron.method_direct_trigger()
            progress = self.env["ir.cron.progress"].search([("cron_id", "=", cron.id)], order="id desc", limit=1)
            self.assertEqual(progress.done, 3, "five debtors processed in three batches of at most two")
            self.assertEqual(progress.remaining, 0)
            cases = self.env["collection.case"].search([("partner_id", "in", partners.ids)])
            self.assertEqual(len(cases), 5)
            run = self.env["collection.run"].search([("date", "=", self.TODAY)])
            self.assertEqual((run.state, run.debtors, run.cases_opened), ("done", 5, 5),
                             "progress is the run's own rows")
            self.assertEqual(run.batch_ids.mapped("partner_ids"), [partners.ids[:2], partners.ids[2:4], partners.ids[4:]])
            self.assertEqual(set(run.batch_ids.mapped("state")), {"done"})
            helper = self.env.ref("collections_management.ir_cron_collection_engine_helper")
            self.assertTrue(self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", helper.id)]),
                            "the second worker was called to share the batches")
            history = self.env["collection.case.stage.history"].search_count([("case_id", "in", cases.ids)])
            cron.method_direct_trigger()
            self.assertEqual(
                self.env["collection.case.stage.history"].search_count([("case_id", "in", cases.ids)]), history,
                "a second trigger the same day does nothing again")

    def test_interrupted_run_resumes_after_its_last_batch_exactly_once(self):
        partners = self.env["res.partner"].create([{"name": f"Deudor {i}"} for i in range(5)])
        for partner in partners:
            self._invoice(partner, 20, 100)
        self.env["ir.config_parameter"].sudo().set_param("collections_management.engine_batch_size", "2")
        cron = self.env.ref("collections_management.ir_cron_collection_engine")
        # the daily cron planned three batches, a worker committed the first one (two debtors) and died
        run = self.env["collection.run"]._for_day(self.TODAY)
        run._plan(partners.ids, 2)
        rest = partners[2:]
        run.batch_ids.sorted("sequence")[0]._done({"debtors": 2})
        with freeze_time(self.TODAY), self.enter_registry_test_mode():
            cron.method_direct_trigger()
            cron.method_direct_trigger()
        cases = self.env["collection.case"].search([("partner_id", "in", partners.ids)])
        self.assertEqual(cases.partner_id, rest, "the resumed run starts after the last debtor done")
        self.assertEqual(run.debtors, 5)
        self.assertEqual(run.state, "done")
        for case in cases:
            self.assertEqual(len(case.history_ids), 1, "each debtor processed once")

    def _rules_set_up_long_ago(self, run):
        """The rules predate ``run``, which started the day before: the next morning may read changes only."""
        self.env.flush_all()
        for table in ("collection_stage", "collection_strategy", "collection_strategy_step", "collection_segment",
                      "res_company"):
            self.env.cr.execute(f"UPDATE {table} SET write_date = write_date - interval '2 days'")  # noqa: S608
        self.env.cr.execute("UPDATE collection_run SET date_start = date_start - interval '1 day' WHERE id = %s",
                            [run.id])
        run.invalidate_recordset()

    def test_a_cron_out_of_time_after_each_batch_still_finishes_the_run(self):
        """Each batch uses up the cron's time budget: the worker that commits the last one ends the run."""
        self.company.write({"collection_catch_up_policy": "review", "collection_catch_up_done": False})
        partners = self.env["res.partner"].create([{"name": f"Deudor {i}"} for i in range(5)])
        for partner in partners:
            self._invoice(partner, 50, 100)
        quiet = partners[0]
        self.env["ir.config_parameter"].sudo().set_param("collections_management.engine_batch_size", "2")
        cron = self.env.ref("collections_management.ir_cron_collection_engine")
        # no time at all per call: every commit of a batch reports no time left
        with patch("odoo.addons.base.models.ir_cron.MIN_TIME_PER_JOB", 0), freeze_time(self.TODAY), \
                self.enter_registry_test_mode():
            cron.method_direct_trigger()
        run = self.env["collection.run"].search([("date", "=", self.TODAY)])
        self.assertEqual(set(run.batch_ids.mapped("state")), {"done"})
        self.assertEqual(run.state, "done", "the worker that committed the last batch finished the run")
        self.assertTrue(run.date_end)
        self.assertTrue(self.company.collection_catch_up_done, "the complete run ended the first-run catch-up")
        # the next morning reads only what changed: one new invoice, nothing else moves
        self._rules_set_up_long_ago(run)
        self.env["collection.refresh.request"].sudo().search([]).unlink()
        tomorrow = self.TODAY + timedelta(days=1)
        newcomer = self.env["res.partner"].create({"name": "Nuevo deudor"})
        self._invoice(newcomer, 40, 100)
        with patch("odoo.addons.base.models.ir_cron.MIN_TIME_PER_JOB", 0), freeze_time(tomorrow), \
                self.enter_registry_test_mode():
            cron.method_direct_trigger()
        second = self.env["collection.run"].search([("date", "=", tomorrow)])
        self.assertEqual((second.state, second.incremental_since), ("done", self.TODAY))
        self.assertEqual(second.debtors, 1, "only the newly posted debtor, not the five quiet ones")
        self.assertTrue(self._case(newcomer))
        self.assertEqual(len(self._case(quiet).history_ids), 1)

    def test_a_complete_run_left_running_is_finished_the_next_morning(self):
        """A database where a complete run stayed 'running' (before the fix) heals on the next run."""
        self.company.write({"collection_catch_up_policy": "review", "collection_catch_up_done": False})
        partners = self.env["res.partner"].create([{"name": f"Deudor {i}"} for i in range(3)])
        for partner in partners:
            self._invoice(partner, 50, 100)
        self.env["ir.config_parameter"].sudo().set_param("collections_management.engine_batch_size", "2")
        cron = self.env.ref("collections_management.ir_cron_collection_engine")
        with freeze_time(self.TODAY), self.enter_registry_test_mode():
            cron.method_direct_trigger()
        run = self.env["collection.run"].search([("date", "=", self.TODAY)])
        # as the bug left it: every batch done, the run running, the catch-up never ended
        self.env.cr.execute("UPDATE collection_run SET state = 'running', date_end = NULL WHERE id = %s", [run.id])
        run.invalidate_recordset()
        self.company.collection_catch_up_done = False
        self._rules_set_up_long_ago(run)
        self.env["collection.refresh.request"].sudo().search([]).unlink()
        tomorrow = self.TODAY + timedelta(days=1)
        with freeze_time(tomorrow), self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.assertEqual(run.state, "done", "healed by the next run that looked")
        self.assertEqual(run.date_end, max(run.batch_ids.mapped("date_done")), "dated by its last batch")
        self.assertTrue(self.company.collection_catch_up_done)
        second = self.env["collection.run"].search([("date", "=", tomorrow)])
        self.assertEqual(second.incremental_since, self.TODAY, "started from the healed run, not the whole book")
        self.assertEqual(second.debtors, 0, "nothing changed overnight: nobody read")

    def test_next_morning_looks_only_at_debtors_whose_day_brings_something(self):
        extrajudicial = self.stage_by_code["extrajudicial"]
        quiet, crossing, late = self.env["res.partner"].create([
            {"name": name, "email": f"{index}@debtor.example"}
            for index, name in enumerate(("Quiet debtor", "Crossing debtor", "Late-posted debtor"))])
        self._invoice(quiet, 50, 100)                               # mid-extrajudicial, no step due tomorrow
        self._invoice(crossing, extrajudicial.day_from - 1, 100)    # enters extrajudicial tomorrow
        cron = self.env.ref("collections_management.ir_cron_collection_engine")
        engine = self.env["collection.engine"]
        with freeze_time(self.TODAY), self.enter_registry_test_mode():
            cron.method_direct_trigger()
        first = self.env["collection.run"].search([("date", "=", self.TODAY)])
        self.assertEqual(first.state, "done")
        self.assertIsNone(first._incremental_since(), "the first run reads the whole book")
        # the rules were set up long ago and the first run happened last night, before today's changes
        self._rules_set_up_long_ago(first)
        tomorrow = self.TODAY + timedelta(days=1)
        self.env["collection.refresh.request"].sudo().search([]).unlink()
        selected = engine._select_debtors(tomorrow, since=self.TODAY)
        self.assertIn(crossing.id, selected, "a line crossing a stage boundary is found by its date")
        self.assertNotIn(quiet.id, selected, "nothing happens to this debtor tomorrow: not read")
        # an invoice posted today with an old due date is queued by its posting
        self._invoice(late, 40, 100)
        self.assertIn(late.id, engine._select_debtors(tomorrow, since=self.TODAY))
        with freeze_time(tomorrow), self.enter_registry_test_mode():
            cron.method_direct_trigger()
        second = self.env["collection.run"].search([("date", "=", tomorrow)])
        self.assertEqual(second._incremental_since(), self.TODAY)
        self.assertEqual(second.state, "done")
        self.assertEqual(second.debtors, 2, "the crossing debtor and the late posting, not the quiet one")
        case = self.env["collection.case"].search([("partner_id", "=", crossing.id)])
        self.assertEqual(case.stage_id, extrajudicial)
        self.assertTrue(self.env["collection.case"].search([("partner_id", "=", late.id)]))
        # a change of the rules (here a stage's first day) sends the next run over the whole book
        self.stage_by_code["administrative"].day_to = 29
        self.stage_by_code["extrajudicial"].day_from = 30
        self.env.flush_all()
        self.env.cr.execute("UPDATE collection_run SET date_start = date_start - interval '1 day' WHERE id = %s",
                            [second.id])
        second.invalidate_recordset()
        third = self.env["collection.run"]._for_day(tomorrow + timedelta(days=1))
        self.assertIsNone(third._incremental_since())
