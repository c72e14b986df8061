import io
import zipfile

import openpyxl

from odoo.addons.collections_management.tests.common import CollectionsCommon
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestXlsxExports(CollectionsCommon, HttpCase):
    """Case list, collector performance and bureau register as Excel: cells, frozen header, filter, chart,
    and who may download what."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_a.vat = "900123456"
        cls.partner_b.email = "pagos@deudor-b.example"  # the bureau notice is given by email
        cls._invoice(cls, cls.partner_a, 10, 700)
        cls._invoice(cls, cls.partner_a, 12, 300)
        cls._invoice(cls, cls.partner_b, 45, 500)
        cls.env["collection.strategy.step"].create({
            "strategy_id": cls.company.collection_strategy_id.id, "name": "Bureau notice",
            "stage_id": cls.stage_by_code["extrajudicial"].id, "day_offset": 0, "channel": "bureau_notice"})
        cls.env["collection.engine"]._run(today=cls.TODAY)
        cls.case_a = cls.env["collection.case"].search([("partner_id", "=", cls.partner_a.id)])
        cls.case_b = cls.env["collection.case"].search([("partner_id", "=", cls.partner_b.id)])
        cls.case_a.user_id = cls.collector
        cls.case_b.user_id = cls.collector_2
        no_answer = cls.env["collection.outcome"].search([("code", "=", "no_answer")])
        cls.env["collection.interaction"].with_user(cls.collector).create(
            {"case_id": cls.case_a.id, "outcome_id": no_answer.id, "channel": "call"})

    def _book(self, url, user):
        self.authenticate(user.login, user.login)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertIn("xl/charts/chart1.xml", zipfile.ZipFile(io.BytesIO(response.content)).namelist(),
                      "a native Excel chart")
        return openpyxl.load_workbook(io.BytesIO(response.content))

    def test_case_list_a_collector_gets_their_own_cases(self):
        self._freeze_today()  # days overdue are counted from the day the books are read
        book = self._book("/collections/reports/cases.xlsx", self.collector)
        cases = book["Cases"]
        self.assertEqual([c.value for c in cases[1]][:4], ["Debtor", "Case", "Stage", "Segment"])
        rows = list(cases.iter_rows(min_row=2, values_only=True))
        self.assertEqual([row[0] for row in rows[:-1]], [self.partner_a.name], "only Carla's case")
        header = [c.value for c in cases[1]]
        row = dict(zip(header, rows[0], strict=True))
        self.assertEqual((row["Stage"], row["Open invoices"], row["Overdue"], row["Days overdue"]),
                         ("Administrative", 2, 1000, 12))
        self.assertEqual(rows[-1][0], "Total")
        self.assertEqual(cases.freeze_panes, "B2")
        self.assertEqual(cases.auto_filter.ref, f"A1:M{len(rows)}")
        by_stage = list(book["By stage"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(by_stage[0], ("Administrative", 1, 1000))
        total = dict(zip(header, rows[-1], strict=True))
        self.assertEqual(total["Overdue"], "=SUBTOTAL(9,I2:I2)", "money adds up")
        self.assertEqual(total["Open invoices"], "=SUBTOTAL(9,H2:H2)", "and counts")
        self.assertEqual((total["Days overdue"], total["Priority"]), (None, None), "days and scores do not")
        self.assertEqual(cases.cell(2, header.index("Oldest due date") + 1).number_format, "mm/dd/yyyy",
                         "dates in the user's language's format")
        # the manager gets both; an excluded debtor is "Excluded", not "(no stage)"
        self.partner_b.write({"collection_excluded": True, "collection_exclusion_reason": "Agreed with the CFO"})
        self.env["collection.engine"]._run(today=self.TODAY)
        book = self._book("/collections/reports/cases.xlsx", self.manager)
        names = {row[0] for row in book["Cases"].iter_rows(min_row=2, values_only=True)}
        self.assertEqual(names - {"Total"}, {self.partner_a.name, self.partner_b.name})
        self.assertIn(("Excluded", 1, 0), list(book["By stage"].iter_rows(min_row=2, values_only=True)))

    def test_file_names_in_the_user_s_language(self):
        self.env["res.lang"]._activate_lang("es_419")
        self.env["ir.module.module"].search([("name", "=", "collections_reports")])._update_translations("es_419")
        self.manager.lang = "es_419"
        self.authenticate(self.manager.login, self.manager.login)
        for url, name in (("/collections/reports/aging.xlsx", "cartera_por_edades.xlsx"),
                          ("/collections/reports/cases.xlsx", "casos_de_cobranza.xlsx")):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200)
            self.assertIn(name, response.headers["Content-Disposition"])
        book = openpyxl.load_workbook(io.BytesIO(self.url_open("/collections/reports/cases.xlsx").content))
        sheet = book.worksheets[1]
        self.assertEqual(sheet.cell(2, 6).number_format, "dd/mm/yyyy")

    def test_collector_performance_is_for_managers(self):
        book = self._book("/collections/reports/collectors.xlsx", self.manager)
        self.assertEqual([c.value for c in book["By collector"][1]][:4],
                         ["Collector", "Contacts logged", "Tasks done", "Collected within 30 days of a contact"])
        rows = list(book["By collector"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(rows[0][:2], ("Carla Collector", 1), "Carla's call")
        self.assertEqual(rows[-1][0], "Total")
        self.authenticate(self.collector.login, self.collector.login)
        self.assertEqual(self.url_open("/collections/reports/collectors.xlsx").status_code, 403)
        self.assertEqual(self.url_open("/collections/reports/unknown.xlsx").status_code, 404)

    def test_bureau_register(self):
        book = self._book("/collections/reports/bureau.xlsx", self.manager)
        register = list(book["Register"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(register[0][:3], (self.partner_b.name, None, "Noticed"))
        self.assertEqual(register[0][6], 500)
        self.assertEqual(list(book["By status"].iter_rows(min_row=2, max_row=2, values_only=True)),
                         [("Noticed", 1, 500)])
        # Diego's debtor: Carla's register is empty, with its header
        self.authenticate(self.collector.login, self.collector.login)
        response = self.url_open("/collections/reports/bureau.xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Register"]
        self.assertEqual(sheet.max_row, 1)
