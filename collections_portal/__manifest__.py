{
    "name": "Collections Portal",
    "summary": "Customers see their debt, pay online, accept payment plans, promise and dispute",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "Collections Suite Contributors",
    "website": "https://github.com/collections-suite/odoo-collections",
    "license": "LGPL-3",
    "depends": ["collections_management", "portal", "account_payment"],
    "data": [
        "security/collections_portal_security.xml",
        "security/ir.model.access.csv",
        "views/collections_portal_templates.xml",
        "views/collection_case_views.xml",
    ],
    "demo": ["demo/collections_portal_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "collections_portal/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
