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
            ("Content-Disposition", content_disposition(request.env._("aged_receivables") + ".xlsx")),
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
            ("Content-Disposition", content_disposition(
                request.env._("statement_%(debtor)s", debtor=case.partner_id.name) + ".xlsx")),
        ])

    @http.route("/collections/reports/<string:kind>.xlsx", type="http", auth="user", methods=["GET"])
    def export_xlsx(self, kind, **_kw):
        """Collector performance (managers), the case list (collectors: their own cases) or the credit-bureau
        register, for the user's companies, as formatted Excel workbooks."""
        methods = {"collectors": "_collection_export_collectors", "cases": "_collection_export_cases",
                   "bureau": "_collection_export_bureau"}
        if kind not in methods:
            raise request.not_found()
        method = methods[kind]
        # file names in the user's language (casos_de_cobranza.xlsx in a Spanish database)
        filename = {"collectors": request.env._("collector_performance"),
                    "cases": request.env._("collection_cases"),
                    "bureau": request.env._("credit_bureau_register")}[kind]
        data = getattr(request.env["collection.xlsx"], method)([("company_id", "in", request.env.companies.ids)])
        return request.make_response(data, headers=[
            ("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("Content-Disposition", content_disposition(f"{filename}.xlsx")),
        ])
