import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

TEMPLATE_STATES = [("draft", "Draft"), ("pending", "Pending approval"), ("approved", "Approved"),
                   ("rejected", "Rejected"), ("paused", "Paused"), ("disabled", "Disabled")]
# what a template variable may show: a few facts of the case, never an arbitrary expression
VARIABLES = [
    ("partner_name", "Customer name"),
    ("company_name", "Company name"),
    ("amount_overdue", "Amount overdue"),
    ("amount_due", "Total due"),
    ("invoice_count", "Open invoices"),
    ("oldest_due_date", "Oldest due date"),
    ("days_overdue", "Days overdue"),
    ("portal_url", "Statement link"),
]


class CollectionWhatsappTemplate(models.Model):
    """A WhatsApp message template approved by Meta, with its variables mapped to the case."""

    _name = "collection.whatsapp.template"
    _description = "WhatsApp template (collections)"
    _order = "account_id, name, lang"
    _check_company_auto = True

    name = fields.Char("Meta template name", required=True, help="Lowercase letters, digits and underscores.")
    account_id = fields.Many2one("collection.whatsapp.account", required=True, ondelete="cascade",
                                 check_company=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    lang = fields.Char("Language code", required=True, default="es", help="Meta's code, e.g. es, es_MX, en_US.")
    category = fields.Selection([("utility", "Utility")], required=True, default="utility")
    body = fields.Text(required=True, help="Text with {{1}}, {{2}}… where the variables go.")
    variables = fields.Char(
        help="Comma-separated, in order: " + ", ".join(code for code, _label in VARIABLES))
    stage_id = fields.Many2one("collection.stage", "Default for stage", check_company=True,
                               help="Reminders of this stage use this template.")
    state = fields.Selection(TEMPLATE_STATES, default="draft", required=True, readonly=True)

    _name_lang_uniq = models.Constraint("UNIQUE(account_id, name, lang)", "A template exists once per language.")

    @api.constrains("name", "body", "variables")
    def _check_template(self):
        codes = {code for code, _label in VARIABLES}
        for template in self:
            if not re.fullmatch(r"[a-z0-9_]+", template.name or ""):
                raise ValidationError(self.env._("Template names use lowercase letters, digits and underscores."))
            used = sorted({int(n) for n in re.findall(r"\{\{(\d+)\}\}", template.body or "")})
            names = template._variable_codes()
            if unknown := [code for code in names if code not in codes]:
                raise ValidationError(self.env._("Unknown template variables: %s", ", ".join(unknown)))
            if used != list(range(1, len(names) + 1)):
                raise ValidationError(self.env._(
                    "The body uses %(used)s placeholders but %(count)s variables are mapped.",
                    used=len(used), count=len(names)))

    def _variable_codes(self):
        self.ensure_one()
        return [code.strip() for code in (self.variables or "").split(",") if code.strip()]

    def _values_for(self, case):
        """The template's variables for this case, as text, in order."""
        self.ensure_one()
        values = {
            "partner_name": case.partner_id.name,
            "company_name": case.company_id.name,
            "amount_overdue": f"{case.currency_id.symbol} {case.amount_overdue:,.2f}",
            "amount_due": f"{case.currency_id.symbol} {case.amount_due:,.2f}",
            "invoice_count": str(case.invoice_count),
            "oldest_due_date": str(case.oldest_due_date or ""),
            "days_overdue": str(case.days_overdue),
        }
        codes = self._variable_codes()
        if "portal_url" in codes:
            values["portal_url"] = case._collection_portal_url() or ""
        return [values[code] for code in codes]

    def _render(self, params):
        self.ensure_one()
        return re.sub(r"\{\{(\d+)\}\}", lambda m: params[int(m.group(1)) - 1], self.body)

    def _apply_review(self, event):
        """Meta's review of the template (webhook or sync): APPROVED, REJECTED, PAUSED, DISABLED, PENDING."""
        state = {"APPROVED": "approved", "REJECTED": "rejected", "PAUSED": "paused", "DISABLED": "disabled",
                 "PENDING": "pending", "IN_APPEAL": "pending", "PENDING_DELETION": "disabled"}.get((event or "").upper())
        if state:
            self.sudo().write({"state": state})
