from datetime import timedelta

from odoo import Command, fields
from odoo.addons.collections_management.tests.common import CollectionsCommon
from odoo.tests import HttpCase, tagged
from odoo.tools.misc import format_date

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

TITLES = {
    "preventive": {"en_US": "Friendly payment reminder", "es_419": "Recordatorio amistoso de pago"},
    "administrative": {"en_US": "Notice of overdue invoices", "es_419": "Aviso de facturas vencidas"},
    "extrajudicial": {"en_US": "Pre-legal demand for payment", "es_419": "Requerimiento prejudicial de pago"},
    "judicial": {"en_US": "Notice of legal action", "es_419": "Aviso de acciones legales"},
}


@tagged("post_install", "-at_install")
class TestStageLetters(CollectionsCommon):
    """Each default stage's letter, in English and Spanish, with the right invoices, fees, credits and totals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("es_419")
        cls.env["ir.module.module"].search([("name", "in", ["collections_management", "collections_reports"])]) \
            ._load_module_terms(["collections_management", "collections_reports"], ["es_419"])
        cls.report = cls.env.ref("collections_management.collection_case_letter_report")

    def _letter(self, case, report=None):
        report = report or self.report
        return report._render_qweb_html(report.report_name, case.ids)[0].decode()

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
            issued = format_date(self.env, fields.Date.today(), lang_code=lang, date_format="long")
            self.assertIn(issued, html, "the letter carries its issue date, the reader's way")
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

    def test_each_default_stage_prints_its_own_letter(self):
        """Four reports (reminder, notice, demand, legal notice), one per default stage, titled in the debtor's
        language; the batch print from the case list gives each case its own stage's letter."""
        reports = {code: self.env.ref(f"collections_reports.report_letter_{name}") for code, name in
                   [("preventive", "reminder"), ("administrative", "notice"), ("extrajudicial", "demand"),
                    ("judicial", "legal")]}
        for code, report in reports.items():
            self.assertEqual(self.stage_by_code[code].letter_report_id, report)
            self.assertEqual(report.model, "collection.case")
        days = {"preventive": -3, "administrative": 10, "extrajudicial": 45, "judicial": 120}
        cases = self.env["collection.case"]
        for code, overdue in days.items():
            partner = self.env["res.partner"].create({"name": f"Debtor {code}", "is_company": True})
            self._invoice(partner, overdue, 300)
        self._run()
        for code in days:
            cases |= self._case(self.env["res.partner"].search([("name", "=", f"Debtor {code}")]))
        for case in cases:
            for lang, title in TITLES[case.stage_id.code].items():
                case.partner_id.lang = lang
                html = self._letter(case, case.stage_id.letter_report_id)
                self.assertIn(title, html, f"{case.stage_id.code} in {lang}")
                self.assertIn(WORDING[(case.stage_id.code, lang)], html)
                self.assertIn(case.move_ids.name, html)
                self.assertFalse([t for c, ts in TITLES.items() for lg, t in ts.items() if (c, lg) != (
                    case.stage_id.code, lang) and t in html])
            case.partner_id.lang = "en_US"
        batch = self._letter(cases)
        for code in days:
            self.assertEqual(batch.count(TITLES[code]["en_US"]), 1, code)
        # the demand gives ten calendar days from today
        demand = cases.filtered(lambda c: c.stage_id.code == "extrajudicial")
        deadline = fields.Date.context_today(demand) + timedelta(days=10)
        self.assertIn(format_date(self.env, deadline), self._letter(demand, reports["extrajudicial"]))
        # a stage without a letter of its own prints the generic one
        demand.stage_id.letter_report_id = False
        self.assertNotIn(TITLES["extrajudicial"]["en_US"], self._letter(demand))
        self.assertIn("formal demand for payment", self._letter(demand))

    def test_letter_step_prints_the_stage_letter(self):
        stage = self.stage_by_code["extrajudicial"]
        strategy = self.company.collection_strategy_id
        strategy.step_ids.filtered(lambda s: s.stage_id == stage).unlink()
        strategy.step_ids = [Command.create({"name": "Letter", "stage_id": stage.id, "channel": "letter"})]
        invoice = self._invoice(self.partner_a, 45, 800)
        self._run()
        execution = self._case(self.partner_a).execution_ids.filtered(lambda e: e.channel == "letter")
        self.env["collection.step.execution"]._cron_render_letters()
        self.assertEqual(execution.letter_state, "to_print")
        # Odoo renders reports as HTML in tests
        letter = execution.attachment_id.raw.decode()
        self.assertIn(TITLES["extrajudicial"]["en_US"], letter)
        self.assertIn(invoice.name, letter)

@tagged("post_install", "-at_install")
class TestStageLetterPdf(CollectionsCommon, HttpCase):
    """wkhtmltopdf fetches the report's CSS from web.base.url: an HttpCase serves it."""

    def test_letter_and_statement_pdf_are_pdfs(self):
        self._invoice(self.partner_a, 45, 800)
        self._run()
        case = self._case(self.partner_a)
        statement = self.env.ref("collections_reports.report_collection_statement")
        for report in (case.stage_id.letter_report_id, statement):
            # Odoo renders HTML in tests unless told to call wkhtmltopdf as it does in production
            pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
                report.report_name, case.ids)
            self.assertEqual(kind, "pdf", report.name)
            self.assertTrue(pdf.startswith(b"%PDF"), report.name)


@tagged("post_install", "-at_install")
class TestStatement(CollectionsCommon):
    """The statement of account: every open item and its aging, from the ledger."""

    def test_statement_items_and_aging(self):
        today = fields.Date.today()
        # due in 5 days (current), 10 days late (1-30), 45 (31-60), 200 (180+), and a credit note today
        amounts = {-5: 100, 10: 200, 45: 400, 200: 800}
        invoices = {days: self._invoice_due_on(self.partner_a, today - timedelta(days=days), amount)
                    for days, amount in amounts.items()}
        self._register_payment(invoices[45], 150, day=today)
        refund = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": self.partner_a.id, "invoice_date": today,
            "invoice_line_ids": [Command.create({"product_id": self.product_a.id, "price_unit": 70,
                                                 "tax_ids": []})]})
        refund.action_post()
        self._run(today=today)
        case = self._case(self.partner_a)
        statement = case._collection_aged_statement()
        buckets = {code: amount for code, _label, amount in statement["buckets"]}
        # current: 100 - 70 (the credit note of today) = 30; 31-60: 400 - 150 paid = 250
        self.assertEqual(buckets, {"current": 30.0, "1_30": 200.0, "31_60": 250.0, "61_90": 0.0,
                                   "91_180": 0.0, "over_180": 800.0})
        self.assertAlmostEqual(statement["total"], 30 + 200 + 250 + 800)
        report = self.env.ref("collections_reports.report_collection_statement")
        html = report._render_qweb_html(report.report_name, case.ids)[0].decode()
        self.assertEqual(html.count("o_collection_statement_line"), 5)
        for move in (*invoices.values(), refund):
            self.assertIn(move.name, html)
        self.assertIn("1,280.00", html)
        self.assertIn("Statement of account", html)
