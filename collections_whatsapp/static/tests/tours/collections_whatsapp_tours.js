import { registry } from "@web/core/registry";

// A collector answers a customer from the WhatsApp inbox: Reply, type, Send.
registry.category("web_tour.tours").add("collections_whatsapp_inbox_reply_tour", {
    steps: () => [
        {
            content: "The customer's message is in the inbox, read as a question for a collector",
            trigger: ".o_list_view .o_data_row:contains('¿me pueden mandar la factura') .o_data_cell[name='intent']:contains('Other')",
        },
        {
            content: "Reply to it",
            trigger: ".o_list_view .o_data_row:contains('¿me pueden mandar la factura') button[name='action_reply']",
            run: "click",
        },
        {
            content: "Write the answer",
            trigger: ".modal .o_collection_whatsapp_reply_body textarea",
            run: "edit Claro, se la enviamos por correo hoy.",
        },
        {
            content: "Send it",
            trigger: ".modal button[name='action_send']",
            run: "click",
        },
        {
            content: "The answer is queued",
            trigger: ".o_notification:contains('Answer queued for')",
        },
    ],
});
