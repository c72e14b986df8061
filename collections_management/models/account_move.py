from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date


class AccountMove(models.Model):
    _inherit = "account.move"

    # Written by the daily engine from the open receivable lines (installment
    # aware: the worst open line decides). Pre-created in pre_init_hook.
    # the engine's per-invoice rows (see collection.case.move): not columns of account_move
    collection_link_ids = fields.One2many("collection.case.move", "move_id", "Collections", readonly=True)
    collection_stage_id = fields.Many2one(
        "collection.stage", "Collection stage", related="collection_link_ids.stage_id",
        help="Stage of the oldest open installment, as the daily run placed it.")
    collection_days_overdue = fields.Integer(
        "Days overdue", compute="_compute_collection_due_date",
        help="Days since the due date of the oldest open installment (0 when none is overdue).")
    collection_case_id = fields.Many2one("collection.case", "Collection case", related="collection_link_ids.case_id")
    collection_excluded = fields.Boolean(
        "Excluded from collections", copy=False, tracking=True,
        help="The engine tracks this invoice in totals but runs no step for it.",
    )
    collection_exclusion_reason = fields.Char("Exclusion reason", copy=False)
    collection_disputed = fields.Boolean(
        "Disputed", readonly=True, copy=False,
        help="An open dispute takes this invoice out of collections until resolved.",
    )
    # documents the suite itself issues: never charged interest on unless a rule compounds
    collection_charge_type = fields.Selection(
        [("fee", "Late fee"), ("interest", "Payment plan interest")], "Collections charge",
        readonly=True, copy=False, index="btree_not_null",
    )
    collection_offer_id = fields.Many2one(
        "collection.offer", "Settlement of offer", readonly=True, copy=False, index="btree_not_null")
    _collection_offer_uniq = models.UniqueIndex("(collection_offer_id) WHERE collection_offer_id IS NOT NULL",
                                                "An offer is settled by one entry.")
    collection_interest_plan_id = fields.Many2one(
        "collection.payment.plan", "Interest of payment plan", readonly=True, copy=False, index="btree_not_null")
    collection_plan_line_id = fields.Many2one(
        "collection.payment.plan.line", "Interest of installment", readonly=True, copy=False)

    _collection_plan_line_uniq = models.UniqueIndex(
        "(collection_plan_line_id) WHERE collection_plan_line_id IS NOT NULL",
        "An installment's interest is invoiced once.",
    )

    collection_due_date = fields.Date(
        "Collection due date", compute="_compute_collection_due_date",
        help="Due date of the oldest open installment: the date the days overdue count from.")
    collection_installment_count = fields.Integer(
        "Installments", compute="_compute_collection_due_date", help="Number of installments (payment term lines).")

    @api.depends("line_ids.date_maturity", "line_ids.amount_residual", "line_ids.display_type")
    @api.depends_context("collection_today")
    def _compute_collection_due_date(self):
        today = self.env["collection.case"]._collection_today()
        # saved invoices: their installments in one query (reminders list hundreds of invoices at once)
        stored = [move.id for move in self if isinstance(move.id, int)]
        terms_of = {}
        if stored:
            self.env["account.move.line"].flush_model(
                ["move_id", "display_type", "date_maturity", "amount_residual_currency", "currency_id"])
            self.env.cr.execute(SQL(
                """
                SELECT l.move_id, COUNT(*),
                       MIN(l.date_maturity) FILTER (WHERE ROUND(l.amount_residual_currency, cur.decimal_places) != 0),
                       MIN(l.date_maturity),
                       BOOL_OR(ROUND(l.amount_residual_currency, cur.decimal_places) != 0)
                  FROM account_move_line l
                  JOIN res_currency cur ON cur.id = l.currency_id
                 WHERE l.move_id = ANY(%s) AND l.display_type = 'payment_term'
                 GROUP BY l.move_id
                """, stored))
            terms_of = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for move in self:
            if isinstance(move.id, int):
                count, open_date, any_date, has_open = terms_of.get(move.id, (0, None, None, False))
            else:
                terms = move.line_ids.filtered(lambda line: line.display_type == "payment_term")
                open_terms = terms.filtered(lambda line: not line.currency_id.is_zero(line.amount_residual_currency))
                dates = [line.date_maturity for line in open_terms if line.date_maturity]
                count, open_date, has_open = len(terms), min(dates) if dates else None, bool(open_terms)
                any_dates = [line.date_maturity for line in terms if line.date_maturity]
                any_date = min(any_dates) if any_dates else None
            move.collection_due_date = (open_date if has_open else any_date) or move.invoice_date_due
            move.collection_installment_count = count
            # negative before the due date (as the stages count), computed from the date: nothing stored per day
            move.collection_days_overdue = (today - move.collection_due_date).days \
                if has_open and move.collection_due_date else 0

    def _collection_active_plans(self):
        """{move id: active plan id} for invoices covered by, or interest of, an active payment plan."""
        ids = [i for i in self.ids if isinstance(i, int)]
        if not ids:
            return {}
        self.env["collection.payment.plan"].flush_model()
        self.env.cr.execute(SQL(
            """
            SELECT r.move_id, p.id FROM collection_payment_plan_move_rel r
              JOIN collection_payment_plan p ON p.id = r.plan_id AND p.state = 'active'
             WHERE r.move_id = ANY(%(ids)s)
             UNION ALL
            SELECT m.id, m.collection_interest_plan_id FROM account_move m
              JOIN collection_payment_plan p ON p.id = m.collection_interest_plan_id AND p.state = 'active'
             WHERE m.id = ANY(%(ids)s)
            """, ids=ids))
        return dict(self.env.cr.fetchall())

    def _collection_not_actionable(self):
        """Invoices that are owed but must not be dunned or charged: disputed, excluded, or under a plan
        (``collection.overdue._on_hold``: the rule and its SQL form live there)."""
        return self.env["collection.overdue"]._on_hold(self)

    @api.constrains("collection_excluded", "collection_exclusion_reason")
    def _check_collection_exclusion_reason(self):
        for move in self:
            if move.collection_excluded and not (move.collection_exclusion_reason or "").strip():
                raise ValidationError(self.env._("Excluding %s from collections needs a reason.", move.display_name))

    def _post(self, soft=True):
        self._collection_check_credit_hold()
        posted = super()._post(soft=soft)
        # a new debt (or a credit note) changes the debtor's case: the refresh cron updates it
        posted._collection_enqueue_refresh()
        return posted

    def write(self, vals):
        # an entry leaving "posted" (reset to draft or cancelled by Odoo's own buttons) leaves the debt
        leaving = self.filtered(lambda m: m.state == "posted") if vals.get("state") in ("draft", "cancel") \
            else self.browse()
        res = super().write(vals)
        if "collection_excluded" in vals and not self.env.context.get("collection_no_followup_sync"):
            # Odoo's own follow-up agrees with the suite: an invoice excluded here is out of it too
            invoices = self.filtered(lambda m: m.is_sale_document(include_receipts=True)
                                     and m.no_followup != bool(vals["collection_excluded"]))
            invoices.with_context(collection_no_followup_sync=True).write(
                {"no_followup": bool(vals["collection_excluded"])})
        if "collection_excluded" in vals or "collection_disputed" in vals:
            self._collection_enqueue_refresh()
        elif leaving:
            leaving._collection_enqueue_refresh()
        return res

    def _collection_enqueue_refresh(self):
        """Queue the debtors of these entries' receivable lines for the refresh cron (see the daily run)."""
        lines = self.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        if lines:
            self.env.flush_all()
            self.env["collection.refresh.request"].sudo()._enqueue_lines(lines.ids)

    def _collection_check_credit_hold(self):
        """Refuse to post customer invoices for debtors on credit hold, unless a Collections Manager posts."""
        if self.env.user.has_group("collections_management.collections_management_group_manager"):
            return
        # late fees and plan interest are part of collecting the debt, not new credit
        held = self.filtered(lambda m: m.move_type == "out_invoice" and not m.collection_charge_type
                             and m.company_id.collection_block_held_invoices
                             and m.commercial_partner_id.collection_credit_hold)
        if held:
            partner = held[:1].commercial_partner_id
            raise UserError(self.env._(
                "%(partner)s is on credit hold since %(date)s: new invoices are blocked. "
                "A Collections Manager can post it or lift the hold.",
                partner=partner.name, date=format_date(self.env, partner.collection_credit_hold_date) or "-"))

    def _collection_sync_disputed(self):
        """collection_disputed is true exactly while the invoice has an open dispute."""
        open_moves = set(self.env["collection.dispute"].sudo().search(
            [("move_id", "in", self.ids), ("state", "=", "open")]).move_id.ids)
        for disputed in (True, False):
            moves = self.filtered(lambda m, d=disputed: (m.id in open_moves) == d and m.collection_disputed != d)
            if moves:
                moves.sudo().write({"collection_disputed": disputed})
