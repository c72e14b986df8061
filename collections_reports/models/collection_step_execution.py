from odoo import fields, models


class CollectionStepExecution(models.Model):
    _inherit = "collection.step.execution"

    channel = fields.Selection(selection_add=[("bureau_notice", "Credit-bureau notice")],
                               ondelete={"bureau_notice": "cascade"})

    def _collection_execute_bureau_notice(self, executions):
        """Give the notice by email and open the register entry (the report may follow after the term)."""
        results = {}
        Register = self.env["collection.bureau.report"].sudo()
        template = self.env.ref("collections_reports.mail_template_collection_bureau_notice")
        for execution in executions:
            case = execution.case_id
            if Register.search_count([("case_id", "=", case.id),
                                      ("state", "in", ("noticed", "reported", "to_withdraw"))], limit=1):
                results[execution.id] = None  # already noticed: never twice
                continue
            if not case._collection_billing_contacts().filtered("email"):
                results[execution.id] = self.env._("%s has no email address to give the notice to.",
                                                   case.partner_id.name)
                continue
            if not case._collection_overdue_moves():
                results[execution.id] = self.env._("%s has no overdue debt to give notice of.", case.partner_id.name)
                continue
            entry = Register.create({"case_id": case.id, "notice_channel": "email"})
            message = entry.message_post_with_source(template, message_type="comment", subtype_xmlid="mail.mt_comment")
            entry.notice_reference = self.env._("Email %s", message.id) if message else False
            results[execution.id] = None
        return results

    def _collection_letter_report(self):
        return self.stage_id.sudo().letter_report_id or super()._collection_letter_report()
