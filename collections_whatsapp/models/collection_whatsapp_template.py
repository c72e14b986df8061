import re

from odoo import api, fields, models
from odoo.addons.collections_management.tools.intent import PAYLOAD_PAY, PAYLOAD_PROMISE, PAYLOAD_TALK
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount, format_date

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
    ("offer_amount", "Offer: amount to pay"),
    ("offer_deadline", "Offer: deadline"),
]
# what Meta's reviewers see for each variable (templates are submitted with examples)
EXAMPLES = {"partner_name": "Comercial Andina SA", "company_name": "Distribuidora Sur", "amount_overdue": "$ 1,250.00",
            "amount_due": "$ 2,480.00", "invoice_count": "3", "oldest_due_date": "2026-10-15", "days_overdue": "41",
            "portal_url": "https://example.com/my/collections/1", "offer_amount": "$ 900.00",
            "offer_deadline": "2026-12-15"}


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
    meta_template_id = fields.Char("Meta template id", readonly=True, copy=False)
    rejection_reason = fields.Char(readonly=True, copy=False)
    button_pay = fields.Char("'Pay now' button", help="Quick reply that answers with the payment link.")
    button_promise = fields.Char("'I will pay on…' button",
                                 help="Quick reply that asks for the date and records the promise.")
    button_talk = fields.Char("'Talk to someone' button",
                              help="Quick reply that creates a task for the case's collector.")

    _name_lang_uniq = models.Constraint("UNIQUE(account_id, name, lang)", "A template exists once per language.")

    @api.constrains("name", "body", "variables", "button_pay", "button_promise", "button_talk")
    def _check_template(self):
        codes = {code for code, _label in VARIABLES}
        for template in self:
            if not re.fullmatch(r"[a-z0-9_]+", template.name or ""):
                raise ValidationError(self.env._("Template names use lowercase letters, digits and underscores."))
            if any(len(text) > 25 for text, _payload in template._buttons()):
                raise ValidationError(self.env._("A quick-reply button has at most 25 characters."))
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
        # written the customer's way: their language's separators and date format, the currency's symbol
        reader = self.with_context(lang=case.partner_id.lang or self.env.lang).env
        values = {
            "partner_name": case.partner_id.name,
            "company_name": case.company_id.name,
            "amount_overdue": format_amount(reader, case.amount_overdue, case.currency_id),
            "amount_due": format_amount(reader, case.amount_due, case.currency_id),
            "invoice_count": str(case.invoice_count),
            "oldest_due_date": format_date(reader, case.oldest_due_date) if case.oldest_due_date else "",
            "days_overdue": str(case.days_overdue),
        }
        codes = self._variable_codes()
        if "portal_url" in codes:
            values["portal_url"] = case._collection_portal_url() or ""
        if {"offer_amount", "offer_deadline"} & set(codes):
            offer = self.env["collection.offer"].sudo().search([("case_id", "=", case.id), ("state", "=", "open")],
                                                               limit=1)
            values["offer_amount"] = format_amount(reader, offer.amount_to_pay, offer.currency_id) if offer else ""
            values["offer_deadline"] = format_date(reader, offer.deadline) if offer.deadline else ""
        return [values[code] for code in codes]

    def _render(self, params):
        self.ensure_one()
        return re.sub(r"\{\{(\d+)\}\}", lambda m: params[int(m.group(1)) - 1], self.body)

    def _buttons(self):
        """The template's quick replies in order, with the payload each carries back."""
        self.ensure_one()
        return [(text, payload) for text, payload in ((self.button_pay, PAYLOAD_PAY),
                                                      (self.button_promise, PAYLOAD_PROMISE),
                                                      (self.button_talk, PAYLOAD_TALK)) if text]

    def _message_payload(self, params):
        """The ``template`` object of a send-message call: variables, and each button's payload."""
        self.ensure_one()
        components = [{"type": "body", "parameters": [{"type": "text", "text": value} for value in params]}]
        components += [{"type": "button", "sub_type": "quick_reply", "index": str(index),
                        "parameters": [{"type": "payload", "payload": payload}]}
                       for index, (_text, payload) in enumerate(self._buttons())]
        return {"name": self.name, "language": {"code": self.lang}, "components": components}

    def action_submit(self):
        """Submit the template to Meta for review (Graph API ``message_templates``)."""
        self.check_access("write")  # managers: nothing reaches Meta for a user who may not change templates
        for template in self:
            if template.state not in ("draft", "rejected"):
                raise UserError(self.env._("Template %s was already submitted.", template.name))
            components = [{"type": "BODY", "text": template.body}]
            if codes := template._variable_codes():
                components[0]["example"] = {"body_text": [[EXAMPLES[code] for code in codes]]}
            if buttons := template._buttons():
                components.append({"type": "BUTTONS",
                                   "buttons": [{"type": "QUICK_REPLY", "text": text} for text, _p in buttons]})
            account = template.account_id
            data = account._graph_call("post", f"{account.business_account_id}/message_templates", {
                "name": template.name, "language": template.lang, "category": template.category.upper(),
                "components": components,
            })
            template.write({"meta_template_id": data.get("id"), "rejection_reason": False})
            template._apply_review(data.get("status") or "PENDING")
        return True

    def action_sync(self):
        """Read each template's review status from Meta."""
        self.check_access("write")
        for account in self.account_id:
            account._sync_templates(self.filtered(lambda t, account=account: t.account_id == account))
        return True

    def _apply_review(self, event, reason=None):
        """Meta's review of the template (webhook or sync): APPROVED, REJECTED, PAUSED, DISABLED, PENDING."""
        state = {"APPROVED": "approved", "REJECTED": "rejected", "PAUSED": "paused", "DISABLED": "disabled",
                 "PENDING": "pending", "IN_APPEAL": "pending", "PENDING_DELETION": "disabled"}.get((event or "").upper())
        if state:
            values = {"state": state}
            if state == "rejected":
                values["rejection_reason"] = reason if reason and reason.upper() != "NONE" else False
            self.sudo().write(values)

    # ------------------------------------------------------------------ defaults
    @api.model
    def _create_defaults(self, accounts):
        """Spanish and English drafts for each default stage of each account's company (missing ones only).

        Each is a Meta template of its own language (Meta reviews every language
        separately), with the three quick replies the two-way flow answers.
        """
        link = self.env["collection.case"]._collection_has_portal()
        vals_list = []
        for account in accounts:
            stages = self.env["collection.stage"].search([("company_id", "=", account.company_id.id),
                                                          ("code", "in", list(DEFAULT_TEMPLATES))])
            existing = set(self.search([("account_id", "=", account.id)]).mapped(lambda t: (t.name, t.lang)))
            for stage in stages:
                for lang, (body, link_sentence, variables) in DEFAULT_TEMPLATES[stage.code].items():
                    name = f"collections_{stage.code}"
                    if (name, lang) in existing:
                        continue
                    if link:  # the statement link only exists with collections_portal
                        body, variables = body + link_sentence, [*variables, "portal_url"]
                    vals_list.append({
                        "name": name, "lang": lang, "account_id": account.id, "stage_id": stage.id,
                        "body": body, "variables": ",".join(variables), **DEFAULT_BUTTONS[lang],
                    })
            # the settlement offer, for any stage
            for lang, (body, link_sentence, variables) in OFFER_TEMPLATE.items():
                if ("collections_offer", lang) in existing:
                    continue
                if link:
                    body, variables = body + link_sentence, [*variables, "portal_url"]
                vals_list.append({"name": "collections_offer", "lang": lang, "account_id": account.id,
                                  "body": body, "variables": ",".join(variables), **DEFAULT_BUTTONS[lang]})
        return self.create(vals_list)


