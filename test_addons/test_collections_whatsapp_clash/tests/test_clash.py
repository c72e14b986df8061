from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestNextToEnterpriseWhatsapp(TransactionCase):
    """collections_whatsapp installed next to a module defining Enterprise's whatsapp models."""

    def test_both_model_families_live_side_by_side(self):
        self.assertEqual(self.env["ir.module.module"].search([
            ("name", "in", ("collections_whatsapp", "test_collections_whatsapp_clash"))]).mapped("state"),
            ["installed", "installed"])
        for ours, theirs in (("collection.whatsapp.account", "whatsapp.account"),
                             ("collection.whatsapp.template", "whatsapp.template"),
                             ("collection.whatsapp.message", "whatsapp.message")):
            self.assertNotEqual(self.env[ours]._table, self.env[theirs]._table)
            self.assertEqual(self.env["ir.model"]._get(theirs).modules, "test_collections_whatsapp_clash",
                             f"{theirs} belongs to the other module only")
            self.assertEqual(self.env["ir.model"]._get(ours).modules, "collections_whatsapp")
        self.assertNotIn("collection_whatsapp_consent", self.env["whatsapp.account"]._fields)

    def test_records_of_both_are_created_and_ours_still_send(self):
        company = self.env.company
        theirs = self.env["whatsapp.account"].create({"name": "Enterprise", "phone_uid": "1001", "token": "x"})
        self.env["whatsapp.template"].create({"name": "hello", "template_name": "hello", "wa_account_id": theirs.id})
        ours = self.env["collection.whatsapp.account"].create({
            "name": "Collections", "phone_number_id": "1001", "business_account_id": "2001",
            "company_id": company.id,
        })
        # our default templates are ours, whatever the other module holds
        self.assertTrue(self.env["collection.whatsapp.template"].search([("account_id", "=", ours.id)]))
        self.assertEqual(self.env["whatsapp.template"].search_count([]), 1)
        # the chatter keeps both kinds of message types
        message_types = dict(self.env["mail.message"]._fields["message_type"].selection)
        self.assertIn("whatsapp_message", message_types)
        self.assertIn("comment", message_types)
