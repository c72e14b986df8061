import re
from datetime import timedelta

from odoo import fields
from odoo.addons.collections_management.models.collection_demo import DEMO_INVOICES
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install", "-standard", "collections_demo")
class TestDemoStory(TransactionCase):
    """The demo as `make run` builds it (scripts/test.sh prepares a Colombian, Spanish database with Odoo's
    demo data): the story is told in one company, where every user lands, in the database's language, with
    numbers and a history a person can read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["collection.demo"]._demo_company()
        cls.story_partners = cls.env["res.partner"].browse(
            [cls.env.ref(f"collections_management.{row[0]}").id for row in DEMO_INVOICES])
        cls.cases = cls.env["collection.case"].search([("state", "=", "open")])

    def test_one_company_where_everyone_lands(self):
        self.assertEqual(self.company.country_id.code, "CO")
        self.assertNotEqual(self.company, self.env.ref("base.main_company"), "the country's demo company")
        home = self.env.ref("collections_management.collection_case_action_home")
        for login in ("admin", "marta", "carla", "diego", "lucia"):
            user = self.env["res.users"].search([("login", "=", login)])
            self.assertEqual((user.company_id, user.action_id.id), (self.company, home.id), login)
        self.assertTrue(self.cases)
        self.assertEqual(self.cases.company_id, self.company, "no case in another company")
        self.assertFalse(self.cases.partner_id - self.story_partners, "no stock demo customer has a case")
        self.assertFalse(self.cases.filtered(lambda c: not c.stage_id and not c.excluded), "every chased case has a stage")

    def test_everything_written_reads_in_the_database_language(self):
        self.assertEqual(self.env["res.lang"]._collection_database_lang(), "es_419")
        messages = self.env["mail.message"].search([("model", "=", "collection.case"), ("res_id", "in", self.cases.ids)])
        reminders = messages.filtered(lambda m: m.message_type == "comment" and "Estimado" in (m.body or ""))
        self.assertTrue(reminders)
        english = messages.filtered(lambda m: re.search(
            r"Dear |formal notice of overdue|Right party reached|Contact logged| created\b", m.body or ""))
        self.assertFalse(english, english.mapped("body")[:3])
        for reminder in reminders:
            self.assertIn("/my/collections/", reminder.body, "every reminder carries its statement link")
        self.assertEqual(reminders.author_id, self.company.partner_id, "sent in the company's name, not OdooBot's")
        contacts = messages.filtered(lambda m: "Gestión registrada" in (m.body or ""))
        self.assertTrue(contacts)
        self.assertNotIn(self.env.ref("base.partner_root"), contacts.author_id, "each collector logged their own")
        plans = self.env["mail.message"].search([("model", "=", "collection.payment.plan")])
        self.assertTrue(plans.filtered(lambda m: "Acuerdo de pago creado" in (m.body or "")))
        dispute = self.env["collection.dispute"].search([("company_id", "=", self.company.id)])
        self.assertEqual(dispute.user_id.login, "diego", "a person answers for the dispute, not OdooBot")
        # amounts in text are formatted: no raw float like 35168000.0 in anything the story wrote
        raw = (messages | plans).filtered(lambda m: re.search(r"\d{4,}\.\d\b", m.body or ""))
        self.assertFalse(raw, raw.mapped("body")[:3])

    def test_the_history_is_a_ledger_history(self):
        """Six months of sales on 30 days paid at each customer's pace: DSO and CEI of a real company."""
        last_month = fields.Date.today().replace(day=1) - timedelta(days=1)
        row = self.env["collection.kpi.month"].search(
            [("company_id", "=", self.company.id), ("month", "=", last_month.replace(day=1))])
        self.assertTrue(30 <= row.dso <= 90, row.dso)
        self.assertTrue(40 <= row.cei <= 95, row.cei)
        self.assertGreater(row.collections, 0)
