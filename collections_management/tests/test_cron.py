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
            self.assertEqual(progress.done, 5, "five debtors processed in batches of two")
            self.assertEqual(progress.remaining, 0)
            cases = self.env["collection.case"].search([("partner_id", "in", partners.ids)])
            self.assertEqual(len(cases), 5)
            run = self.env["collection.run"].search([("date", "=", self.TODAY)])
            self.assertEqual((run.state, run.debtors, run.cases_opened, run.last_partner_id),
                             ("done", 5, 5, max(partners.ids)), "progress is the run's own row")
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
        # a worker died after committing the first batch (two debtors): the run row says so
        run = self.env["collection.run"]._for_day(self.TODAY)
        first, rest = partners[:2], partners[2:]
        run._advance(max(first.ids), {"debtors": 2})
        with freeze_time(self.TODAY), self.enter_registry_test_mode():
            cron.method_direct_trigger()
            cron.method_direct_trigger()
        cases = self.env["collection.case"].search([("partner_id", "in", partners.ids)])
        self.assertEqual(cases.partner_id, rest, "the resumed run starts after the last debtor done")
        self.assertEqual(run.debtors, 5)
        self.assertEqual(run.state, "done")
        for case in cases:
            self.assertEqual(len(case.history_ids), 1, "each debtor processed once")

