from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestStage(CollectionsCommon):
    def test_overlapping_ranges_rejected(self):
        with self.assertRaisesRegex(ValidationError, "overlap"):
            self.env["collection.stage"].create({
                "name": "Overlap", "company_id": self.company.id, "day_from": 20, "day_to": 40,
            })

    def test_inverted_range_rejected(self):
        with self.assertRaisesRegex(ValidationError, "before it starts"):
            self.env["collection.stage"].create({
                "name": "Backwards", "company_id": self.company.id, "day_from": -10, "day_to": -20,
            })

    def test_rerange_per_company(self):
        other = self.setup_other_company()["company"]
        mine = self.stage_by_code["administrative"]
        theirs = self.env["collection.stage"].search([("company_id", "=", other.id), ("code", "=", "administrative")])
        # shrink extrajudicial first so administrative can grow without overlap
        self.stage_by_code["extrajudicial"].day_from = 46
        mine.day_to = 45
        self.assertEqual(theirs.day_to, 30, "another company's ranges are untouched")
