import { registry } from "@web/core/registry";

// A collector makes a settlement offer from a case: Make an offer, a discount, Make the offer.
registry.category("web_tour.tours").add("collections_offer_tour", {
    steps: () => [
        {
            content: "Make an offer from the case",
            trigger: ".o_form_view button[name='action_make_offer']",
            run: "click",
        },
        {
            content: "The offer covers the overdue invoice",
            trigger: ".o_form_view .o_field_widget[name='case_id'] input",
        },
        {
            content: "Give 10 % off",
            trigger: ".o_form_view .o_field_widget[name='discount_percent'] input",
            run: "edit 10",
        },
        {
            content: "Make the offer",
            trigger: ".o_form_view button[name='action_confirm']",
            run: "click",
        },
        {
            content: "It is offered, with the amount to pay",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Offered')",
        },
        {
            content: "900 to pay instead of 1,000",
            trigger: ".o_form_view .o_field_widget[name='amount_to_pay']:contains('900.00')",
        },
    ],
});
