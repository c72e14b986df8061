import re

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount, format_date


class CollectionCallScript(models.Model):
    """What to say to a debtor at a stage (optionally a segment) in a language, with the case's figures."""

    _name = "collection.call.script"
    _description = "Call script"
    _order = "stage_id, segment_id, lang, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    stage_id = fields.Many2one("collection.stage", required=True, check_company=True, index=True)
    segment_id = fields.Many2one("collection.segment", check_company=True,
                                 help="Empty: every segment of the stage.")
    lang = fields.Char("Language", required=True, default="es",
                       help="Language code (es, en, es_MX…): a customer speaking es_MX is read an es script.")
    body = fields.Text(required=True, help="Placeholders: " + ", ".join(
        f"{{{name}}}" for name in ("partner", "contact", "collector", "company", "total_overdue", "total_due",
                                   "oldest_invoice", "oldest_due_date", "days_overdue", "fees", "offer",
                                   "portal_link")))

    PLACEHOLDER = re.compile(r"\{(\w+)\}")

    @api.constrains("body")
    def _check_placeholders(self):
        known = set(self._placeholders_for(None))
        for script in self:
            unknown = sorted(set(self.PLACEHOLDER.findall(script.body or "")) - known)
            if unknown:
                raise ValidationError(self.env._("Unknown placeholders in script %(name)s: %(names)s",
                                                 name=script.name, names=", ".join(unknown)))

    @api.model
    def _for_case(self, case):
        """The script for the case's stage, segment and customer's language (most specific first)."""
        lang = case.partner_id.lang or self.env.lang or "en_US"
        scripts = self.search([("stage_id", "=", case.stage_id.id), ("company_id", "=", case.company_id.id),
                               "|", ("segment_id", "=", False), ("segment_id", "=", case.segment_id.id)])

        def rank(script):
            by_lang = 0 if script.lang == lang else 1 if lang.split("_")[0] == script.lang.split("_")[0] else 2
            return (by_lang, 0 if script.segment_id else 1, script.id)

        return scripts.sorted(rank)[:1] if scripts else scripts

    @api.model
    def _placeholders_for(self, case):
        """The placeholder values for a case, in the customer's language (names only without a case)."""
        names = ("partner", "contact", "collector", "company", "total_overdue", "total_due", "oldest_invoice",
                 "oldest_due_date", "days_overdue", "fees", "offer", "portal_link")
        if case is None:
            return dict.fromkeys(names, "")
        env = self.with_context(lang=case.partner_id.lang or self.env.lang).env
        currency = case.currency_id
        moves = case._collection_overdue_moves()
        oldest = moves[:1]
        contact = case._collection_billing_contacts()[:1]
        fees = sum(self.env["collection.fee"].sudo().search(
            [("move_id", "in", case.move_ids.ids), ("state", "=", "posted")]).mapped("amount"))
        return {
            "partner": case.partner_id.name,
            "contact": contact.name or case.partner_id.name,
            "collector": case.user_id.name or self.env.user.name,
            "company": case.company_id.name,
            "total_overdue": format_amount(env, case._collection_claimed_total(), currency),
            "total_due": format_amount(env, case._collection_open_receivable(), currency),
            "oldest_invoice": oldest.name or "",
            "oldest_due_date": format_date(env, oldest.invoice_date_due) if oldest else "",
            "days_overdue": str(case.days_overdue),
            "fees": format_amount(env, fees, currency),
            "offer": case._collection_offer_text(env),
            "portal_link": case._collection_portal_url() or "",
        }

    def _render(self, case):
        """The script's text with the case's figures (unknown placeholders are left as written)."""
        self.ensure_one()
        values = self._placeholders_for(case)
        return self.PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), self.body or "")

    def _render_html(self, case):
        self.ensure_one()
        text = self._render(case)
        return Markup("<div class='o_collection_script'>%s</div>") % Markup("<br/>").join(
            escape(line) for line in text.splitlines())
