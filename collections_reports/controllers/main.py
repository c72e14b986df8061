from odoo import http
from odoo.http import content_disposition, request


class CollectionsReports(http.Controller):
    @http.route("/collections/reports/aging.xlsx", type="http", auth="user", methods=["GET"])
    def aging_xlsx(self, **_kw):
        """The aged receivables of the user's companies as an Excel workbook (managers)."""
        data = request.env["collection.aging.report"]._collection_export_xlsx(
            [("company_id", "in", request.env.companies.ids)])
        return request.make_response(data, headers=[
            ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("Content-Disposition", content_disposition("aged_receivables.xlsx")),
        ])
