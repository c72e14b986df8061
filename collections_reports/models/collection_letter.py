import re
from datetime import timedelta

from odoo import api, fields, models

# the default wording of each default stage's letter, per language (companies edit it on the stage)
LETTER_WORDING = {
    "preventive": {
        "en_US": "<p>This is a friendly reminder that the invoices below fall due soon. If you have already arranged "
                 "their payment, thank you, and please disregard this letter.</p>",
        "es": "<p>Le recordamos amablemente que las facturas siguientes vencen en los próximos días. Si ya programó "
              "su pago, le agradecemos y le pedimos que no tenga en cuenta esta carta.</p>",
    },
    "administrative": {
        "en_US": "<p>Our records show that the invoices below are overdue. We kindly ask you to settle them, or to "
                 "contact us to agree on a date or a payment plan.</p>",
        "es": "<p>Según nuestros registros, las facturas siguientes están vencidas. Le solicitamos regularizarlas, o "
              "comunicarse con nosotros para acordar una fecha o un plan de pagos.</p>",
    },
    "extrajudicial": {
        "en_US": "<p>Despite our previous reminders, the invoices below remain unpaid. This is a formal demand for "
                 "payment: unless the debt is settled or an agreement is reached within ten days, it will be "
                 "handed over for legal collection, with the costs that entails.</p>",
        "es": "<p>Pese a nuestros recordatorios, las facturas siguientes siguen impagas. Por la presente le "
              "requerimos formalmente su pago: si la deuda no se cancela o acuerda en los próximos diez días, "
              "será derivada a cobranza judicial, con los costos que ello implica.</p>",
    },
    "judicial": {
        "en_US": "<p>The debt below has been handed over to our legal department. Legal proceedings will follow "
                 "unless it is paid in full. You may still settle it by paying or by contacting us.</p>",
        "es": "<p>La deuda siguiente fue derivada a nuestra área legal. Se iniciarán las acciones judiciales "
              "correspondientes salvo que se cancele en su totalidad. Aún puede regularizarla pagando o "
              "comunicándose con nosotros.</p>",
    },
}

# the letter each default stage prints
LETTER_REPORTS = {
    "preventive": "collections_reports.report_letter_reminder",
    "administrative": "collections_reports.report_letter_notice",
    "extrajudicial": "collections_reports.report_letter_demand",
    "judicial": "collections_reports.report_letter_legal",
}


class CollectionStage(models.Model):
    _inherit = "collection.stage"

    letter_body = fields.Html(
        "Letter wording", translate=True, sanitize=True,
        help="What this stage's collection letter says before the list of invoices, in each language.")
    letter_report_id = fields.Many2one(
        "ir.actions.report", "Letter", domain=[("model", "=", "collection.case"), ("report_type", "like", "qweb")],
        help="The letter the strategy's letter step and the batch print use for cases in this stage.")

    def _collection_letter_document(self):
        """The QWeb document of this stage's letter (``<report>_document``), else the generic letter."""
        self.ensure_one()
        report = self.sudo().letter_report_id
        if report and self.env.ref(f"{report.report_name}_document", raise_if_not_found=False):
            return f"{report.report_name}_document"
        return "collections_management.collection_case_letter_document"


class ResCompany(models.Model):
    _inherit = "res.company"

    def _collection_ensure_default_stages(self):
        stages = super()._collection_ensure_default_stages()
        stages._collection_default_letter_wording()
        stages._collection_default_letter_report()
        return stages

    def _collection_translate_defaults(self, langs=None):
        """A language installed later also gets the default letter wording of these companies' stages."""
        res = super()._collection_translate_defaults(langs)
        self.env["collection.stage"].sudo().search(
            [("company_id", "in", self.ids), ("code", "in", list(LETTER_WORDING))])._collection_default_letter_wording(
            langs)
        return res

    @api.model
    def _collection_install_letter_wording(self):
        """At install: the default wording on every company's default stages that have none."""
        self.env["collection.stage"].sudo().search(
            [("code", "in", list(LETTER_WORDING)), ("letter_body", "=", False)])._collection_default_letter_wording()
        self.env["collection.stage"].sudo().search(
            [("code", "in", list(LETTER_REPORTS)), ("letter_report_id", "=", False)])._collection_default_letter_report()


