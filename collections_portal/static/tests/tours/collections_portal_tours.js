import { registry } from "@web/core/registry";

// the promise form's date, five days ahead (inside the company's horizon)
function promiseDateStep(content) {
    return {
        content,
        trigger: ".o_collections_promise_form input[name='date']",
        run() {
            this.anchor.value = new Date(Date.now() + 5 * 86400000).toISOString().slice(0, 10);
        },
    };
}

// A customer opens the link of a reminder (no account), pays everything overdue with the demo
// provider, and lands back on the statement with a confirmation and nothing left overdue.
registry.category("web_tour.tours").add("collections_portal_pay_overdue_tour", {
    steps: () => [
        {
            content: "The statement shows the overdue invoices",
            trigger: ".o_collections_invoice[data-invoice]",
        },
        {
            content: "Pay everything overdue",
            trigger: "a.o_collections_pay_overdue",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Choose the demo payment method",
            trigger: "input[name='o_payment_radio'][data-provider-code='demo']",
            run: "click",
        },
        {
            content: "Card number",
            trigger: "input#customer_input",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: "button[name='o_payment_submit_button']:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back on the statement: the payment is thanked",
            trigger: ".o_collections_statement .alert-success:contains('Thank you for your payment')",
            timeout: 20000,
        },
        {
            content: "Nothing overdue any more",
            trigger: ".o_collections_statement:not(:has(a.o_collections_pay_overdue))",
        },
    ],
});

// A customer promises a payment and disputes an invoice from the statement (plain HTML forms).
registry.category("web_tour.tours").add("collections_portal_promise_dispute_tour", {
    steps: () => [
        promiseDateStep("A date inside the horizon"),
        {
            content: "Amount",
            trigger: ".o_collections_promise_form input[name='amount']",
            run: "edit 150",
        },
        {
            content: "Record the promise",
            trigger: ".o_collections_promise_form button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Promise recorded",
            trigger: ".alert-success:contains('promise to pay is recorded')",
        },
        {
            content: "Reason of the dispute",
            trigger: ".o_collections_dispute_form select[name='reason']",
            run: "select price",
        },
        {
            content: "Explain",
            trigger: ".o_collections_dispute_form textarea[name='description']",
            run: "edit The agreed price was lower",
        },
        {
            content: "Send the dispute",
            trigger: ".o_collections_dispute_form button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Dispute recorded, the invoice shows under review",
            trigger: ".alert-success:contains('Your dispute is recorded')",
        },
        {
            content: "The disputed invoice is marked",
            trigger: ".o_collections_invoice .badge:contains('Under review')",
        },
    ],
});

// A customer accepts the payment plan offered to them, then can pay its first installment.
registry.category("web_tour.tours").add("collections_portal_accept_plan_tour", {
    steps: () => [
        {
            content: "The plan offered, with its schedule",
            trigger: ".o_collections_plan:contains('Payment plan offered to you') tbody tr",
        },
        {
            content: "Sign with the full name",
            trigger: ".o_collections_plan_accept input[name='signer_name']",
            run: "edit Ana Pérez",
        },
        {
            content: "Tick the acceptance",
            trigger: ".o_collections_plan_accept input[name='accept']",
            run: "click",
        },
        {
            content: "Accept",
            trigger: ".o_collections_plan_accept button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Accepted and active",
            trigger: ".alert-success:contains('payment plan is accepted')",
        },
        {
            content: "The first installment can be paid right away",
            trigger: ".o_collections_plan a.o_collections_pay_installment",
        },
    ],
});

// A Latin-American customer promises "1.500.000" on the statement in Spanish: one and a half million, and a
// figure that is not an amount in their language is refused with an example, the form kept
registry.category("web_tour.tours").add("collections_portal_promise_in_spanish_tour", {
    steps: () => [
        {
            content: "The amount is shown as the customer writes it",
            trigger: ".o_collections_promise_form input[name='amount'][value='2.000.000,00']",
        },
        promiseDateStep("A date inside the horizon"),
        {
            content: "Typed the English way: refused, not shrunk",
            trigger: ".o_collections_promise_form input[name='amount']",
            run: "edit 1.5",
        },
        {
            content: "Record the promise",
            trigger: ".o_collections_promise_form button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The refusal shows the format to use",
            trigger: ".o_collections_promise_form:contains('1.500.000,00')",
        },
        promiseDateStep("A date inside the horizon, again"),
        {
            content: "One and a half million, as written in Bogotá",
            trigger: ".o_collections_promise_form input[name='amount']",
            run: "edit 1.500.000",
        },
        {
            content: "Record the promise",
            trigger: ".o_collections_promise_form button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Promise recorded",
            trigger: ".alert-success",
        },
    ],
});
