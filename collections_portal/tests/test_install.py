from odoo.addons.collections_management.tests.common import CollectionsCommon
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPortalInstall(CollectionsCommon):
    def test_portal_users_have_no_direct_model_access(self):
        """Scores, segment reasons and notes are never reachable over RPC: the portal controllers read for them."""
        own = self.env["collection.case"].create({"partner_id": self.partner_a.id, "company_id": self.company.id})
        portal_user = new_test_user(
            self.env, login="portal_a", groups="base.group_portal",
            partner_id=self.partner_a.id, company_id=self.company.id, company_ids=[self.company.id],
        )
        self.assertEqual(own.access_url, f"/my/collections/{own.id}")
        with self.assertRaises(AccessError):
            self.env["collection.case"].with_user(portal_user).search([])
        with self.assertRaises(AccessError):
            own.with_user(portal_user).read(["name"])
        with self.assertRaises(AccessError):
            own.with_user(portal_user).write({"user_id": self.collector.id})
        for model in ("collection.promise", "collection.payment.plan", "collection.dispute", "collection.fee"):
            self.assertFalse(self.env[model].with_user(portal_user).has_access("read"), model)

    def test_collector_and_manager_keep_backend_access(self):
        case = self.env["collection.case"].create({
            "partner_id": self.partner_a.id, "company_id": self.company.id, "user_id": self.collector.id,
        })
        self.assertEqual(case.with_user(self.collector).search([("id", "=", case.id)]), case)
        token = case.with_user(self.manager)._portal_ensure_token()
        self.assertRegex(token, r"^[0-9a-f-]{36}$", "a statement link token is generated on demand")
