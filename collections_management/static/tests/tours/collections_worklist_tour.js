import { registry } from "@web/core/registry";

// A collector opens the Collections app, finds their case on the worklist and
// opens it: proves the app, its menus, the kanban worklist and the form load in
// a real browser for the least-privileged role.
registry.category("web_tour.tours").add("collections_worklist_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Collections app",
            trigger: ".o_app[data-menu-xmlid='collections_management.collections_management_menu_root']",
            run: "click",
        },
        {
            content: "The worklist shows my case",
            trigger: ".o_kanban_record:contains('Tour Debtor SA')",
            run: "click",
        },
        {
            content: "The case form opens on the debtor",
            trigger: ".o_form_view .o_field_widget[name='partner_id']:contains('Tour Debtor SA')",
        },
        {
            content: "The status bar shows the case's stage",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Administrative')",
        },
    ],
});
