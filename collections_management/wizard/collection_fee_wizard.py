from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class CollectionFeeWizard(models.TransientModel):
    """Charge late fees on invoices, cases or partners, after a preview of every line."""

    _name = "collection.fee.wizard"
    _description = "Charge late fees"

    move_ids = fields.Many2many("account.move", string="Invoices")
    rule_ids = fields.Many2many("collection.fee.rule", string="Rules")
    date = fields.Date("Charge up to", required=True, default=fields.Date.context_today)
    line_ids = fields.One2many("collection.fee.wizard.line", "wizard_id", compute="_compute_line_ids")
    total = fields.Float(compute="_compute_line_ids", digits="Account")
    total_cut = fields.Float("Cut by the legal ceiling", compute="_compute_line_ids", digits="Account")
    ceiling_rate = fields.Float("Legal ceiling (effective annual %)", compute="_compute_ceiling_rate",
                                help="The company's ceiling on late charges (0: none), in force today.")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        model, ids = self.env.context.get("active_model"), self.env.context.get("active_ids") or []
        moves = self.env["account.move"]
        if model == "account.move":
            moves = moves.browse(ids)
        elif model == "collection.case":
            moves = self.env["collection.case"].browse(ids).move_ids
        elif model == "res.partner":
            moves = moves.search([("commercial_partner_id", "in", ids), ("move_type", "=", "out_invoice"),
                                  ("state", "=", "posted"), ("amount_residual", ">", 0)])
        res["move_ids"] = [fields.Command.set(moves.ids)]
        res["rule_ids"] = [fields.Command.set(self.env["collection.fee.rule"].search(
            [("company_id", "in", (moves.company_id or self.env.company).ids)]).ids)]
        return res

    @api.constrains("date")
    def _check_date(self):
        for wizard in self:
            if wizard.date > fields.Date.context_today(wizard):
                raise ValidationError(self.env._("Late fees are charged for days that have passed: choose today "
                                                 "or an earlier date."))

    @api.depends("move_ids", "rule_ids", "date")
    def _compute_line_ids(self):
        for wizard in self:
            charges = wizard.rule_ids._compute_charges(wizard.move_ids, wizard.date)
            wizard.line_ids = [fields.Command.clear()] + [fields.Command.create(c) for c in charges]
            wizard.total = sum(c["amount"] for c in charges)
            wizard.total_cut = sum(c["amount_cut"] for c in charges)

    @api.depends("move_ids")
    def _compute_ceiling_rate(self):
        for wizard in self:
            wizard.ceiling_rate = (wizard.move_ids.company_id[:1] or self.env.company).collection_max_annual_rate

    def action_charge(self):
        self.ensure_one()
        if not self.rule_ids:
            raise UserError(self.env._("Choose at least one late fee rule."))
        fees = self.rule_ids._charge(self.move_ids, self.date)
        if not fees:
            raise UserError(self.env._("Nothing to charge: every invoice is already charged up to this date."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Late fees"),
            "res_model": "collection.fee",
            "view_mode": "list,form",
            "domain": [("id", "in", fees.ids)],
        }


class CollectionFeeWizardLine(models.TransientModel):
    _name = "collection.fee.wizard.line"
    _description = "Late fee preview line"

    wizard_id = fields.Many2one("collection.fee.wizard", ondelete="cascade")
    rule_id = fields.Many2one("collection.fee.rule", readonly=True)
    move_id = fields.Many2one("account.move", "Invoice", readonly=True)
    date_from = fields.Date(readonly=True)
    date_to = fields.Date(readonly=True)
    days = fields.Integer(readonly=True)
    base_amount = fields.Monetary("Open amount", readonly=True)
    amount = fields.Monetary(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    rate_applied = fields.Float("Annual rate applied (%)", digits=(16, 4), readonly=True)
    rate_capped = fields.Boolean("Capped at the legal ceiling", readonly=True)
    ceiling_amount = fields.Monetary("Ceiling left", readonly=True,
                                  help="What the legal ceiling allows for this charge, once the invoice's earlier "
                                       "late charges are counted.")
    amount_cut = fields.Monetary("Cut by the ceiling", readonly=True,
                              help="What the rules ask above the legal ceiling: not charged.")
