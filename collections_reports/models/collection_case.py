from datetime import timedelta

from odoo import fields, models


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
