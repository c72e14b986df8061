import re

from odoo import fields, models

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
