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

    @http.route("/collections/reports/statement/<int:case_id>.xlsx", type="http", auth="user", methods=["GET"])
    def statement_xlsx(self, case_id, **_kw):
        """One debtor's statement with its aging (the user must be able to read the case: collectors, theirs)."""
        case = request.env["collection.case"].browse(case_id).exists()
        if not case:
            raise request.not_found()
        case.check_access("read")
        data = request.env["collection.aging.report"].sudo().with_context(lang=request.env.lang) \
            ._collection_export_xlsx([("partner_id", "=", case.partner_id.id), ("company_id", "=", case.company_id.id)])
        return request.make_response(data, headers=[
            ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("Content-Disposition", content_disposition(f"statement_{case.partner_id.name}.xlsx")),
        ])

    @http.route("/collections/reports/<string:kind>.xlsx", type="http", auth="user", methods=["GET"])
    def export_xlsx(self, kind, **_kw):
        """Collector performance (managers), the case list (collectors: their own cases) or the credit-bureau
        register, for the user's companies, as formatted Excel workbooks."""
        exports = {
            "collectors": ("_collection_export_collectors", "collector_performance.xlsx"),
            "cases": ("_collection_export_cases", "collection_cases.xlsx"),
            "bureau": ("_collection_export_bureau", "credit_bureau_register.xlsx"),
        }
        if kind not in exports:
            raise request.not_found()
        method, filename = exports[kind]
        data = getattr(request.env["collection.xlsx"], method)([("company_id", "in", request.env.companies.ids)])
        return request.make_response(data, headers=[
            ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("Content-Disposition", content_disposition(filename)),
        ])
