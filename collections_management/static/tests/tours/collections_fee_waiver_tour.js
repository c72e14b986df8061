import { registry } from "@web/core/registry";

// A manager opens a late fee from the Late Fees list and waives it from its form,
// giving the reason in the dialog: the credit note is posted and the fee shows Waived.
registry.category("web_tour.tours").add("collections_fee_waiver_tour", {
    steps: () => [
        {
            content: "Open the fee charged on the tour invoice",
            trigger: ".o_list_view .o_data_row:contains('Tour Debtor Fees SA') .o_data_cell[name='partner_id']",
            run: "click",
        },
        {
            content: "Waive it from its form",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_waive']",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name='reason'] input",
            run: "edit Goodwill after a delivery problem",
        },
        {
            content: "Confirm the waiver",
            trigger: ".modal footer button[name='action_waive']",
            run: "click",
        },
        {
            content: "The fee is waived",
            trigger: ".o_list_view .o_data_row .o_data_cell[name='state']:contains('Waived')",
        },
    ],
});
