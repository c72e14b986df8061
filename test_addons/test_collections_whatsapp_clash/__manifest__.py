{
    "name": "Test: collections_whatsapp next to Enterprise's whatsapp",
    "summary": "Test-only addon: defines the model names of Odoo Enterprise's whatsapp module",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tests",
    "author": "Collections Suite Contributors",
    "license": "LGPL-3",
    "depends": ["mail", "collections_whatsapp"],
    "data": ["security/ir.model.access.csv"],
    "installable": True,
}
