import json
import re
from datetime import timedelta

from odoo import fields
from odoo.addons.collections_management.tests.common import CollectionsCommon
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestDashboard(CollectionsCommon, HttpCase):
    """The Collections dashboard of the Dashboards app: every figure and cell reads a source that exists and
    answers, as a manager, with the numbers of the book; collectors do not get it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref("collections_reports.collections_dashboard")
        cls.data = json.loads(cls.dashboard.spreadsheet_data)
        today = fields.Date.today()
        # A: 1,000 due 10 days ago and 400 not yet due; B: 2,500 due 100 days ago
        cls._invoice_due_on(cls, cls.partner_a, today - timedelta(days=10), 1000)
        cls._invoice_due_on(cls, cls.partner_a, today + timedelta(days=20), 400)
        cls._invoice_due_on(cls, cls.partner_b, today - timedelta(days=100), 2500)
        cls.env["collection.engine"]._run(today=today)
        cls.env["collection.case"].search([("partner_id", "=", cls.partner_a.id)]).user_id = cls.collector

    def _pivot(self, pivot_id, user):
        """What the spreadsheet asks the server for a pivot: one grouped read of its measures."""
        pivot = self.data["pivots"][pivot_id]
        aggregates = [m["id"] if m["fieldName"] == "__count" else f"{m['fieldName']}:{m['aggregator']}"
                      for m in pivot["measures"]]
        groupby = [row["fieldName"] for row in pivot["rows"]]
        return self.env[pivot["model"]].with_user(user).formatted_read_group(pivot["domain"], groupby, aggregates)

    def _list(self, list_id, user, limit=10):
        """What the spreadsheet asks the server for a list: its columns, in its order."""
        list_def = self.data["lists"][list_id]
        order = ", ".join(f"{o['name']} {'asc' if o['asc'] else 'desc'}" for o in list_def["orderBy"])
        return self.env[list_def["model"]].with_user(user).web_search_read(
            list_def["domain"], {column: {} for column in list_def["columns"]}, order=order, limit=limit)["records"]

    def test_every_source_exists_and_answers(self):
        for pivot_id, pivot in self.data["pivots"].items():
            model = self.env[pivot["model"]]
            for measure in pivot["measures"]:
                if measure["fieldName"] != "__count":
                    self.assertIn(measure["fieldName"], model._fields, pivot["name"])
                    self.assertEqual(measure["id"], f"{measure['fieldName']}:{measure['aggregator']}")
            self.assertIsInstance(self._pivot(pivot_id, self.manager), list)
        for figure in self.data["sheets"][0]["figures"]:
            data = figure["data"]
            if data["type"] == "scorecard":
                for ref in (data["keyValue"], data.get("baseline")):
                    if ref:
                        self.assertIn(ref.split("!")[1], self.data["sheets"][1]["cells"], data["title"])
                continue
            meta = data["metaData"]
            model = self.env[meta["resModel"]].with_user(self.manager)
            measure = "__count" if meta["measure"] == "__count" else f"{meta['measure']}:sum"
            groups = model.formatted_read_group(data["searchParams"]["domain"], meta["groupBy"], [measure])
            self.assertTrue(groups, meta["resModel"])
        for list_id in self.data["lists"]:
            self.assertTrue(self._list(list_id, self.manager), self.data["lists"][list_id]["name"])
        months = self._list("1", self.manager)
        self.assertEqual(months[0]["month"], fields.Date.today().replace(day=1), "the KPI list starts this month")
        # every filter applies to fields that exist, with the right kind
        filters = {f["id"]: f for f in self.data["globalFilters"]}
        sources = [*self.data["pivots"].values(), *self.data["lists"].values(),
                   *(f["data"] | {"model": f["data"]["metaData"]["resModel"]}
                     for f in self.data["sheets"][0]["figures"] if "metaData" in f["data"])]
        for source in sources:
            for filter_id, matching in source["fieldMatching"].items():
                field = self.env[source["model"]]._fields[matching["chain"]]
                if filters[filter_id]["type"] == "date":
                    self.assertEqual(field.type, "date")
                else:
                    self.assertEqual(field.comodel_name, filters[filter_id]["modelName"])
        # every cell formula names pivots and lists that exist
        for sheet in self.data["sheets"]:
            for content in sheet["cells"].values():
                for pivot_id in re.findall(r"PIVOT(?:\.VALUE)?\((\d+)", content):
                    self.assertIn(pivot_id, self.data["pivots"])
                for list_id in re.findall(r"ODOO\.LIST\((\d+)", content):
                    self.assertIn(list_id, self.data["lists"])

    def test_headline_figures_are_the_book(self):
        aging = {g["bucket"]: g["amount_residual:sum"] for g in self._pivot("1", self.manager)}
        total = sum(aging.values())
        # open 1,000 + 400 + 2,500; current is what is not due yet (400)
        self.assertAlmostEqual(total, 3900.0)
        self.assertAlmostEqual(aging["current"], 400.0)
        self.assertAlmostEqual(aging["1_30"], 1000.0)
        self.assertAlmostEqual(aging["91_180"], 2500.0)
        overdue = sum(g["amount_overdue:sum"] for g in self._pivot("1", self.manager))
        self.assertAlmostEqual(overdue, 3500.0, msg="the headline's overdue: what the cases claim")
        debtors_list = next(k for k, d in self.data["lists"].items() if d["name"] == "Top debtors")
        debtors = self._list(debtors_list, self.manager)
        self.assertEqual([(row["partner_id"], row["amount_overdue"], row["days_overdue"]) for row in debtors],
                         [(self.partner_b.id, 2500.0, 100), (self.partner_a.id, 1000.0, 10)],
                         "overdue only, largest first")
        cases_pivot = next(k for k, p in self.data["pivots"].items() if p["name"] == "Open cases")
        [cases] = self._pivot(cases_pivot, self.manager)
        self.assertEqual(cases["__count"], 2)

    def test_the_headline_overdue_is_the_cases(self):
        """Overdue means one thing: a disputed invoice is owed (open) but not overdue, on the dashboard too."""
        invoice = self.env["account.move"].search([("partner_id", "=", self.partner_a.id),
                                                   ("amount_total", "=", 1000)])
        invoice.collection_disputed = True
        self.env["collection.engine"]._run(today=fields.Date.today())
        groups = self._pivot("1", self.manager)
        self.assertAlmostEqual(sum(g["amount_residual:sum"] for g in groups), 3900.0)
        self.assertAlmostEqual(sum(g["amount_overdue:sum"] for g in groups), 2500.0)
        cases = self.env["collection.case"].search([("partner_id", "in", (self.partner_a | self.partner_b).ids)])
        self.assertAlmostEqual(sum(cases.mapped("amount_overdue")), 2500.0, msg="the cases say the same")

    def test_managers_only(self):
        Dashboard = self.env["spreadsheet.dashboard"]
        self.assertIn(self.dashboard, Dashboard.with_user(self.manager).search([]))
        self.assertNotIn(self.dashboard, Dashboard.with_user(self.collector).search([]))

    def test_dashboard_opens_in_the_browser(self):
        self.start_tour("/odoo/dashboards", "collections_dashboard_tour", login=self.manager.login)
