import csv
import io
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

# what a bureau file row may contain, in the company's chosen order (labels: _bureau_column_labels)
BUREAU_COLUMNS = ("vat", "name", "country", "amount", "currency", "oldest_due_date", "days_overdue", "notice_date",
                  "report_date", "state", "withdrawal_date")
DEFAULT_LAYOUT = "vat,name,amount,currency,oldest_due_date,days_overdue,notice_date,report_date,state"


class CollectionBureauReport(models.Model):
    """A debt noticed to the debtor before it may be reported to a credit bureau, and what became of it.

    The notice opens the register entry (when and how it was given); the
    report is refused before the legal term has run; a reported debt that is
    paid must be withdrawn within the company's term, and the withdrawal is
    recorded. Amounts come from the ledger: what the covered invoices still owe.
    """

    _name = "collection.bureau.report"
    _description = "Credit-bureau register"
    _inherit = ["mail.thread", "collection.guard.mixin"]
    _order = "notice_date desc, id desc"
    _check_company_auto = True
    _collection_system_fields = ("state", "report_date", "reported_amount", "paid_date", "withdrawal_date",
                                 "notice_date", "earliest_report_date", "second_notice_date", "small_debt")

    case_id = fields.Many2one("collection.case", required=True, index=True, check_company=True, ondelete="restrict")
    partner_id = fields.Many2one(related="case_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many("account.move", string="Debts", check_company=True)
    notice_date = fields.Date(readonly=True, default=fields.Date.context_today)
    notice_channel = fields.Selection([("letter", "Letter"), ("email", "Email"), ("portal", "Portal"),
                                       ("whatsapp", "WhatsApp"), ("other", "Other")], required=True,
                                      default="email")
    notice_reference = fields.Char(help="How the notice can be proven: the email, the letter's delivery receipt…")
    second_notice_date = fields.Date(
        "Second notice", readonly=True, help="Small debts are reported only after two notices on different days (Ley 2157 de 2021).")
    small_debt = fields.Boolean(
        "Small debt", readonly=True, help="At most the company's share of the monthly minimum wage when noticed: two notices needed.")
    earliest_report_date = fields.Date("May be reported from", readonly=True)
    amount_open = fields.Monetary("Still owed", compute="_compute_amount_open")
    reported_amount = fields.Monetary(readonly=True)
    report_date = fields.Date(readonly=True)
    paid_date = fields.Date("Paid on", readonly=True)
    withdrawal_due_date = fields.Date("Withdraw by", compute="_compute_withdrawal_due_date", store=True)
    withdrawal_date = fields.Date(readonly=True)
    state = fields.Selection(
        [("noticed", "Noticed"), ("reported", "Reported"), ("to_withdraw", "Paid: to withdraw"),
         ("withdrawn", "Withdrawn"), ("closed", "Paid before reporting")],
        default="noticed", required=True, index=True, tracking=True)

    _one_open_per_case = models.UniqueIndex("(case_id) WHERE state IN ('noticed', 'reported', 'to_withdraw')",
                                            "A case has one open credit-bureau entry.")

    @api.depends("move_ids.amount_residual")
    def _compute_amount_open(self):
        for entry in self:
            entry.amount_open = sum(entry.move_ids.mapped("amount_residual_signed"))

    @api.depends("paid_date", "company_id.collection_bureau_withdraw_days")
    def _compute_withdrawal_due_date(self):
        for entry in self:
            entry.withdrawal_due_date = entry.paid_date and entry.paid_date + timedelta(
                days=entry.company_id.collection_bureau_withdraw_days)

    @api.model_create_multi
    def create(self, vals_list):
        self._collection_check_create_vals(vals_list)
        entries = super().create(vals_list)
        for entry in entries:
            if not entry.move_ids:
                # what is overdue and claimed (collection.overdue): never a debt not due yet, under a plan or
                # in review
                lines = self.env["collection.overdue"]._claimed_lines(
                    entry.partner_id, entry.company_id, fields.Date.context_today(self))
                entry.move_ids = self.env["account.move"].browse({move_id for _l, move_id, _a, _c in lines})
            if not entry.move_ids:
                raise UserError(self.env._("%s has no overdue debt to give notice of.", entry.partner_id.name))
            today = fields.Date.context_today(self)
            entry.sudo().write({"notice_date": today, "earliest_report_date": entry._collection_report_from(today),
                                "small_debt": entry._collection_is_small_debt()})
        return entries

    def _collection_report_from(self, notice_date):
        """The first day a debt noticed on ``notice_date`` may be reported: once the notice term has fully run.

        Ley 1266 de 2008 art. 12, as amended by Ley 2157 de 2021 art. 6: the report is made only after twenty
        calendar days following the notice; noticed on day 0, days 1 to 20 run the term, day 21 is the first
        day it may be reported.
        """
        self.ensure_one()
        return notice_date + timedelta(days=self.company_id.collection_bureau_notice_days + 1)

    def _collection_is_small_debt(self):
        """A debt of at most the company's share of the monthly minimum wage (Ley 2157 de 2021: 15 % of one
        SMMLV) is reported only after two notices on different days, the term running from the last one."""
        self.ensure_one()
        wage = self.company_id.collection_minimum_wage
        limit = wage * self.company_id.collection_bureau_small_debt_share / 100
        return bool(wage) and self.currency_id.compare_amounts(self.amount_open, limit) <= 0

    def action_second_notice(self):
        """Record the second notice a small debt needs (on another day than the first): the term runs again."""
        today = fields.Date.context_today(self)
        for entry in self:
            entry.check_access("write")
            if entry.state != "noticed" or not entry.small_debt:
                raise UserError(self.env._("Only a noticed small debt needs a second notice."))
            if entry.second_notice_date:
                raise UserError(self.env._("The second notice was given on %s.",
                                           format_date(self.env, entry.second_notice_date)))
            if today <= entry.notice_date:
                raise UserError(self.env._("The second notice is given on another day than the first (%s).",
                                           format_date(self.env, entry.notice_date)))
            entry.sudo().write({"second_notice_date": today, "earliest_report_date": entry._collection_report_from(
                today)})
        return True

    def action_report(self):
        """Record the report to the bureau: only after the notice term, and only of a debt still owed."""
        today = fields.Date.context_today(self)
        for entry in self:
            entry.check_access("write")
            if entry.state != "noticed":
                raise UserError(self.env._("Only a noticed debt can be reported."))
            if entry.small_debt and not entry.second_notice_date:
                raise UserError(self.env._(
                    "The debt of %(partner)s is small (at most %(share)s %% of the monthly minimum wage): it is "
                    "reported only after a second notice on another day (Ley 2157 de 2021).",
                    partner=entry.partner_id.name, share=entry.company_id.collection_bureau_small_debt_share))
            if today < entry.earliest_report_date:
                raise UserError(self.env._(
                    "%(partner)s was given notice on %(notice)s: the debt may be reported from %(date)s, not before.",
                    partner=entry.partner_id.name, notice=format_date(self.env, entry.notice_date),
                    date=format_date(self.env, entry.earliest_report_date)))
            if entry.currency_id.compare_amounts(entry.amount_open, 0) <= 0:
                raise UserError(self.env._("Nothing is owed any more: the debt cannot be reported."))
            entry.sudo().write({"state": "reported", "report_date": today, "reported_amount": entry.amount_open})
        return True

    def action_withdraw(self):
        """Record that the bureau was told the debt is paid."""
        for entry in self:
            entry.check_access("write")
            if entry.state != "to_withdraw":
                raise UserError(self.env._("Only a paid, reported debt is withdrawn."))
            entry.sudo().write({"state": "withdrawn", "withdrawal_date": fields.Date.context_today(self)})
        return True

    def _collection_paid_on(self):
        """The day the debt was paid: the date of the last payment on it (``collection.cash``), else of the last
        credit note or entry that settled it. The withdrawal term runs from it, not from the day it was seen."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(SQL(
            """
            SELECT GREATEST((SELECT MAX(cash.paid_on) FROM (%(cash)s) cash),
                            (SELECT MAX(apr.max_date) FROM account_partial_reconcile apr
                               JOIN account_move_line dl ON dl.id = apr.debit_move_id
                              WHERE dl.move_id = ANY(%(moves)s)))
            """, cash=self.env["collection.cash"]._of_moves_sql(SQL("SELECT unnest(%s::int[])", self.move_ids.ids)),
            moves=self.move_ids.ids))
        return self.env.cr.fetchone()[0] or fields.Date.context_today(self)

    def _collection_check_paid(self):
        """Reported debts paid: to withdraw (by the legal term); noticed debts paid: closed, never reported."""
        today = fields.Date.context_today(self)
        for entry in self.filtered(lambda e: e.state in ("noticed", "reported")):
            if entry.currency_id.compare_amounts(entry.amount_open, 0) > 0:
                continue
            entry.sudo().write({"paid_date": entry._collection_paid_on(),
                                "state": "to_withdraw" if entry.state == "reported" else "closed"})
            if entry.state == "to_withdraw":
                self.env["collection.activity"].sudo()._schedule_activities(
                    entry.case_id, self.env.ref("mail.mail_activity_data_todo"),
                    self.env._("Withdraw the credit-bureau report by %s", format_date(self.env, entry.withdrawal_due_date)),
                    today)

    @api.model
    def _cron_check_paid(self):
        self.sudo().search([("state", "in", ("noticed", "reported"))])._collection_check_paid()

    # ------------------------------------------------------------------ the bureau's file
    def _bureau_column_labels(self):
        return {"vat": self.env._("Tax id"), "name": self.env._("Name"), "country": self.env._("Country"), "amount": self.env._("Amount reported"),
                "currency": self.env._("Currency"), "oldest_due_date": self.env._("Oldest due date"), "days_overdue": self.env._("Days overdue"),
                "notice_date": self.env._("Notice date"), "report_date": self.env._("Report date"), "state": self.env._("State"),
                "withdrawal_date": self.env._("Withdrawal date")}

    def action_export_csv(self):
        """Download the selected entries as the bureau's file (the company's column layout)."""
        attachment = self.env["ir.attachment"].create({
            "name": f"credit_bureau_{fields.Date.context_today(self)}.csv", "raw": self._collection_csv(),
            "mimetype": "text/csv", "res_model": self._name, "res_id": self[:1].id})
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}

    def _collection_csv(self):
        """The entries as CSV in the company's configured column layout (header row included)."""
        company = self.company_id[:1] or self.env.company
        layout = company._collection_bureau_layout()
        states = dict(self._fields["state"]._description_selection(self.env))
        output = io.StringIO()
        writer = csv.writer(output, delimiter=",", lineterminator="\n")
        labels = self._bureau_column_labels()
        writer.writerow([labels[code] for code in layout])
        for entry in self:
            oldest = min(entry.move_ids.mapped("invoice_date_due") or [False]) or None
            values = {
                "vat": entry.partner_id.vat or "",
                "name": entry.partner_id.name,
                "country": entry.partner_id.country_id.code or "",
                # what is owed now: a partial payment after the report lowers it (the bureau must be told)
                "amount": f"{entry.amount_open:.2f}",
                "currency": entry.currency_id.name,
                "oldest_due_date": oldest.isoformat() if oldest else "",
                "days_overdue": str((fields.Date.context_today(self) - oldest).days) if oldest else "",
                "notice_date": entry.notice_date.isoformat() if entry.notice_date else "",
                "report_date": entry.report_date.isoformat() if entry.report_date else "",
                "state": states[entry.state],
                "withdrawal_date": entry.withdrawal_date.isoformat() if entry.withdrawal_date else "",
            }
            writer.writerow([values[code] for code in layout])
        return output.getvalue().encode("utf-8")
