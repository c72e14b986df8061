from odoo import fields, models


class CollectionStepExecution(models.Model):
    _inherit = "collection.step.execution"

    channel = fields.Selection(selection_add=[("whatsapp", "WhatsApp template")], ondelete={"whatsapp": "cascade"})
    whatsapp_message_id = fields.Many2one("collection.whatsapp.message", readonly=True, ondelete="set null")

    def _collection_execute_whatsapp(self, executions):
        """Queue one template message per case (the execution is its unique key); the send cron sends it.

        A customer without a valid number, without opt-in or without an approved
        template is an error the collector sees on the step, never a crash.
        """
        results = {}
        Message = self.env["collection.whatsapp.message"]
        Template = self.env["collection.whatsapp.template"]
        queued = Message.search([("execution_id", "in", executions.ids)])
        done = {message.execution_id.id for message in queued}
        vals_list, todo = [], []
        for execution in executions:
            if execution.id in done:
                results[execution.id] = None  # queued by an earlier attempt: never twice
                continue
            case = execution.case_id
            partner = case.partner_id
            contact = (case._collection_billing_contacts() | partner).filtered(
                lambda p, case=case: p._collection_whatsapp_number(case.company_id))[:1]
            number = contact and contact._collection_whatsapp_number(case.company_id)
            if not number:
                results[execution.id] = self.env._("%s has no valid WhatsApp number.", partner.name)
                continue
            if partner.collection_whatsapp_consent != "in":
                results[execution.id] = self.env._("%s has not opted in to WhatsApp messages.", partner.name)
                continue
            template = execution.step_id.whatsapp_template_id
            if not template:
                lang = (partner.lang or "").split("_")[0]
                candidates = Template.search([("stage_id", "=", execution.stage_id.id), ("state", "=", "approved"),
                                              ("company_id", "=", case.company_id.id)])
                template = candidates.filtered(lambda t, lang=lang: t.lang.split("_")[0] == lang)[:1] or candidates[:1]
            if not template or template.state != "approved":
                results[execution.id] = self.env._("No approved WhatsApp template for stage %s.",
                                                   execution.stage_id.name)
                continue
            params = template._values_for(case)
            vals_list.append({
                "account_id": template.account_id.id, "partner_id": contact.id, "case_id": case.id,
                "mobile": number, "direction": "outbound", "state": "queued", "template_id": template.id,
                "params": params, "body": template._render(params), "execution_id": execution.id,
                "move_ids": [(6, 0, case._collection_overdue_moves().ids)],
            })
            todo.append(execution)
        messages = Message.create(vals_list)
        for execution, message in zip(todo, messages, strict=True):
            execution.whatsapp_message_id = message
            results[execution.id] = None
        if messages:
            self.env.ref("collections_whatsapp.ir_cron_whatsapp_send")._trigger()
        return results
