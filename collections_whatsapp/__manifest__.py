{
    "name": "Collections WhatsApp",
    "summary": "WhatsApp Business Cloud API reminders and two-way replies for collections",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "Collections Suite Contributors",
    "website": "https://github.com/collections-suite/odoo-collections",
    "license": "LGPL-3",
    "depends": ["collections_management"],
    "external_dependencies": {"python": ["phonenumbers", "requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/collections_whatsapp_security.xml",
        "views/collection_whatsapp_account_views.xml",
        "views/collection_whatsapp_message_views.xml",
        "views/collection_whatsapp_template_views.xml",
        "views/res_partner_views.xml",
        "views/collection_whatsapp_reply_views.xml",
        "data/ir_cron_data.xml",
        "views/collections_whatsapp_menus.xml",
    ],
    "demo": ["demo/collections_whatsapp_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "collections_whatsapp/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
