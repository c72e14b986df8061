import logging
import uuid
from collections import defaultdict

from lxml import html
from markupsafe import Markup

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.tools import SQL

from .collection_strategy_step import CHANNELS

_logger = logging.getLogger(__name__)

MAX_RETRIES = 3


class CollectionStepExecution(models.Model):
    """A strategy step claimed for a case's stage entry: the unique side-effect key.

    Rows are inserted with ``ON CONFLICT DO NOTHING`` so that two runs, or two
    workers, can never act twice on the same (case, stage entry, step).
    """

    _name = "collection.step.execution"
    _description = "Collection Step Execution"
    _order = "id desc"

    case_id = fields.Many2one("collection.case", required=True, index=True, ondelete="cascade", readonly=True)
    partner_id = fields.Many2one(related="case_id.partner_id", store=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True)
    user_id = fields.Many2one(related="case_id.user_id", string="Collector")
    stage_history_id = fields.Many2one("collection.case.stage.history", "Stage entry", required=True,
                                       ondelete="cascade", readonly=True)
    stage_id = fields.Many2one(related="stage_history_id.stage_to_id", string="Stage")
    step_id = fields.Many2one("collection.strategy.step", required=True, ondelete="cascade", readonly=True)
    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done"), ("failed", "Failed"), ("skipped", "Skipped"),
         ("cancelled", "Cancelled")],
        default="pending", required=True, index=True, readonly=True,
    )
    error = fields.Text(readonly=True)
    retry_count = fields.Integer(readonly=True)
    date_done = fields.Datetime(readonly=True)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null",
                                  help="Call or visit scheduled for the collector; its outcome is logged on it.")
    mail_message_id = fields.Many2one("mail.message", readonly=True, ondelete="set null")
    attachment_id = fields.Many2one("ir.attachment", "Letter", readonly=True, ondelete="set null")
    legal_record_id = fields.Many2one("collection.legal.record", readonly=True, ondelete="set null")
    letter_state = fields.Selection(
        [("to_render", "To render"), ("to_print", "To print"), ("printed", "Printed")],
        readonly=True, index="btree_not_null",
        help="Letters are rendered by their own cron (PDF rendering is slow), then queued for printing.",
    )

    _step_once_per_entry = models.Constraint(
        "UNIQUE(case_id, stage_history_id, step_id)",
        "A step runs once per case and stage entry.",
    )

    def action_retry(self):
        """Managers: put failed executions back in the queue of the next run."""
        self.filtered(lambda e: e.state == "failed").write({"state": "pending", "retry_count": 0})

    def action_mark_printed(self):
        self.filtered(lambda e: e.letter_state == "to_print").write({"letter_state": "printed"})

    # ------------------------------------------------------------------ acting on channels
    def _execute(self, executions, summary=None):
        """Act on claimed executions, channel by channel, in bulk.

        Each channel is a method ``_collection_execute_<channel>(executions)``
        returning ``{execution_id: error or None}``; an error marks the row
        failed (retried by the next runs, up to MAX_RETRIES), never lost.
        """
        summary = summary if summary is not None else {}
        for channel in set(executions.mapped("channel")):
            batch = executions.filtered(lambda e, channel=channel: e.channel == channel)
            method = getattr(self, f"_collection_execute_{channel}", None)
            if method is None:
                results = dict.fromkeys(batch.ids, self.env._("No handler is installed for channel %s.", channel))
            else:
                try:
                    with self.env.cr.savepoint():
                        results = method(batch)
                except Exception as exc:  # noqa: BLE001 - a channel failure must not stop the run
                    _logger.exception("collections: channel %s failed", channel)
                    results = dict.fromkeys(batch.ids, str(exc))
            done = batch.filtered(lambda e, results=results: not results.get(e.id))
            failed = batch - done
            if done:
                # one statement for the batch (thousands of hand-overs on a first run); a legal step is linked
                # to the legal record of its stage entry
                self.env.flush_all()
                self.env.cr.execute(SQL(
                    """
                    UPDATE collection_step_execution e
                       SET state = 'done', date_done = %(now)s, error = NULL, write_date = %(now)s,
                           write_uid = %(uid)s,
                           legal_record_id = CASE WHEN e.channel = 'legal'
                               THEN (SELECT r.id FROM collection_legal_record r
                                      WHERE r.stage_history_id = e.stage_history_id)
                               ELSE e.legal_record_id END
                     WHERE e.id = ANY(%(ids)s)
                    """, now=fields.Datetime.now(), uid=self.env.uid, ids=done.ids))
                done.invalidate_recordset(["state", "date_done", "error", "legal_record_id", "write_date",
                                           "write_uid"])
                # what reached the customer is in their contact log, once per execution
                self.env["collection.interaction"]._collection_log([{
                    "case_id": execution.case_id.id, "channel": execution.channel, "direction": "outbound",
                    "outcome": "sent", "note": execution.step_id.name, "user_id": execution.case_id.user_id.id,
                    "source_ref": f"collection.step.execution,{execution.id}",
                } for execution in done if execution.channel in ("email", "sms", "letter")])
            for execution in failed:
                execution.write({
                    "state": "failed",
                    "error": results[execution.id],
                    "retry_count": execution.retry_count + 1,
                })
            summary["executions_done"] = summary.get("executions_done", 0) + len(done)
            summary["executions_failed"] = summary.get("executions_failed", 0) + len(failed)

    def _collection_execute_email(self, executions):
        """One combined email per case, with the step's (or the stage's) template, to the billing contacts.

        Rendered in bulk (one QWeb compilation per template and language, see
        ``_collection_render_bodies``) and queued in bulk the way Odoo's mass
        mailing does it: a ``mail.mail`` per case whose message lives in the
        case's chatter, and one email notification per recipient. The mail
        queue cron sends them.
        """
        results, ready = {}, defaultdict(lambda: self.browse())
        contacts = {}
        for execution in executions:
            case = execution.case_id
            # the template of the stage the step was claimed for, never the one the case has moved to since
            template = execution.step_id.mail_template_id or execution.stage_id.mail_template_id
            recipients = contacts.setdefault(case.id, case._collection_billing_contacts().filtered("email"))
            if not template:
                results[execution.id] = self.env._("No email template for stage %s.", case.stage_id.name)
            elif not recipients:
                results[execution.id] = self.env._(
                    "%(partner)s has no billing contact with an email address.", partner=case.partner_id.name)
            else:
                ready[template] |= execution
        # the daily run (OdooBot) writes in the company's name; a person who sends by hand, in their own
        author_of = (lambda case: case.company_id.partner_id) if self.env.uid == SUPERUSER_ID else (
            lambda case: self.env.user.partner_id)
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        for template, group in ready.items():
            case_ids = list(dict.fromkeys(group.case_id.ids))
            subjects = template._render_field("subject", case_ids, compute_lang=True)
            senders = template._render_field("email_from", case_ids, compute_lang=True)
            bodies = self._collection_render_bodies(template, case_ids)
            vals_list = [{
                "model": "collection.case",
                "res_id": execution.case_id.id,
                "record_name": execution.case_id.display_name,
                "message_type": "comment",
                "subtype_id": subtype_id,
                "author_id": author_of(execution.case_id).id,
                "email_from": senders.get(execution.case_id.id) or author_of(execution.case_id).email_formatted,
                "subject": subjects.get(execution.case_id.id),
                "body": bodies[execution.case_id.id],
                "body_html": bodies[execution.case_id.id],
                "partner_ids": [Command.set(contacts[execution.case_id.id].ids)],
                "recipient_ids": [Command.set(contacts[execution.case_id.id].ids)],
                "auto_delete": template.auto_delete,
                "is_notification": True,
                "mail_server_id": template.mail_server_id.id,
                "reply_to": False,
                "state": "outgoing",
            } for execution in group]
            mails = self.env["mail.mail"].sudo().create(vals_list)
            self.env["mail.notification"].sudo().create([
                values | {"res_partner_id": partner.id}
                for mail, values in zip(mails, mails._get_notification_values(), strict=True)
                for partner in mail.recipient_ids
            ])
            self.env.cr.execute(SQL(
                "UPDATE collection_step_execution e SET mail_message_id = v.mid FROM (VALUES %s) AS v(id, mid)"
                " WHERE e.id = v.id",
                SQL(", ").join(SQL("(%s, %s)", execution.id, mail.mail_message_id.id)
                               for execution, mail in zip(group, mails, strict=True))))
            group.invalidate_recordset(["mail_message_id"])
            results.update(dict.fromkeys(group.ids))
        if ready:
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return results

    def _collection_render_bodies(self, template, case_ids):
        """``{case id: rendered body_html}``, compiling the template's QWeb once per language.

        ``mail.template`` compiles its body again for every record (about 5 ms
        each); here the body is wrapped in a loop over the cases and rendered
        in one call per language, then cut at a marker. The values are those of
        ``mail.template`` (its evaluation context, ``object``, local links made
        absolute).
        """
        marker = Markup("<!--collection-body-%s-->") % uuid.uuid4().hex
        self.env["collection.case"].browse(case_ids)._collection_prepare_portal_links()
        moves = self.env["collection.case"].browse(case_ids).move_ids
        skip_ids = frozenset(moves._collection_not_actionable().ids)
        result = {}
        for translated, ids in template._classify_per_lang(case_ids).values():
            source = translated.body_html or ""
            wrapped = html.fragment_fromstring(
                f'<t t-foreach="collection_cases" t-as="object"><t t-out="collection_marker"/>{source}</t>',
                create_parent="div")
            values = translated._render_eval_context()
            cases = translated.env["collection.case"].with_context(collection_not_actionable_ids=skip_ids).browse(ids)
            values.update(collection_cases=cases, collection_marker=marker)
            rendered = translated.env["ir.qweb"]._render(wrapped, values)
            # drop the <div> wrapper, then cut at the markers: one piece per case, in order
            pieces = str(rendered)[5:-6].split(str(marker))[1:]
            result.update(zip(ids, [Markup(piece) for piece in pieces], strict=True))
        return template._render_template_postprocess("collection.case", result)

    def _collection_execute_sms(self, executions):
        results = {}
        executions.case_id._collection_prepare_portal_links()
        for execution in executions:
            case = execution.case_id
            recipients = case._collection_billing_contacts().filtered("phone")
            if not recipients:
                results[execution.id] = self.env._(
                    "%(partner)s has no billing contact with a phone number.", partner=case.partner_id.name)
                continue
            body = execution.step_id.sms_template_id._render_field("body", case.ids, compute_lang=True)[case.id]
            message = case._message_sms(body, partner_ids=recipients.ids)
            execution.mail_message_id = message[:1]
            results[execution.id] = None
        return results

    def _collection_execute_letter(self, executions):
        """Queue the collection letter: the letters cron renders it into a PDF attached to the case."""
        executions.write({"letter_state": "to_render"})
        self.env.ref("collections_management.ir_cron_collection_letters")._trigger()
        return dict.fromkeys(executions.ids)

    @api.model
    def _cron_render_letters(self, batch_size=20):
        """Render queued letters in small committed batches (about a second each with wkhtmltopdf)."""
        self = self.with_context(lang=self.env["res.lang"]._collection_database_lang())  # noqa: PLW0642
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        while True:
            todo = self.search([("letter_state", "=", "to_render")], limit=batch_size, order="id")
            if not todo:
                break
            for execution in todo:
                case = execution.case_id
                report = execution._collection_letter_report()
                pdf, _type = report._render_qweb_pdf(report.report_name, case.ids)
                execution.write({
                    "letter_state": "to_print",
                    "attachment_id": self.env["ir.attachment"].create({
                        "name": self.env._("Letter %(case)s %(stage)s.pdf", case=case.name, stage=execution.stage_id.name),
                        "raw": pdf,
                        "res_model": "collection.case",
                        "res_id": case.id,
                        "mimetype": "application/pdf",
                    }).id,
                })
            if in_cron:
                remaining = self.search_count([("letter_state", "=", "to_render")])
                if self.env["ir.cron"]._commit_progress(len(todo), remaining=remaining) <= 0:
                    break
            elif len(todo) < batch_size:
                break

    def _collection_letter_report(self):
        """The letter this execution prints (collections_reports gives each stage its own)."""
        return self.env.ref("collections_management.collection_case_letter_report")

    def _collection_execute_call(self, executions, default_type="mail.mail_activity_data_call"):
        """A mail.activity per case for its collector, with the step's script as note."""
        activities = self.env["collection.activity"]
        today = fields.Date.context_today(self)
        for step, group in executions.grouped("step_id").items():
            activity_type = step.activity_type_id or self.env.ref(default_type)
            created = activities._schedule_activities(group.case_id, activity_type, step.name, today, note=step.note)
            by_case = {a.res_id: a for a in created}
            for execution in group:
                execution.activity_id = by_case.get(execution.case_id.id)
        return dict.fromkeys(executions.ids)

    def _collection_execute_visit(self, executions):
        return self._collection_execute_call(executions, default_type="mail.mail_activity_data_meeting")

    def _collection_execute_fee(self, executions):
        """Charge the company's late fee rules on the cases' overdue invoices (idempotent per period)."""
        self.env["collection.fee.rule"]._charge_cases(executions.case_id)
        return dict.fromkeys(executions.ids)

    def _collection_execute_legal(self, executions):
        """Hand the case to legal: a legal record for the stage entry (at most once) and a task."""
        self.env["collection.legal.record"]._open_for_entries(executions.stage_history_id)
        return dict.fromkeys(executions.ids)  # linked to its record when marked done (see _execute)