class CollectionStageLetter(models.Model):
    _inherit = "collection.stage"

    def _collection_default_letter_wording(self, langs=None):
        """Write each default stage's letter wording in English and translate it in the Spanish languages
        (installed, or ``langs``), leaving alone a wording the company changed.

        The field is translated term by term (sanitized HTML): the Spanish text is
        the translation of the English paragraph.
        """
        langs = langs or [code for code, _name in self.env["res.lang"].get_installed()]
        spanish = [lang for lang in langs if lang.startswith("es")]
        for stage in self.sudo().filtered(lambda s: s.code in LETTER_WORDING):
            wording = LETTER_WORDING[stage.code]
            english = stage.with_context(lang="en_US").letter_body
            if not english:
                stage.with_context(lang="en_US").letter_body = english = wording["en_US"]
            if spanish and english == wording["en_US"]:
                term = re.sub(r"</?p>", "", wording["en_US"])
                translation = re.sub(r"</?p>", "", wording["es"])
                stage.update_field_translations("letter_body", {lang: {term: translation} for lang in spanish})
        return True

    def _collection_default_letter_report(self):
        """Each default stage without a letter gets its own (reminder, notice, demand, legal notice)."""
        for stage in self.sudo().filtered(lambda s: s.code in LETTER_REPORTS and not s.letter_report_id):
            stage.letter_report_id = self.env.ref(LETTER_REPORTS[stage.code], raise_if_not_found=False)
        return True


class CollectionStepExecution(models.Model):
    _inherit = "collection.step.execution"

    def _collection_letter_report(self):
        return self.stage_id.sudo().letter_report_id or super()._collection_letter_report()


class CollectionCase(models.Model):
    _inherit = "collection.case"

    def action_collection_statement_xlsx(self):
        """Download the debtor's statement with its aging as an Excel workbook."""
        self.ensure_one()
        self.check_access("read")
        return {"type": "ir.actions.act_url", "url": f"/collections/reports/statement/{self.id}.xlsx",
                "target": "self"}

    def _collection_aged_statement(self):
        """The debtor's statement: its open receivable items in this company (aging view, company currency,
        credits included, negative) and their total per age bucket."""
        self.ensure_one()
        # the case was read by whoever prints it: its debtor's ledger items are theirs to see
        Aging = self.env["collection.aging.report"].sudo()
        domain = [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id)]
        totals = dict(Aging._read_group(domain, ["bucket"], ["amount_residual:sum"]))
        buckets = [(code, label, totals.get(code, 0.0))
                   for code, label in Aging._fields["bucket"]._description_selection(self.env)]
        return {"date": fields.Date.context_today(self), "lines": Aging.search(domain, order="date_due, id"),
                "buckets": buckets, "total": sum(totals.values())}

    def _collection_letter_deadline(self, days):
        """The date a letter gives the debtor to pay: ``days`` calendar days from its issue date."""
        return self._collection_letter_date() + timedelta(days=days)

    def _collection_letter_fees(self):
        """The open late-fee and interest documents of the debtor, for the letter."""
        self.ensure_one()
        return self.env["account.move"].sudo().search([
            ("commercial_partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
            ("collection_charge_type", "!=", False), ("state", "=", "posted"), ("amount_residual", ">", 0)],
            order="invoice_date_due, id")

    def _collection_letter_credits(self):
        """Open credit notes and unapplied payments of the debtor (receivable credits), for the letter."""
        self.ensure_one()
        return self.env["account.move.line"].sudo().search([
            ("partner_id.commercial_partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
            ("account_id.account_type", "=", "asset_receivable"), ("parent_state", "=", "posted"),
            ("reconciled", "=", False), ("amount_residual", "<", 0)], order="date, id")
