from odoo.tests import HttpCase, new_test_user, tagged


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
