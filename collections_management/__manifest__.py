{
    "name": "Collections Management",
    "summary": "Collect overdue receivables: stages, cases, strategies, promises, "
    "disputes, legal escalation, late fees and payment plans on the real ledger",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "Collections Suite Contributors",
    "website": "https://github.com/collections-suite/odoo-collections",
    "license": "LGPL-3",
    "depends": ["account", "mail", "sms", "phone_validation"],
    "external_dependencies": {"python": ["phonenumbers", "requests", "xlsxwriter"]},
    "data": [
        "security/collections_management_groups.xml",
        "security/ir.model.access.csv",
        "security/collections_management_security.xml",
        "data/ir_sequence_data.xml",
        "views/collection_stage_views.xml",
        "views/collection_case_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/collections_management_menus.xml",
    ],
    "demo": [],
    "assets": {
        "web.assets_tests": [
            "collections_management/static/tests/tours/*.js",
        ],
    },
    "pre_init_hook": "pre_init_hook",
    "post_init_hook": "post_init_hook",
    "application": True,
    "installable": True,
}
