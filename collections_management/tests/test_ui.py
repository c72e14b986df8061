from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestCollectionsUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = new_test_user(
            cls.env, login="tour_collector", name="Tour Collector",
            groups="collections_management.collections_management_group_collector",
        )
        partner = cls.env["res.partner"].create({"name": "Tour Debtor SA", "is_company": True})
        other = cls.env["res.partner"].create({"name": "Someone Else SRL", "is_company": True})
        Case = cls.env["collection.case"]
        stage = cls.env["collection.stage"].search(
            [("company_id", "=", cls.env.company.id), ("code", "=", "administrative")]
        )
        cls.case = Case.create({"partner_id": partner.id, "user_id": cls.collector.id, "stage_id": stage.id})
        cls.other_case = Case.create({"partner_id": other.id})

    def test_collector_worklist_in_browser(self):
        self.start_tour("/odoo", "collections_worklist_tour", login="tour_collector")

    def test_collector_cannot_open_someone_elses_case_over_http(self):
        self.authenticate("tour_collector", "tour_collector")
        mine = self.make_jsonrpc_request(
            "/web/dataset/call_kw/collection.case/search_read",
            {"model": "collection.case", "method": "search_read", "args": [[]],
             "kwargs": {"fields": ["partner_id"]}},
        )
        self.assertEqual([row["id"] for row in mine], [self.case.id])

    def test_letter_renders_as_pdf(self):
        report = self.env.ref("collections_management.collection_case_letter_report")
        pdf, report_type = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, self.case.ids)
        self.assertEqual(report_type, "pdf")
        self.assertEqual(pdf[:5], b"%PDF-")


@tagged("post_install", "-at_install")
class TestFeeWaiverUi(CollectionsCommon, HttpCase):
    def test_manager_waives_a_fee_from_its_form_in_browser(self):
        product = self.env["product.product"].create({"name": "Late fee", "type": "service", "taxes_id": []})
        rule = self.env["collection.fee.rule"].create(
            {"name": "Fixed fee", "fee_type": "fixed", "fixed_amount": 25, "product_id": product.id})
        debtor = self.env["res.partner"].create({"name": "Tour Debtor Fees SA", "is_company": True})
        fee = rule._charge(self._invoice(debtor, 10, 300), self.TODAY)
        self.assertEqual(fee.state, "posted")
        self.start_tour("/odoo/action-collections_management.collection_fee_action",
                        "collections_fee_waiver_tour", login="colmanager")
        self.assertEqual((fee.state, fee.waive_reason), ("waived", "Goodwill after a delivery problem"))
        self.assertEqual(fee.fee_move_id.payment_state, "reversed")


@tagged("post_install", "-at_install")
class TestMorningUi(CollectionsCommon, HttpCase):
    """Each role's first morning in a real browser."""

    def _book(self):
        with freeze_time(self.TODAY):
            debtor = self.env["res.partner"].create({"name": "Morning Debtor SA", "is_company": True})
            self._invoice(debtor, 20, 1500)
            self._run()
            case = self._case(debtor)
            case.user_id = self.collector
        return case

    def test_collector_morning_in_browser(self):
        case = self._book()
        self.start_tour("/odoo", "collections_collector_morning_tour", login="collector")
        self.assertEqual(case.promise_ids.mapped("state"), ["open"])
        self.assertEqual(case.plan_ids.mapped("state"), ["proposed"])
        self.assertEqual(len(case.plan_ids.line_ids), 3)

    def test_manager_morning_in_browser(self):
        case = self._book()
        other = self.env["res.partner"].create({"name": "Second Debtor SRL", "is_company": True})
        self._invoice(other, 45, 700)  # appears in the preview only: the preview changes nothing
        self.start_tour("/odoo", "collections_manager_morning_tour", login="colmanager")
        self.assertEqual(case.promise_ids.mapped("state"), ["open"])
        self.assertEqual(case.plan_ids.mapped("state"), ["proposed"])
        self.assertFalse(self._case(other), "a dry run opened no case")

    def test_collector_invoices_in_collections_in_browser(self):
        case = self._book()
        mine = case.move_ids
        other = self.env["res.partner"].create({"name": "Not Mine SA", "is_company": True})
        self._invoice(other, 40, 900)
        with freeze_time(self.TODAY):
            self._run()
        self.start_tour("/odoo/action-collections_management.collection_case_move_action",
                        "collections_invoices_list_tour", login="collector")
        self.assertTrue(mine)

    def test_manager_starts_collecting_after_the_first_run_in_browser(self):
        self.company.write({"collection_catch_up_policy": "review", "collection_catch_up_done": False})
        old = self.env["res.partner"].create({"name": "Old Debtor SA", "is_company": True})
        older = self.env["res.partner"].create({"name": "Older Debtor SRL", "is_company": True})
        today = fields.Date.today()
        self._invoice_due_on(old, today - timedelta(days=35), 900)
        self._invoice_due_on(older, today - timedelta(days=15), 400)
        self.env["collection.engine"]._run(today=today)
        cases = self._case(old) | self._case(older)
        self.assertEqual(cases.mapped("catch_up"), [True, True])
        self.start_tour("/odoo", "collections_start_collecting_tour", login="colmanager")
        self.assertEqual(cases.mapped("catch_up"), [False, False])
        self.assertEqual(set(cases.execution_ids.mapped("state")), {"skipped"}, "the backlog recorded, not sent")
