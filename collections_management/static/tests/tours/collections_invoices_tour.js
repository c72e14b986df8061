import { registry } from "@web/core/registry";

// A collector opens Collections > Invoices: their cases' invoices, grouped by stage, and only theirs.
registry.category("web_tour.tours").add("collections_invoices_list_tour", {
    steps: () => [
        {
            content: "Invoices are grouped by their stage",
            trigger: ".o_list_view .o_group_header:contains('Administrative')",
            run: "click",
        },
        {
            content: "The collector's debtor is there, with the invoice's days late",
            trigger: ".o_list_view .o_data_row:contains('Morning Debtor SA') .o_data_cell[name='days_overdue']",
        },
        {
            content: "Another collector's debtor is not",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Not Mine SA')))",
        },
    ],
});
