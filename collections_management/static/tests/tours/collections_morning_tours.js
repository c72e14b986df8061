import { registry } from "@web/core/registry";

// The collector's and the manager's first morning, clicked as they would: open the app, land on their
// own first screen, open the top case, register a promise, propose a payment plan; the manager also
// previews a run of the collections and reads its result.

function openApp() {
    return [
        { content: "Open the apps menu", trigger: ".o_navbar_apps_menu button", run: "click" },
        {
            content: "Open the Collections app",
            trigger: ".o_app[data-menu-xmlid='collections_management.collections_management_menu_root']",
            run: "click",
        },
    ];
}

function promiseAndPlan() {
    return [
        {
            content: "The case form opens on the debtor",
            trigger: ".o_form_view .o_field_widget[name='partner_id']:contains('Morning Debtor SA')",
        },
        {
            content: "Register a promise",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Register promise')",
            run: "click",
        },
        {
            content: "The dialog is prefilled with the overdue amount",
            trigger: ".modal .o_field_widget[name='amount'] input:value(1,500.00)",
        },
        {
            content: "Say what the customer said",
            trigger: ".modal .o_field_widget[name='note'] textarea",
            run: "edit Will transfer after their own customers pay",
        },
        { content: "Save the promise", trigger: ".modal footer button[name='action_register']", run: "click" },
        {
            content: "The promise is logged on the case",
            trigger: ".o-mail-Message:contains('Promise to pay registered')",
        },
        {
            content: "Propose a payment plan",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Propose payment plan')",
            run: "click",
        },
        {
            content: "Three installments",
            trigger: ".o_form_view .o_field_widget[name='installment_count'] input",
            run: "edit 3",
        },
        {
            content: "The schedule is previewed",
            trigger: ".o_form_view .o_field_widget[name='line_ids'] .o_data_row:nth-child(3)",
        },
        { content: "Save the plan", trigger: ".o_form_view .o_form_button_save", run: "click" },
        {
            content: "Propose it to the customer",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_propose']",
            run: "click",
        },
        {
            content: "The plan waits for the customer",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Proposed')",
        },
    ];
}

registry.category("web_tour.tours").add("collections_collector_morning_tour", {
    steps: () => [
        ...openApp(),
        {
            content: "A collector lands on their worklist",
            trigger: ".o_kanban_view .o_kanban_record:contains('Morning Debtor SA')",
            run: "click",
        },
        ...promiseAndPlan(),
    ],
});

registry.category("web_tour.tours").add("collections_manager_morning_tour", {
    steps: () => [
        ...openApp(),
        {
            content: "A manager lands on every open case",
            trigger: ".o_list_view .o_data_row:contains('Morning Debtor SA') .o_data_cell[name='partner_id']",
            run: "click",
        },
        ...promiseAndPlan(),
        {
            content: "Open the Collections menu",
            trigger: ".o_menu_sections button:contains('Collections')",
            run: "click",
        },
        {
            content: "Run Collections Now",
            trigger: ".o-dropdown--menu .dropdown-item:contains('Run Collections Now')",
            run: "click",
        },
        {
            content: "A preview is the default",
            trigger: ".modal .o_field_widget[name='dry_run'] input:checked",
        },
        { content: "Run the preview", trigger: ".modal footer button[name='action_run']", run: "click" },
        {
            content: "The dialog says nothing was changed",
            trigger: ".modal .alert-info:contains('Preview')",
        },
        {
            content: "and lists what would happen, by debtor name",
            trigger: ".modal .o_field_widget[name='line_ids'] .o_data_row:contains('Second Debtor SRL')",
        },
    ],
});

// The manager ends the first run's review on a real company's old debts: reads what each placed debtor
// would receive, selects them all and starts collecting.
registry.category("web_tour.tours").add("collections_start_collecting_tour", {
    steps: () => [
        ...openApp(),
        {
            content: "Open the Collections menu",
            trigger: ".o_menu_sections button:contains('Collections')",
            run: "click",
        },
        {
            content: "Open the first run's review",
            trigger: ".o-dropdown--menu .dropdown-item:contains('First-run Review')",
            run: "click",
        },
        {
            content: "Each placed debtor says what it would receive",
            trigger: ".o_list_view .o_data_row:contains('Old Debtor SA') .o_data_cell[name='catch_up_next']:contains('Negotiation call on')",
        },
        {
            content: "and which steps are past",
            trigger: ".o_list_view .o_data_row:contains('Old Debtor SA') .o_data_cell[name='catch_up_backlog']:contains('Formal notice')",
        },
        {
            content: "Select every debtor",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Start collecting",
            trigger: ".o_control_panel button.o_collection_start_collecting",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal:contains('Start collecting?') footer .btn-primary",
            run: "click",
        },
        {
            content: "Nobody is left waiting",
            trigger: ".o_view_nocontent:contains('No debtor waiting for review')",
        },
    ],
});
