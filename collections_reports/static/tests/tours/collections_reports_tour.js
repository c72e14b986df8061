import { registry } from "@web/core/registry";

// A manager reads the recovery rate by stage and the payment-plan compliance from Collections > Reporting,
// then finds the Excel exports.
function reportingMenu(name) {
    return [
        {
            content: "Open Reporting",
            trigger: ".o_main_navbar .dropdown-toggle:contains('Reporting')",
            run: "click",
        },
        { content: `Open ${name}`, trigger: `.dropdown-menu .dropdown-item:contains('${name}')`, run: "click" },
    ];
}

registry.category("web_tour.tours").add("collections_reports_tour", {
    steps: () => [
        { content: "Open the apps menu", trigger: ".o_navbar_apps_menu button", run: "click" },
        {
            content: "Open the Collections app",
            trigger: ".o_app[data-menu-xmlid='collections_management.collections_management_menu_root']",
            run: "click",
        },
        ...reportingMenu("Recovery Rate"),
        {
            content: "The recovery pivot shows the stage the debtor entered, with its rate",
            trigger: ".o_pivot:contains('Extrajudicial'):contains('Recovery rate (%)')",
        },
        ...reportingMenu("Payment Plan Compliance"),
        {
            content: "The compliance pivot counts the installments kept",
            trigger: ".o_pivot:contains('Kept'):contains('Compliance (%)')",
        },
        {
            content: "Open Reporting",
            trigger: ".o_main_navbar .dropdown-toggle:contains('Reporting')",
            run: "click",
        },
        {
            content: "The Excel exports are listed",
            trigger: ".dropdown-menu:contains('Collector Performance (Excel)'):contains('Cases (Excel)')",
        },
    ],
});
