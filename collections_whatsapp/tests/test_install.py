from odoo.addons.collections_management.tests.common import CollectionsCommon
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestWhatsappInstall(CollectionsCommon):
    def test_menu_and_access_by_role(self):
        self.assertMenuReachable(self.manager, "collections_whatsapp.collection_whatsapp_account_menu")
        self.assertMenuReachable(self.collector, "collections_whatsapp.collection_whatsapp_account_menu", False)
        self.assertTrue(self.env["collection.whatsapp.account"].with_user(self.collector).has_access("read"))
        self.assertFalse(self.env["collection.whatsapp.account"].with_user(self.collector).has_access("write"))
        self.assertTrue(self.env["collection.whatsapp.account"].with_user(self.manager).has_access("create"))

    def test_secrets_are_for_administrators_only(self):
        account = self.env["collection.whatsapp.account"].create({
            "name": "Cobranzas", "phone_number_id": "1001", "business_account_id": "2002",
            "access_token": "EAAG-secret", "app_secret": "shh",
        })
        as_manager = account.with_user(self.manager)
        self.assertEqual(as_manager.name, "Cobranzas")
        fields_seen = as_manager.fields_get()
        self.assertNotIn("access_token", fields_seen)
        self.assertNotIn("app_secret", fields_seen)
        self.assertEqual(account.access_token, "EAAG-secret")
