from odoo import Command, api, fields, models

# (code, sequence, day_from, day_to, open_ended, is_legal, credit_hold, fold)
DEFAULT_STAGES = [
    ("preventive", 10, -5, 0, False, False, False, False),
    ("administrative", 20, 1, 30, False, False, False, False),
    ("extrajudicial", 30, 31, 90, False, False, True, False),
    ("judicial", 40, 91, 0, True, True, True, False),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_grace_days = fields.Integer(
        "Collection grace days",
        default=0,
        help="Days after the due date before a line counts as overdue for collections.",
    )
    collection_min_amount = fields.Monetary(
        "Minimum amount to act on",
        currency_field="currency_id",
        help="Cases whose overdue amount is below this are tracked but no step is executed.",
    )
    collection_working_days = fields.Char(
        "Collection working days",
        default="0,1,2,3,4",
        help="Weekdays (0 = Monday) on which collector activities may fall due.",
    )
    collection_strategy_id = fields.Many2one(
        "collection.strategy", "Default collection strategy",
        help="Strategy of cases whose segment has none.",
    )
    collection_offer_method = fields.Selection(
        [("credit_note", "Credit note"), ("writeoff", "Write-off entry")], "Honour offers with",
        default="credit_note", required=True,
        help="How the forgiven part of an honoured offer is posted: a customer credit note without taxes, or a "
             "journal entry; both on the settlement account and reconciled with the invoices.")
    collection_offer_account_id = fields.Many2one(
        "account.account", "Settlement account", check_company=True,
        help="Expense (discounts granted) account of the forgiven part of honoured offers.")
    collection_offer_journal_id = fields.Many2one(
        "account.journal", "Settlement journal", check_company=True, domain="[('type', '=', 'general')]",
        help="Journal of write-off entries (default: the first miscellaneous journal).")
    collection_plan_max_restructures = fields.Integer(
        "Restructurings without approval", default=1,
        help="How many times a case's payment plan may be restructured before a Collections Manager must approve "
             "the new schedule (0: always).")
    collection_plan_approval_amount = fields.Monetary(
        "Payment plans above this need a manager", currency_field="currency_id",
        help="0: collectors activate any plan.",
    )
    collection_plan_interest_timing = fields.Selection(
        [("due", "As each installment falls due"), ("activation", "All at activation")],
        "Invoice plan interest", default="due", required=True,
        help="When the interest of a payment plan is invoiced. Interest is never booked before it is invoiced.",
    )
    collection_interest_product_id = fields.Many2one(
        "product.product", "Plan interest product",
        help="Gives the income account and taxes of payment plan interest invoices.",
    )
    collection_max_annual_rate = fields.Float(
        "Legal ceiling on late charges (effective annual %)",
        help="The legal ceiling as an effective annual rate, e.g. Colombia's usury rate (tasa de usura) certified "
             "for the current period. Caps the sum of every late charge on an invoice (interest, fees, minimums, "
             "every rule, plan interest) at (1 + rate)^(days/365) - 1 of the open amount; 0: no ceiling.",
    )
    collection_promise_horizon_days = fields.Integer(
        "Promise horizon (days)", default=60,
        help="A promise to pay can be made for a date at most this many days ahead.",
    )
    collection_offer_vat = fields.Selection(
        [("keep", "VAT stays owed on what is forgiven (no tax on the settlement)"),
         ("reduce", "What is forgiven is a discount: it carries the invoice's VAT (Mexico, LIVA art. 7)")],
        "VAT on forgiven amounts", compute="_compute_collection_offer_vat", store=True, readonly=False,
        help="Whether the part of an invoice a settlement offer forgives reduces its VAT. Mexico: a discount "
             "reduces the taxable value (Ley del IVA art. 7) and the credit note carries the IVA, so cash-basis "
             "IVA is never declared on it. Colombia: the VAT was owed when invoiced and stays owed.")
    collection_allocation_order = fields.Selection(
        [("charges_first", "Costs, then interest and late fees, then the debt (Civil Code art. 1653)"),
         ("oldest_first", "Oldest debt first")],
        "What a payment settles first", default="charges_first", required=True,
        help="How a customer's payment on the portal (everything overdue, a selection, a plan installment) is "
             "applied to their documents. Colombian Civil Code art. 1653: interest before capital unless the "
             "creditor agrees otherwise.",
    )
    collection_catch_up_policy = fields.Selection(
        [("review", "Place debtors in their stages, legal candidates for review"),
         ("fire", "Act on each debtor's current stage at once")],
        "First run on old debts", default="review", required=True,
        help="The first run after install finds debts that are months or years overdue. Review: it places every "
             "debtor in its stage without steps, legal hand-overs or credit holds; Collections > First-run Review "
             "lists what each would receive and 'Start collecting' lets the stage's remaining steps run on their "
             "own dates (steps whose date has passed are not sent; legal hand-overs and credit holds stay manual). "
             "Act: it fires the entry steps of each current stage at once.",
    )
    collection_catch_up_done = fields.Boolean(
        "First run done", help="Set by the first complete run: from then on every stage entry acts.")
    collection_legal_user_id = fields.Many2one(
        "res.users", "Legal responsible", domain="[('share', '=', False)]",
        help="Receives the legal hand-over tasks of the daily run.",
    )
    collection_default_user_id = fields.Many2one(
        "res.users", "Responsible for unassigned cases", domain="[('share', '=', False)]",
        help="Receives the tasks of cases without a collector. Empty: the company's first Collections Manager.",
    )
    collection_block_held_invoices = fields.Boolean(
        "Block invoices for customers on credit hold",
        help="Posting a customer invoice for a partner on credit hold needs a Collections Manager.",
    )

    @api.depends("country_id")
    def _compute_collection_offer_vat(self):
        for company in self:
            # Mexico's discounts reduce IVA (LIVA art. 7); elsewhere the forgiven part keeps its VAT by default
            company.collection_offer_vat = "reduce" if company.country_id.code == "MX" else "keep"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._collection_ensure_default_stages()
        return companies

    def _collection_tz(self):
        """The time zone the collections team of this company works in: the company's address, else the user's.

        Contact times in the chatter and the best hour to call are said in it, so that a contact reads at
        the same hour everywhere."""
        self.ensure_one()
        return self.partner_id.tz or self.env.user.tz or "UTC"

    @api.model
    def _collection_install_defaults(self):
        """Default stages and strategy for every company that has none (install time)."""
        companies = self.sudo().search([])
        companies._collection_ensure_default_stages()
        # companies whose stages existed before the call scripts (module update): their scripts now
        without = companies.filtered(lambda c: not self.env["collection.call.script"].sudo().search_count(
            [("company_id", "=", c.id)], limit=1))
        without._collection_create_default_scripts()

    def _collection_default_stage_names(self):
        return {
            "preventive": self.env._("Preventive"),
            "administrative": self.env._("Administrative"),
            "extrajudicial": self.env._("Extrajudicial"),
            "judicial": self.env._("Judicial"),
        }

    def _collection_default_step_names(self):
        return {
            "reminder": self.env._("Friendly reminder before the due date"),
            "overdue": self.env._("Overdue notice"),
            "sms": self.env._("SMS reminder"),
            "call": self.env._("Call the customer"),
            "formal": self.env._("Formal notice"),
            "letter": self.env._("Formal letter"),
            "negotiation": self.env._("Negotiation call"),
            "visit": self.env._("Visit the customer"),
            "legal": self.env._("Hand over to legal"),
        }

    def _collection_default_strategy_name(self):
        return self.env._("Standard collection")

    def _collection_translate_defaults(self, langs=None):
        """Name the default stages, strategy and steps in every installed language.

        They are created per company in code (not XML data), so the PO files do
        not reach them: each language's name is written here, at install and
        whenever a language is installed later. Records renamed by the user
        (their English name differs from the default) are left alone.
        """
        langs = [code for code in (langs or [code for code, _n in self.env["res.lang"].get_installed()])
                 if code != "en_US"]
        if not langs or not self:
            return
        english = self.with_context(lang="en_US")
        en_stages = english._collection_default_stage_names()
        en_steps = {name: key for key, name in english._collection_default_step_names().items()}
        en_strategy = english._collection_default_strategy_name()
        stages = self.env["collection.stage"].sudo().with_context(active_test=False, lang="en_US").search(
            [("company_id", "in", self.ids), ("code", "in", list(en_stages))])
        stages = stages.filtered(lambda s: s.name == en_stages[s.code])
        strategies = self.env["collection.strategy"].sudo().with_context(active_test=False, lang="en_US").search(
            [("company_id", "in", self.ids), ("name", "=", en_strategy)])
        steps = strategies.step_ids.filtered(lambda s: s.name in en_steps)
        for lang in langs:
            local = self.with_context(lang=lang)
            stage_names = local._collection_default_stage_names()
            step_names = local._collection_default_step_names()
            for stage in stages:
                stage.with_context(lang=lang).name = stage_names[stage.code]
            strategies.with_context(lang=lang).name = local._collection_default_strategy_name()
            for step in steps:
                step.with_context(lang=lang).name = step_names[en_steps[step.with_context(lang="en_US").name]]

    def _collection_ensure_default_stages(self):
        """Create the four default stages for companies that have none yet."""
        Stage = self.env["collection.stage"].sudo().with_context(active_test=False, lang="en_US")
        names = self.with_context(lang="en_US")._collection_default_stage_names()
        have = set(Stage.search([("company_id", "in", self.ids)]).company_id.ids)
        vals_list = []
        for company in self.filtered(lambda c: c.id not in have):
            for code, seq, day_from, day_to, open_ended, legal, hold, fold in DEFAULT_STAGES:
                vals_list.append({
                    "name": names[code],
                    "code": code,
                    "sequence": seq,
                    "company_id": company.id,
                    "day_from": day_from,
                    "day_to": day_to,
                    "open_ended": open_ended,
                    "is_legal": legal,
                    "credit_hold": hold,
                    "fold": fold,
                    # what a collector may offer without a manager: more as the debt ages
                    "offer_max_discount": OFFER_LIMITS[code][0],
                    "offer_max_waiver": OFFER_LIMITS[code][1],
                })
        stages = Stage.create(vals_list)
        new_companies = self.filtered(lambda c: c.id not in have)
        for company in new_companies:
            company.with_context(lang="en_US")._collection_create_default_strategy()
        new_companies._collection_create_default_scripts()
        new_companies._collection_translate_defaults()
        return stages

    def _collection_create_default_scripts(self):
        """A Spanish and an English call script for each default stage (one record per language)."""
        stages = self.env["collection.stage"].sudo().search(
            [("company_id", "in", self.ids), ("code", "in", list(DEFAULT_SCRIPTS))])
        return self.env["collection.call.script"].sudo().with_context(lang="en_US").create([
            {"name": name, "body": body, "lang": lang, "stage_id": stage.id, "company_id": stage.company_id.id}
            for stage in stages for lang, (name, body) in DEFAULT_SCRIPTS[stage.code].items()])

    def _collection_create_default_strategy(self):
        """A sensible strategy for the default stages, so the suite works on install."""
        self.ensure_one()
        ref = self.env.ref
        stages = {s.code: s for s in self.env["collection.stage"].sudo().search([("company_id", "=", self.id)])}
        for code, xmlid in (("preventive", "collections_management.mail_template_collection_preventive"),
                            ("administrative", "collections_management.mail_template_collection_administrative"),
                            ("extrajudicial", "collections_management.mail_template_collection_extrajudicial"),
                            ("judicial", "collections_management.mail_template_collection_judicial")):
            template = ref(xmlid, raise_if_not_found=False)
            if template and code in stages and not stages[code].mail_template_id:
                stages[code].mail_template_id = template
        if set(stages) < {"preventive", "administrative", "extrajudicial", "judicial"}:
            return self.env["collection.strategy"]
        sms = ref("collections_management.sms_template_collection_reminder", raise_if_not_found=False)
        names = self._collection_default_step_names()
        steps = [
            ("preventive", 2, "email", names["reminder"]),
            ("administrative", 0, "email", names["overdue"]),
            ("administrative", 5, "sms", names["sms"]),
            ("administrative", 10, "call", names["call"]),
            ("extrajudicial", 0, "email", names["formal"]),
            ("extrajudicial", 0, "letter", names["letter"]),
            ("extrajudicial", 7, "call", names["negotiation"]),
            ("extrajudicial", 21, "visit", names["visit"]),
            ("judicial", 0, "legal", names["legal"]),
        ]
        strategy = self.env["collection.strategy"].sudo().create({
            "name": self._collection_default_strategy_name(),
            "company_id": self.id,
            "step_ids": [Command.create({
                "name": name, "stage_id": stages[code].id, "day_offset": offset, "channel": channel,
                "sequence": index, "sms_template_id": sms.id if channel == "sms" and sms else False,
            }) for index, (code, offset, channel, name) in enumerate(steps) if channel != "sms" or sms],
        })
        self.sudo().collection_strategy_id = strategy
        return strategy


# (discount %, fee and interest waiver %) a collector may offer without approval, per default stage
OFFER_LIMITS = {"preventive": (2.0, 0.0), "administrative": (5.0, 50.0), "extrajudicial": (15.0, 100.0),
                "judicial": (25.0, 100.0)}

# the default call scripts: (name, text) per stage code and language; {placeholders} are the case's figures
DEFAULT_SCRIPTS = {
    "preventive": {
        "es": ("Recordatorio amable", "Buenos días, ¿hablo con {contact}? Le saluda {collector}, de {company}.\n"
               "Le llamo para recordarle que tiene {total_due} por vencer. ¿Ya tiene programado el pago?\n"
               "Puede ver su estado de cuenta y pagar en línea aquí: {portal_link}\n{offer}"),
        "en": ("Friendly reminder", "Good morning, am I speaking with {contact}? This is {collector} from {company}.\n"
               "I am calling to remind you that {total_due} falls due soon. Is the payment scheduled?\n"
               "You can see your statement and pay online here: {portal_link}\n{offer}"),
    },
    "administrative": {
        "es": ("Primera gestión de cobro", "Buenos días, ¿hablo con {contact}? Le saluda {collector}, de {company}.\n"
               "Su cuenta tiene {total_overdue} vencido; la factura más antigua es {oldest_invoice}, vencida el "
               "{oldest_due_date} ({days_overdue} días).\n¿Cuándo podrá realizar el pago? Si hay algún problema con "
               "una factura, cuénteme y lo revisamos.\n{offer}"),
        "en": ("First collection call", "Good morning, am I speaking with {contact}? This is {collector} from "
               "{company}.\nYour account has {total_overdue} overdue; the oldest invoice is {oldest_invoice}, due on "
               "{oldest_due_date} ({days_overdue} days).\nWhen will you be able to pay? If something is wrong with an "
               "invoice, tell me and we will look into it.\n{offer}"),
    },
    "extrajudicial": {
        "es": ("Negociación prejudicial", "{contact}, le habla {collector}, de {company}. Su deuda de {total_overdue} "
               "lleva {days_overdue} días de atraso y tiene {fees} de intereses y cargos.\nNecesitamos acordar hoy "
               "una fecha de pago o un plan de pagos para evitar el paso a cobranza judicial.\n{offer}"),
        "en": ("Pre-legal negotiation", "{contact}, this is {collector} from {company}. Your debt of {total_overdue} "
               "is {days_overdue} days overdue and carries {fees} in interest and fees.\nWe need to agree today on a "
               "payment date or a payment plan to avoid legal action.\n{offer}"),
    },
    "judicial": {
        "es": ("Cuenta en cobranza judicial", "{contact}, le habla {collector}, de {company}. Su cuenta, con "
               "{total_overdue} vencido, fue derivada a nuestra área legal.\nTodavía puede regularizarla pagando o "
               "acordando un plan; de lo contrario el proceso continuará.\n{offer}"),
        "en": ("Account with legal", "{contact}, this is {collector} from {company}. Your account, with "
               "{total_overdue} overdue, has been handed over to our legal department.\nYou can still settle it by "
               "paying or agreeing on a plan; otherwise the process will go on.\n{offer}"),
    },
}
