from collections import namedtuple
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

# what starting to collect would do for one placed case: the day it really entered its stage (its oldest
# actionable line's due date plus the stage's first day), the steps whose date has passed (not sent) and
# the steps still ahead with their dates
CatchUpPlan = namedtuple("CatchUpPlan", ["entered", "backlog", "upcoming"])


class CollectionCatchUp(models.AbstractModel):
    """The end of the first-run review: the manager starts collecting on the debtors the first run placed.

    Under the review policy the first run on old debts places every debtor in
    its stage with no step, legal hand-over or credit hold (the stage entry is
    flagged ``catch_up``). Starting to collect dates the stage entry on the day
    the debtor really reached the stage, records the steps whose date has
    already passed as skipped (the unique execution key then keeps them from
    ever running, so the backlog is never sent at once) and lets the daily run
    fire the remaining steps on their own dates. Legal hand-overs and credit
    holds of the backlog stay manual (the *Legal candidates* list).
    """

    _name = "collection.catch.up"
    _description = "Collections: first-run review"

    @api.model
    def _steps_of(self, case):
        """The strategy steps of the case's current stage (its segment's strategy, else the company's)."""
        strategy = case.segment_id.strategy_id or case.company_id.collection_strategy_id
        return strategy.step_ids.filtered(
            lambda s: s.stage_id == case.stage_id and (not s.segment_id or s.segment_id == case.segment_id)
        ).sorted(lambda s: (s.day_offset, s.sequence, s.id))

    @api.model
    def _plans(self, cases, today=None):
        """``{case_id: CatchUpPlan}`` for the placed cases among ``cases`` if collecting started ``today``."""
        today = today or fields.Date.context_today(self)
        plans = {}
        for case in cases.filtered(lambda c: c.state == "open" and c.stage_history_id.catch_up and c.stage_id):
            entered = today
            if case.oldest_due_date:
                entered = min(today, case.oldest_due_date + timedelta(days=max(case.stage_id.day_from, 0)))
            backlog, upcoming = [], []
            for step in self._steps_of(case):
                on = entered + timedelta(days=step.day_offset)
                (backlog if on < today else upcoming).append((step, on))
            plans[case.id] = CatchUpPlan(entered, [step for step, _on in backlog], upcoming)
        return plans

    @api.model
    def _start(self, cases):
        """Start collecting on the placed cases among ``cases``; return the cases started."""
        if not self.env["collection.case"]._collection_is_manager():
            raise AccessError(self.env._("Only a Collections Manager can start collecting on the first run's debtors."))
        today = fields.Date.context_today(self)
        plans = self._plans(cases, today)
        if not plans:
            raise UserError(self.env._(
                "None of the selected cases is waiting in the first run's review: they are already being collected."))
        Case = self.env["collection.case"].sudo()
        started = Case.browse(list(plans))
        skipped = []
        for case in started:
            plan = plans[case.id]
            skipped += [{
                "case_id": case.id, "stage_history_id": case.stage_history_id.id, "step_id": step.id,
                "channel": step.channel, "state": "skipped",
                "error": self.env._("First-run backlog: its date had passed when collecting started."),
            } for step in plan.backlog]
        # the skipped rows hold the unique (case, stage entry, step) key: the daily run never sends them
        self.env["collection.step.execution"].sudo().create(skipped)
        for case in started:
            plan = plans[case.id]
            case.stage_history_id.write({"catch_up": False})
            case.write({"stage_date": plan.entered})
            case.message_post(body=self._started_message(case, plan), subtype_xmlid="mail.mt_note")
        for company in started.company_id:
            self.env["collection.refresh.request"].sudo()._enqueue_partners(
                started.filtered(lambda c, company=company: c.company_id == company).partner_id, company)
        return started

    def _started_message(self, case, plan):
        lines = [self.env._("Collecting started by %(user)s: in stage %(stage)s since %(date)s.",
                            user=self.env.user.name, stage=case.stage_id.name, date=format_date(self.env, plan.entered))]
        if plan.backlog:
            lines.append(self.env._("Not sent (their date had passed): %(steps)s.",
                                    steps=", ".join(step.name for step in plan.backlog)))
        if plan.upcoming:
            step, on = plan.upcoming[0]
            lines.append(self.env._("Next: %(step)s on %(date)s.", step=step.name, date=format_date(self.env, on)))
        else:
            lines.append(self.env._("No step left in this stage: the next one comes with the next stage."))
        return Markup("<br/>").join(lines)
