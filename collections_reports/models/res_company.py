from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .collection_bureau_report import BUREAU_COLUMNS, DEFAULT_LAYOUT
from .collection_stage import LETTER_REPORTS, LETTER_WORDING


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_bureau_notice_days = fields.Integer(
        "Notice before reporting (days)", default=20,
        help="Calendar days that must pass after the notice to the debtor before the debt is reported to a credit "
             "bureau: reported from the day after (Colombia, Ley 1266 de 2008 art. 12 as amended by Ley 2157 de "
             "2021: 20 days, so from day 21).")
    collection_bureau_small_debt_share = fields.Float(
        "Small debt (% of the minimum wage)", default=15.0,
        help="Debts at most this share of the monthly minimum wage need two notices on different days before they "
             "are reported, the term running from the last one (Colombia, Ley 2157 de 2021: 15 %).")
    collection_minimum_wage = fields.Monetary(
        "Monthly minimum wage", currency_field="currency_id",
        help="The legal monthly minimum wage in force (Colombia: the SMMLV decreed for the year), in the company's "
             "currency: it sets which debts are small. Empty: no small-debt rule.")
    collection_bureau_withdraw_days = fields.Integer(
        "Days to withdraw once paid", default=10,
        help="A reported debt paid must be withdrawn from the bureau within these days.")
    collection_bureau_csv_layout = fields.Char(
        "Bureau file columns", default=DEFAULT_LAYOUT,
        help="Comma-separated, in order: " + ", ".join(BUREAU_COLUMNS))

    @api.constrains("collection_bureau_csv_layout", "collection_bureau_notice_days", "collection_bureau_withdraw_days",
                    "collection_bureau_small_debt_share", "collection_minimum_wage")
    def _check_bureau_settings(self):
        for company in self:
            unknown = [code for code in company._collection_bureau_layout() if code not in BUREAU_COLUMNS]
            if unknown:
                raise ValidationError(self.env._("Unknown bureau file columns: %s", ", ".join(unknown)))
            if company.collection_bureau_notice_days < 0 or company.collection_bureau_withdraw_days < 0:
                raise ValidationError(self.env._("Notice and withdrawal days cannot be negative."))
            if company.collection_bureau_small_debt_share < 0 or company.collection_minimum_wage < 0:
                raise ValidationError(self.env._("The small-debt share and the minimum wage cannot be negative."))

    def _collection_bureau_layout(self):
        self.ensure_one()
        return [code.strip() for code in (self.collection_bureau_csv_layout or DEFAULT_LAYOUT).split(",")
                if code.strip()]

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
