from odoo import api, fields, models

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_grace_days = fields.Integer(related="company_id.collection_grace_days", readonly=False)
    collection_min_amount = fields.Monetary(related="company_id.collection_min_amount", readonly=False,
                                            currency_field="currency_id")
    collection_strategy_id = fields.Many2one(related="company_id.collection_strategy_id", readonly=False)
    collection_working_days = fields.Char(related="company_id.collection_working_days", readonly=False)
    collection_block_held_invoices = fields.Boolean(related="company_id.collection_block_held_invoices",
                                                    readonly=False)
    collection_offer_method = fields.Selection(related="company_id.collection_offer_method", readonly=False)
    collection_allocation_order = fields.Selection(related="company_id.collection_allocation_order",
                                                   readonly=False)
    collection_offer_vat = fields.Selection(related="company_id.collection_offer_vat", readonly=False)
    collection_offer_account_id = fields.Many2one(related="company_id.collection_offer_account_id", readonly=False)
    collection_offer_journal_id = fields.Many2one(related="company_id.collection_offer_journal_id", readonly=False)
    collection_plan_max_restructures = fields.Integer(related="company_id.collection_plan_max_restructures",
                                                      readonly=False)
    collection_plan_approval_amount = fields.Monetary(related="company_id.collection_plan_approval_amount",
                                                      readonly=False, currency_field="currency_id")
    collection_plan_interest_timing = fields.Selection(related="company_id.collection_plan_interest_timing",
                                                       readonly=False)
    collection_interest_product_id = fields.Many2one(related="company_id.collection_interest_product_id",
                                                     readonly=False)
    collection_max_annual_rate = fields.Float(related="company_id.collection_max_annual_rate", readonly=False)
    collection_promise_horizon_days = fields.Integer(related="company_id.collection_promise_horizon_days",
                                                     readonly=False)
    collection_legal_user_id = fields.Many2one(related="company_id.collection_legal_user_id", readonly=False)
    collection_catch_up_policy = fields.Selection(related="company_id.collection_catch_up_policy", readonly=False)
    collection_default_user_id = fields.Many2one(related="company_id.collection_default_user_id", readonly=False)
    # working days as seven checkboxes, stored on the company as "0,1,2,3,4" (0 = Monday)
    collection_wd_mon = fields.Boolean("Monday", compute="_compute_collection_weekdays", inverse="_inverse_collection_weekdays")
    collection_wd_tue = fields.Boolean("Tuesday", compute="_compute_collection_weekdays", inverse="_inverse_collection_weekdays")
    collection_wd_wed = fields.Boolean("Wednesday", compute="_compute_collection_weekdays", inverse="_inverse_collection_weekdays")
    collection_wd_thu = fields.Boolean("Thursday", compute="_compute_collection_weekdays", inverse="_inverse_collection_weekdays")
    collection_wd_fri = fields.Boolean("Friday", compute="_compute_collection_weekdays", inverse="_inverse_collection_weekdays")
    collection_wd_sat = fields.Boolean("Saturday", compute="_compute_collection_weekdays", inverse="_inverse_collection_weekdays")
    collection_wd_sun = fields.Boolean("Sunday", compute="_compute_collection_weekdays", inverse="_inverse_collection_weekdays")

    @api.depends("company_id.collection_working_days")
    def _compute_collection_weekdays(self):
        for settings in self:
            days = {int(d) for d in (settings.company_id.collection_working_days or "").split(",") if d.strip().isdigit()}
            for index, name in enumerate(WEEKDAYS):
                settings[f"collection_wd_{name}"] = index in days

    def _inverse_collection_weekdays(self):
        for settings in self:
            days = [str(index) for index, name in enumerate(WEEKDAYS) if settings[f"collection_wd_{name}"]]
            settings.company_id.collection_working_days = ",".join(days)

