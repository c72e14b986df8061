from odoo import api, fields, models

# above this many debtors, "Run now" hands the work to the cron; a preview looks at this many at most
RUN_NOW_LIMIT = 2000


class CollectionRunWizard(models.TransientModel):
    """Run the daily engine now, or preview it (dry run) without changing anything."""

    _name = "collection.run.wizard"
    _description = "Run the collections engine"

    dry_run = fields.Boolean("Dry run (preview only)", default=True)
    company_ids = fields.Many2many("res.company", string="Companies", default=lambda self: self.env.companies)
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    result = fields.Text(readonly=True)
    line_ids = fields.One2many("collection.run.wizard.line", "wizard_id", readonly=True)
    case_ids = fields.Many2many("collection.case", string="Cases touched", readonly=True)
    last_run_id = fields.Many2one("collection.run", "Last daily run", readonly=True,
                                  default=lambda self: self.env["collection.run"].search([], limit=1))
    last_run_state = fields.Selection(related="last_run_id.state", string="Its state")
    last_run_date = fields.Date(related="last_run_id.date", string="Day")
    last_run_debtors = fields.Integer(related="last_run_id.debtors", string="Debtors examined")
    last_run_stage_changes = fields.Integer(related="last_run_id.stage_changes", string="Stage changes")
    last_run_executions = fields.Integer(related="last_run_id.executions_done", string="Steps done")
    last_run_failed = fields.Integer(related="last_run_id.executions_failed", string="Steps failed")
    more_details = fields.Integer(readonly=True)
    handed_over = fields.Boolean(readonly=True)

    @api.model
    def _action_open(self):
        """Run Collections Now: the dialog for a manager; for anyone else who reaches it (a bookmarked URL),
        a clear word that it is a manager's job, and their own first screen."""
        if self.env.user.has_group("collections_management.collections_management_group_manager"):
            return self.env["ir.actions.act_window"]._for_xml_id("collections_management.collection_run_wizard_action")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("For Collections Managers"),
                "message": self.env._("Running the collections by hand is a Collections Manager's job: the daily run "
                                      "keeps your worklist up to date every morning."),
                "type": "warning",
                "next": self.env["collection.case"]._action_home(),
            },
        }

    def action_run(self):
        self.ensure_one()
        engine = self.env["collection.engine"]
        limit = int(self.env["ir.config_parameter"].sudo().get_param(
            "collections_management.run_now_limit") or RUN_NOW_LIMIT)
        if not self.dry_run:
            debtors = engine.sudo()._select_debtors(fields.Date.context_today(self), self.company_ids.ids)
            if len(debtors) > limit:
                # a large book is the cron's work: committed batch by batch, resumable, off this request
                engine.sudo()._hand_over_to_cron()
                self.write({"state": "done", "handed_over": True, "result": self.env._(
                    "%(count)s debtors: the run was handed to the daily cron, which works in committed batches. "
                    "Its progress shows here under \"The daily run\".", count=len(debtors))})
                return self._reopen()
        summary = engine._run(company_ids=self.company_ids.ids, dry_run=self.dry_run,
                              limit=limit if self.dry_run else None)
        labels = {
            "debtors": self.env._("Debtors examined"),
            "cases_opened": self.env._("Cases opened"),
            "cases_closed": self.env._("Cases closed"),
            "stage_changes": self.env._("Stage changes"),
            "invoices_updated": self.env._("Invoices updated"),
            "executions_done": self.env._("Steps executed") if not self.dry_run else self.env._("Steps that would run"),
            "executions_failed": self.env._("Steps failed"),
            "promises_kept": self.env._("Promises kept"),
            "promises_broken": self.env._("Promises broken"),
            "legal_records": self.env._("Legal records opened"),
        }
        details = summary["details"]
        self.write({
            "state": "done",
            "more_details": getattr(details, "dropped", 0),
            "case_ids": [fields.Command.set(sorted(summary.get("case_ids", ())))] if not self.dry_run else [],
            "result": "\n".join(
                ([self.env._("Preview of the first %(count)s of %(total)s debtors.", count=limit,
                             total=summary["sample_of"])] if summary.get("sample_of") else [])
                + [f"{label}: {summary.get(key, 0)}" for key, label in labels.items()]),
            "line_ids": [fields.Command.clear()] + [
                fields.Command.create({"kind": kind, "name": str(name), "info": str(info or "")})
                for kind, name, info in details
            ],
        })
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Collections run: preview") if self.dry_run else self.env._("Collections run: done"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_open_cases(self):
        """The cases this run opened, moved, closed or acted on."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("collections_management.collection_case_action")
        action.update({"domain": [("id", "in", self.case_ids.ids)], "context": {},
                       "name": self.env._("Cases touched by the run")})
        return action


class CollectionRunWizardLine(models.TransientModel):
    _name = "collection.run.wizard.line"
    _description = "What a collections run did or would do"

    wizard_id = fields.Many2one("collection.run.wizard", required=True, ondelete="cascade")
    kind = fields.Selection([("open", "Case opened"), ("close", "Case closed"), ("stage", "Stage change"),
                             ("step", "Step")], required=True)
    name = fields.Char("Debtor / case")
    info = fields.Char("Detail")