# the default wording per stage code and language: (text, sentence with the statement link, variables)
DEFAULT_TEMPLATES = {
    "preventive": {
        "es": ("Hola {{1}}, le recordamos que tiene {{2}} por vencer con {{3}}.",
               " Vea su estado de cuenta y pague en línea: {{4}}",
               ["partner_name", "amount_due", "company_name"]),
        "en": ("Hello {{1}}, a friendly reminder that {{2}} falls due soon with {{3}}.",
               " See your statement and pay online: {{4}}",
               ["partner_name", "amount_due", "company_name"]),
    },
    "administrative": {
        "es": ("Hola {{1}}, su cuenta con {{2}} tiene {{3}} vencido desde el {{4}}. Puede pagar o indicarnos "
               "una fecha de pago.", " Estado de cuenta: {{5}}",
               ["partner_name", "company_name", "amount_overdue", "oldest_due_date"]),
        "en": ("Hello {{1}}, your account with {{2}} has {{3}} overdue since {{4}}. You can pay or tell us when "
               "you will.", " Statement: {{5}}",
               ["partner_name", "company_name", "amount_overdue", "oldest_due_date"]),
    },
    "extrajudicial": {
        "es": ("{{1}}: su deuda de {{2}} con {{3}} tiene {{4}} días de atraso. Para evitar el paso a cobranza "
               "judicial, pague o acuerde una fecha hoy.", " Pague aquí: {{5}}",
               ["partner_name", "amount_overdue", "company_name", "days_overdue"]),
        "en": ("{{1}}: your debt of {{2}} with {{3}} is {{4}} days overdue. To avoid legal action, pay or agree "
               "on a date today.", " Pay here: {{5}}",
               ["partner_name", "amount_overdue", "company_name", "days_overdue"]),
    },
    "judicial": {
        "es": ("{{1}}: su deuda de {{2}} con {{3}} fue derivada a nuestra área legal. Para regularizarla, "
               "comuníquese con nosotros.", " Estado de cuenta: {{4}}",
               ["partner_name", "amount_overdue", "company_name"]),
        "en": ("{{1}}: your debt of {{2}} with {{3}} has been handed over to our legal department. To settle it, "
               "contact us.", " Statement: {{4}}", ["partner_name", "amount_overdue", "company_name"]),
    },
}
OFFER_TEMPLATE = {
    "es": ("Hola {{1}}, para regularizar su cuenta con {{2}} le ofrecemos pagar {{3}} hasta el {{4}}; el resto se "
           "condona.", " Pague aquí: {{5}}", ["partner_name", "company_name", "offer_amount", "offer_deadline"]),
    "en": ("Hello {{1}}, to settle your account with {{2}} we offer you to pay {{3}} by {{4}}; the rest is forgiven.",
           " Pay here: {{5}}", ["partner_name", "company_name", "offer_amount", "offer_deadline"]),
}
DEFAULT_BUTTONS = {
    "es": {"button_pay": "Pagar ahora", "button_promise": "Pagaré el…", "button_talk": "Hablar con alguien"},
    "en": {"button_pay": "Pay now", "button_promise": "I will pay on…", "button_talk": "Talk to someone"},
}
