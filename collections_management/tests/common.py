from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import new_test_user


class CollectionsCommon(AccountTestInvoicingCommon):
    """Base class: a company with the default stages, a collector and a manager."""

    @classmethod
    def get_default_groups(cls):
        # The test's own user runs the engine and configures it: a manager.
        return super().get_default_groups() | cls.quick_ref(
            "collections_management.collections_management_group_manager"
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        # the tests describe the daily run in operation; the first-run review policy has its own test
        cls.env["res.company"].search([]).collection_catch_up_done = True
        cls.stages = cls.env["collection.stage"].search([("company_id", "=", cls.company.id)])
        cls.stage_by_code = {stage.code: stage for stage in cls.stages}
        cls.collector = new_test_user(
            cls.env, login="collector", name="Carla Collector",
            groups="collections_management.collections_management_group_collector",
            company_id=cls.company.id, company_ids=[cls.company.id],
        )
        cls.collector_2 = new_test_user(
            cls.env, login="collector2", name="Diego Collector",
            groups="collections_management.collections_management_group_collector",
            company_id=cls.company.id, company_ids=[cls.company.id],
        )
        cls.manager = new_test_user(
            cls.env, login="colmanager", name="Marta Manager",
            groups="collections_management.collections_management_group_manager",
            company_id=cls.company.id, company_ids=[cls.company.id],
        )

    TODAY = date(2026, 3, 16)  # a Monday

    def _invoice(self, partner, days_overdue, amount, post=True, company=None, currency=None, **kwargs):
        """A posted customer invoice due ``days_overdue`` days before TODAY (immediate term)."""
        due = self.TODAY - timedelta(days=days_overdue)
        company = company or self.company
        move = self.env["account.move"].with_company(company).create({
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "company_id": company.id,
            "invoice_date": due,
            "invoice_date_due": due,
            "currency_id": (currency or company.currency_id).id,
            "invoice_line_ids": [Command.create({
                "product_id": self.product_a.id, "quantity": 1, "price_unit": amount, "tax_ids": [],
            })],
            **kwargs,
        })
        # an explicit due date without payment term: the receivable line falls due on it
        move.invoice_payment_term_id = False
        move.invoice_date_due = due
        if post:
            move.action_post()
        return move

    def _invoice_due_on(self, partner, due, amount, day=None, currency=None):
        """A posted customer invoice due on ``due`` (a real date: for reports that age by the real today),
        invoiced and booked on ``day``, by default on its due date or today, whichever is earlier."""
        day = day or min(due, fields.Date.today())
        move = self.env["account.move"].create({
            "move_type": "out_invoice", "partner_id": partner.id, "invoice_date": day, "date": day,
            "invoice_date_due": due, **({"currency_id": currency.id} if currency else {}),
            "invoice_line_ids": [Command.create({"product_id": self.product_a.id, "price_unit": amount,
                                                 "tax_ids": []})]})
        move.invoice_payment_term_id = False
        move.invoice_date_due = due
        move.action_post()
        return move

    def _freeze_today(self):
        """Run the test on TODAY: validations that refuse past dates read the same day the books use."""
        frozen = freeze_time(self.TODAY)
        frozen.start()
        self.addCleanup(frozen.stop)

    def _register_payment(self, moves, amount, day=None):
        """A customer payment of ``amount`` on ``moves`` (one payment for all), as Register Payment does."""
        return self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=moves.ids).create(
            {"payment_date": day or self.TODAY, "amount": amount, "group_payment": True})._create_payments()

    def _refund(self, move, amount):
        """A posted credit note of ``amount`` reconciled with ``move``."""
        refund = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": move.partner_id.id, "invoice_date": self.TODAY,
            "invoice_line_ids": [Command.create({"product_id": self.product_a.id, "price_unit": amount,
                                                 "tax_ids": []})],
        })
        refund.action_post()
        (refund.line_ids | move.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled).reconcile()
        return refund

    def _run(self, today=None, **kwargs):
        return self.env["collection.engine"]._run(today=today or self.TODAY, **kwargs)

    def _case(self, partner, company=None):
        return self.env["collection.case"].search([
            ("partner_id", "=", partner.commercial_partner_id.id),
            ("company_id", "=", (company or self.company).id), ("state", "=", "open")])

    def assertMenuReachable(self, user, xmlid, reachable=True):
        """A menu shows in the UI only when it and all its ancestors are visible."""
        menu = self.env.ref(xmlid)
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        chain = menu
        while chain.parent_id:
            chain = chain.parent_id
            menu |= chain
        self.assertEqual(
            set(menu.ids) <= visible, reachable,
            f"menu {xmlid} should{'' if reachable else ' not'} be reachable for {user.login}",
        )
