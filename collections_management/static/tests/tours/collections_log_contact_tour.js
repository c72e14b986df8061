import { registry } from "@web/core/registry";

// A collector logs a call from the worklist: Log contact, the outcome (typed), a note, Save & next case.
registry.category("web_tour.tours").add("collections_log_contact_tour", {
    steps: () => [
        {
            content: "Click 1: Log contact on the first case of the worklist",
            trigger: ".o_kanban_record:contains('Primero SA') button[name='action_log_contact']",
            run: "click",
        },
        {
            content: "The dialog shows the phone and the call script",
            trigger: ".modal .o_field_widget[name='phone'] a[href^='tel:']",
        },
        {
            content: "The call script speaks of this debtor",
            trigger: ".modal .o_field_widget[name='script_html']:contains('Primero SA')",
        },
        {
            content: "Type the outcome",
            trigger: ".modal .o_field_widget[name='outcome_id'] input",
            run: "edit Promise to pay",
        },
        {
            content: "Pick it with the keyboard",
            trigger: ".o-autocomplete--dropdown-item:contains('Promise to pay')",
            run: "press Enter",
        },
        {
            content: "The promise's date and amount are already filled in",
            trigger: ".modal .o_field_widget[name='promise_amount'] input:value()",
        },
        {
            content: "Type what the customer said",
            trigger: ".modal .o_field_widget[name='note'] textarea",
            run: "edit Paga el viernes",
        },
        {
            content: "Click 2: Save & next case",
            trigger: ".modal footer button[name='action_save_and_next']",
            run: "click",
        },
        {
            content: "The next case of the worklist opens in the same dialog",
            trigger: ".modal .o_field_widget[name='partner_id']:contains('Segundo SRL')",
        },
        {
            content: "Close it",
            trigger: ".modal footer button[special='cancel']",
            run: "click",
        },
        {
            content: "Back on the worklist",
            trigger: ".o_kanban_view:not(:has(.modal))",
        },
    ],
});
