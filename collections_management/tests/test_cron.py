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
            self.assertEqual(
                self.env["ir.config_parameter"].sudo().get_param("collections_management.engine_cursor"),
                f"{self.TODAY}:done")
            history = self.env["collection.case.stage.history"].search_count([("case_id", "in", cases.ids)])
            cron.method_direct_trigger()
            self.assertEqual(
                self.env["collection.case.stage.history"].search_count([("case_id", "in", cases.ids)]), history,
                "a second trigger the same day does nothing again")
