from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.collections_management.tests.common import CollectionsCommon

WORDING = {
    ("preventive", "en_US"): "friendly reminder that the invoices below fall due soon",
    ("administrative", "en_US"): "the invoices below are overdue",
    ("extrajudicial", "en_US"): "This is a formal demand for payment",
    ("judicial", "en_US"): "handed over to our legal department",
    ("preventive", "es_419"): "Le recordamos amablemente",
    ("administrative", "es_419"): "las facturas siguientes están vencidas",
    ("extrajudicial", "es_419"): "Por la presente le requerimos formalmente su pago",
    ("judicial", "es_419"): "fue derivada a nuestra área legal",
}


@tagged("post_install", "-at_install")
class TestStageLetters(CollectionsCommon):
    """Each default stage's letter, in English and Spanish, with the right invoices, fees, credits and totals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_419")
        cls.env["ir.module.module"].search([("name", "=", "collections_management")])._load_module_terms(
            ["collections_management"], ["es_419"])
        cls.report = cls.env.ref("collections_management.collection_case_letter_report")

    def _letter(self, case):
        return self.report._render_qweb_html(self.report.report_name, case.ids)[0].decode()

    def test_each_stage_in_each_language(self):
        days = {"preventive": -3, "administrative": 10, "extrajudicial": 45, "judicial": 120}
        partners = {}
        for code, overdue in days.items():
            partner = self.env["res.partner"].create({"name": f"Debtor {code}", "is_company": True})
            partners[code] = (partner, self._invoice(partner, overdue, 700))
        self._run()
        for (code, lang), words in WORDING.items():
            partner, invoice = partners[code]
            partner.lang = lang
            case = self._case(partner)
            self.assertEqual(case.stage_id.code, code)
            html = self._letter(case)
            self.assertIn(words, html, f"{code} in {lang}")
            self.assertIn(invoice.name, html)
            self.assertIn("700", html)
            other = [w for (c, lg), w in WORDING.items() if (c, lg) != (code, lang)]
            self.assertFalse([w for w in other if w in html], "only this stage's wording, in this language")

    def test_fees_credits_balance_and_edited_wording(self):
        invoice = self._invoice(self.partner_a, 45, 1000)
        fee = self._invoice(self.partner_a, 5, 50)
        fee.sudo().collection_charge_type = "fee"
        refund = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": self.partner_a.id, "invoice_date": fields.Date.today(),
            "invoice_line_ids": [Command.create({"product_id": self.product_a.id, "price_unit": 120,
                                                 "tax_ids": []})]})
        refund.action_post()
        self._run()
        case = self._case(self.partner_a)
        self.partner_a.lang = "en_US"
        html = self._letter(case)
        self.assertIn("Late fees and interest", html)
        self.assertIn(fee.name, html)
        self.assertIn("Credits and payments not yet applied", html)
        self.assertIn(refund.name, html)
        # 1,000 + 50 - 120 = 930: the balance of the account, from the ledger
        self.assertIn("930.00", html)
        self.assertIn(invoice.name, html)
        # the company rewrites its wording: the letter says what it wrote, in that language only
        case.stage_id.with_context(lang="en_US").letter_body = "<p>Please call our office this week.</p>"
        html = self._letter(case)
        self.assertIn("Please call our office this week.", html)
        self.assertNotIn("formal demand", html)
