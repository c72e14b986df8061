import { registry } from "@web/core/registry";

// A manager opens the Dashboards app and picks the Collections dashboard: its headline figures, the aging
// chart, the stage funnel and the collections trend load without an error, with the collector filter.
registry.category("web_tour.tours").add("collections_dashboard_tour", {
    steps: () => [
        {
            content: "The Collections dashboard is listed under Finance",
            trigger: ".o_search_panel_category_value[data-name='Collections']",
            run: "click",
        },
        {
            content: "It is the open dashboard",
            trigger: ".o_search_panel_category_value.active[data-name='Collections']",
        },
        {
            content: "Its headline figures and charts are drawn",
            trigger: ".o_spreadsheet_dashboard_action .o-spreadsheet .o-figure",
            run() {
                const figures = document.querySelectorAll(".o_spreadsheet_dashboard_action .o-figure");
                // the eight headline figures at least (figures far below the fold may not be in the DOM)
                if (figures.length < 8) {
                    throw new Error(`only ${figures.length} figures drawn`);
                }
            },
        },
        {
            content: "No loading error",
            trigger: ".o_spreadsheet_dashboard_action:not(:has(.dashboard-loading-status.error))",
        },
        {
            content: "Open the dashboard's filters",
            trigger: ".o_sp_dashboard_search .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "It can be filtered by collector, segment and stage",
            trigger: ".o-dropdown--menu:contains('Collector'):contains('Segment'):contains('Stage')",
        },
    ],
});
