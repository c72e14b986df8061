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
        "views/collection_case_report_views.xml",
        "views/collections_reports_menus.xml",
    ],
    "installable": True,
}
