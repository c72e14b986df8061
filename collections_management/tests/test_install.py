from odoo.tests import tagged

from .common import CollectionsCommon

MODELS = [
    "collection.stage",
    "collection.case",
    "collection.case.stage.history",
    "collection.promise",
    "collection.dispute",
    "collection.legal.record",
]


@tagged("post_install", "-at_install")
class TestInstall(CollectionsCommon):
    def _visible_menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_default_stages_created_for_every_company(self):
        codes = [s.code for s in self.stages.sorted("day_from")]
        self.assertEqual(codes, ["preventive", "administrative", "extrajudicial", "judicial"])
        judicial = self.stage_by_code["judicial"]
        self.assertTrue(judicial.open_ended and judicial.is_legal and judicial.credit_hold)
        new_company = self.env["res.company"].create({"name": "Filial Chile"})
        self.assertEqual(len(self.env["collection.stage"].search([("company_id", "=", new_company.id)])), 4)

    def test_menus_by_role(self):
        root = self.env.ref("collections_management.collections_management_menu_root")
        config = self.env.ref("collections_management.collections_management_menu_config")
        my_cases = self.env.ref("collections_management.collection_case_menu_my")
        collector_menus = self._visible_menus(self.collector)
        manager_menus = self._visible_menus(self.manager)
        self.assertIn(root.id, collector_menus)
        self.assertIn(my_cases.id, collector_menus)
        self.assertNotIn(config.id, collector_menus, "configuration is for managers")
        self.assertIn(config.id, manager_menus)
        plain_user = self.env["res.users"].create({"name": "No Collections", "login": "nocol"})
        self.assertNotIn(root.id, self._visible_menus(plain_user))

    def test_access_rights_by_role(self):
        for model in MODELS:
            self.assertTrue(self.env[model].with_user(self.collector).has_access("read"), model)
            self.assertTrue(self.env[model].with_user(self.manager).has_access("read"), model)
        self.assertFalse(self.env["collection.stage"].with_user(self.collector).has_access("write"))
        self.assertTrue(self.env["collection.stage"].with_user(self.manager).has_access("create"))
        self.assertFalse(self.env["collection.case"].with_user(self.collector).has_access("unlink"))
        self.assertTrue(self.env["collection.promise"].with_user(self.collector).has_access("create"))

    def test_views_and_actions_load(self):
        for xmlid in (
            "collections_management.collection_case_action",
            "collections_management.collection_case_action_my",
            "collections_management.collection_stage_action",
        ):
            action = self.env.ref(xmlid)
            for user in (self.collector, self.manager):
                model = self.env[action.res_model].with_user(user)
                for view_type in action.view_mode.split(","):
                    arch = model.get_views([(False, view_type)])["views"][view_type]["arch"]
                    self.assertTrue(arch)


@tagged("post_install", "-at_install")
class TestTranslations(CollectionsCommon):
    def test_spanish_translation_covers_every_term(self):
        from odoo.tools.misc import file_path  # noqa: PLC0415
        from odoo.tools.translate import PoFileReader, TranslationModuleReader  # noqa: PLC0415

        for addon in ("collections_management", "collections_whatsapp", "collections_portal", "collections_reports"):
            # the terms as the code and data define them now, not as a possibly stale .pot says
            terms = {row[4] for row in TranslationModuleReader(self.env.cr, modules=[addon]) if row[4]}
            self.assertTrue(terms, addon)
            with open(file_path(f"{addon}/i18n/es.po"), "rb") as po_file:
                translated = {row["src"] for row in PoFileReader(po_file) if row["value"]}
            self.assertFalse(terms - translated, f"{addon}: terms without a Spanish translation")

    def test_default_records_named_in_every_installed_language(self):
        """A company working in es_419 sees its stages, strategy, steps and templates in Spanish."""
        self.env["res.lang"]._activate_lang("es_419")
        self.env["ir.module.module"]._load_module_terms(["collections_management"], ["es_419"])
        spanish = self.env["collection.stage"].with_context(lang="es_419").search(
            [("company_id", "=", self.company.id)])
        self.assertEqual(spanish.mapped("name"), ["Preventiva", "Administrativa", "Prejurídica", "Jurídica"],
                         "a language installed later names the existing defaults")
        new_company = self.env["res.company"].create({"name": "Cobranzas SAS"})
        stages = self.env["collection.stage"].with_context(lang="es_419").search(
            [("company_id", "=", new_company.id)])
        self.assertEqual(stages.mapped("name"), ["Preventiva", "Administrativa", "Prejurídica", "Jurídica"])
        self.assertEqual(stages.with_context(lang="en_US").mapped("name"),
                         ["Preventive", "Administrative", "Extrajudicial", "Judicial"])
        strategy = new_company.collection_strategy_id.with_context(lang="es_419")
        self.assertEqual(strategy.name, "Cobranza estándar")
        self.assertIn("Trasladar a cobro jurídico", strategy.step_ids.mapped("name"))
        template = self.env.ref("collections_management.mail_template_collection_administrative")
        self.assertIn("vencidas", template.with_context(lang="es_419").subject)
        # a stage the company renamed keeps its name
        stage = stages.filtered(lambda s: s.code == "judicial").with_context(lang="en_US")
        stage.name = "Lawyers"
        stage.with_context(lang="es_419").name = "Abogados"
        new_company._collection_translate_defaults(["es_419"])
        self.assertEqual(stage.with_context(lang="es_419").name, "Abogados", "not overwritten by the defaults")
        self.assertEqual(stages.filtered(lambda s: s.code == "preventive").name, "Preventiva")
