from odoo.addons.collections_management.tests.common import CollectionsCommon
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestReportsInstall(CollectionsCommon):
    def test_reporting_menu_is_for_managers(self):
        self.assertMenuReachable(self.manager, "collections_reports.collection_case_report_menu")
        self.assertMenuReachable(self.collector, "collections_reports.collection_case_report_menu", False)

    def test_analysis_views_load_and_group(self):
        Case = self.env["collection.case"].with_user(self.manager)
        for view_type in ("graph", "pivot"):
            self.assertTrue(Case.get_views([(False, view_type)])["views"][view_type]["arch"])
        # figures are the engine's (superuser) to write
        case = self.env["collection.case"].sudo().create({
            "partner_id": self.partner_a.id, "company_id": self.company.id,
            "stage_id": self.stage_by_code["administrative"].id, "amount_overdue": 150.0,
        })
        groups = Case._read_group([("id", "=", case.id)], ["stage_id"], ["amount_overdue:sum"])
        self.assertEqual(groups, [(self.stage_by_code["administrative"], 150.0)])
