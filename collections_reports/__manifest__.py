{
    "name": "Collections Reports",
    "summary": "Collection letters, KPIs (aging, DSO, CEI, recovery), dashboard and XLSX exports",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "Collections Suite Contributors",
    "website": "https://github.com/collections-suite/odoo-collections",
    "license": "LGPL-3",
    "depends": ["collections_management"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/collections_reports_security.xml",
        "views/collection_case_report_views.xml",
        "views/collection_aging_report_views.xml",
        "views/collections_reports_menus.xml",
    ],
    "installable": True,
}
