
from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class CollectionFee(models.Model):
    """One late fee charged on one invoice for one period: the unique side-effect key.

    Fees are money: they are created by the charge (wizard or strategy step) and
    changed only by a waiver, never edited.
    """

    _name = "collection.fee"
    _description = "Late Fee"
    _inherit = ["collection.guard.mixin"]
    _order = "date_to desc, id desc"
    _check_company_auto = True
    _collection_system_fields = (
        "rule_id", "move_id", "currency_id", "date_from", "date_to", "days", "base_amount", "amount",
        "rate_applied", "rate_capped", "ceiling_amount", "amount_cut", "fee_move_id", "state", "waive_reason",
        "waive_move_id", "waived_by_id",
    )

    rule_id = fields.Many2one("collection.fee.rule", required=True, ondelete="restrict", index=True)
    fee_type = fields.Selection(related="rule_id.fee_type", store=True)
    move_id = fields.Many2one("account.move", "Charged invoice", required=True, ondelete="restrict", index=True)
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", store=True, index=True)
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True)
    date_from = fields.Date("Period from", required=True)
    date_to = fields.Date("Period to", required=True)
    days = fields.Integer()
    base_amount = fields.Monetary("Open amount charged on")
    amount = fields.Monetary(required=True)
    rate_applied = fields.Float("Annual rate applied (%)", digits=(16, 4))
    rate_capped = fields.Boolean("Capped at the legal ceiling")
    ceiling_amount = fields.Monetary("Ceiling left", help="What the legal ceiling allowed for this charge, once "
                                                         "the invoice's earlier late charges were counted.")
    amount_cut = fields.Monetary("Cut by the ceiling", help="What the rules asked above the legal ceiling: not "
                                                            "charged.")
    fee_move_id = fields.Many2one("account.move", "Fee invoice", readonly=True, ondelete="restrict")
    state = fields.Selection([("posted", "Posted"), ("waived", "Waived"), ("cancelled", "Cancelled")],
                             default="posted", required=True, index=True)
    waive_reason = fields.Char(readonly=True)
    waive_move_id = fields.Many2one("account.move", "Waiver credit note", readonly=True)
    waived_by_id = fields.Many2one("res.users", readonly=True)

    _period_uniq = models.Constraint(
        "UNIQUE(rule_id, move_id, date_from)", "This invoice was already charged by this rule for this period."
    )
    _once_uniq = models.UniqueIndex(
        "(rule_id, move_id) WHERE fee_type IN ('fixed', 'percent')",
        "A fixed or percentage fee is charged once per invoice.",
    )
    _positive = models.Constraint("CHECK(amount > 0)", "A fee must be positive.")

    @api.model_create_multi
    def create(self, vals_list):
        self._collection_check_create_vals(vals_list)
        return super().create(vals_list)

    @api.model
    def _post_charges(self, charges):
        """One posted fee invoice per charge; the fee row (unique key) is created before posting."""
        self = self.sudo()  # noqa: PLW0642 - fees are money: only the charge itself writes them
        fees = self.browse()
        for charge in charges:
            rule = self.env["collection.fee.rule"].browse(charge["rule_id"])
            move = self.env["account.move"].browse(charge["move_id"])
            customer = self.with_context(lang=move.partner_id.lang or self.env.lang).env  # a customer document
            vals = {
                "move_type": "out_invoice",
                "partner_id": move.partner_id.id,
                "company_id": move.company_id.id,
                "currency_id": charge["currency_id"],
                "invoice_date": charge["date_to"],
                "invoice_origin": move.name,
                "collection_charge_type": "fee",
                "ref": customer._("Late fee on %(invoice)s, %(start)s to %(end)s", invoice=move.name,
                                  start=format_date(customer, charge["date_from"]),
                                  end=format_date(customer, charge["date_to"])),
                "invoice_line_ids": [Command.create({
                    "product_id": rule.product_id.id,
                    "name": customer._("%(rule)s on %(invoice)s (%(days)s days)",
                                       rule=rule.with_env(customer).name, invoice=move.name, days=charge["days"]),
                    "quantity": 1,
                    "price_unit": charge["amount"],
                })],
            }
            if rule.journal_id:
                vals["journal_id"] = rule.journal_id.id
            fee_move = self.env["account.move"].with_company(move.company_id).create(vals)
            fee = self.create({**charge, "fee_move_id": fee_move.id})
            fee_move.action_post()
            fees |= fee
        return fees

    def action_waive(self):
        """Open the waiver dialog (managers): it asks why, then posts the credit note."""
        if not self._collection_is_manager():
            raise UserError(self.env._("Only a Collections Manager can waive a late fee."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Waive late fee"),
            "res_model": "collection.fee.waive.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_fee_ids": self.filtered(lambda f: f.state == "posted").ids},
        }

    def _waive(self, reason):
        """Managers: post the matching credit note, reconciled with the fee invoice, and record why."""
        if not self._collection_is_manager():
            raise UserError(self.env._("Only a Collections Manager can waive a late fee."))
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the fee is waived."))
        todo = self.filtered(lambda f: f.state == "posted")
        if not todo:
            raise UserError(self.env._("Only a posted late fee can be waived."))
        for fee in todo:
            # an unpaid fee invoice is cancelled by its credit note; a paid one keeps its payment and the
            # credit note stays as the customer's credit (unreconciling cash would reopen promises)
            reversal = fee.fee_move_id.sudo()._reverse_moves(
                [{"ref": self.env._("Waiver: %s", reason), "invoice_date": fields.Date.context_today(self)}],
                cancel=fee.fee_move_id.payment_state == "not_paid")
            if reversal.state == "draft":
                reversal.action_post()
            fee.sudo().write({"state": "waived", "waive_reason": reason, "waive_move_id": reversal.id,
                              "waived_by_id": self.env.user.id})
        return todo
