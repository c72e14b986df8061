import { registry } from "@web/core/registry";

// A manager restructures an active plan: Restructure, the new schedule for what is left, Activate.
registry.category("web_tour.tours").add("collections_restructure_tour", {
    steps: () => [
        {
            content: "Restructure the active plan",
            trigger: ".o_form_view button[name='action_restructure']",
            run: "click",
        },
        {
            content: "The new plan restructures the old one, for what is still unpaid",
            trigger: ".o_form_view .o_field_widget[name='restructured_from_id']",
        },
        {
            content: "600 of 900 still unpaid",
            trigger: ".o_form_view .o_field_widget[name='amount_total']:contains('600.00')",
        },
        {
            content: "The customer agreed: activate it",
            trigger: ".o_form_view button[name='action_activate']",
            run: "click",
        },
        {
            content: "The new plan is active",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Active')",
        },
    ],
});
