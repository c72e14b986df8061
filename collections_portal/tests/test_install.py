from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.collections_management.tests.common import CollectionsCommon


@tagged("post_install", "-at_install")
class TestPortalInstall(CollectionsCommon):
    def test_portal_sees_only_own_case(self):
        own = self.env["collection.case"].create({"partner_id": self.partner_a.id, "company_id": self.company.id})
        other = self.env["collection.case"].create({"partner_id": self.partner_b.id, "company_id": self.company.id})
        portal_user = new_test_user(
            self.env, login="portal_a", groups="base.group_portal",
            partner_id=self.partner_a.id, company_id=self.company.id, company_ids=[self.company.id],
        )
        self.assertEqual(own.access_url, f"/my/collections/{own.id}")
        visible = self.env["collection.case"].with_user(portal_user).search([])
        self.assertEqual(visible, own)
        with self.assertRaises(AccessError):
            other.with_user(portal_user).read(["name"])
        with self.assertRaises(AccessError):
            own.with_user(portal_user).write({"user_id": self.collector.id})

    def test_collector_and_manager_keep_backend_access(self):
        case = self.env["collection.case"].create({
            "partner_id": self.partner_a.id, "company_id": self.company.id, "user_id": self.collector.id,
        })
        self.assertEqual(case.with_user(self.collector).search([("id", "=", case.id)]), case)
        self.assertTrue(case.with_user(self.manager).access_token is not None)
