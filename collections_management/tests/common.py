from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


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
