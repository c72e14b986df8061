import base64
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date


class CollectionCase(models.Model):
    """One open case per commercial partner and company.

    Amounts and dates are derived by the daily engine from the open receivable
    lines; they are stored so that worklists, kanban and KPIs sort and group on
    them in SQL, and are recomputed by every run (never edited by hand).
    """

    _name = "collection.case"
    _description = "Collection Case"
    _inherit = ["mail.thread", "mail.activity.mixin", "collection.guard.mixin"]
    _order = "priority_score desc, oldest_due_date, id"
    _check_company_auto = True
    # derived by the engine from the ledger, or set by the plan/promise workflows: never typed in
    _collection_system_fields = (
        "name", "partner_id", "company_id", "state", "stage_id", "stage_history_id", "stage_date",
        "invoice_count", "amount_due", "amount_overdue", "amount_credit", "oldest_due_date",
        "segment_id", "segment_reason", "priority_score", "priority_details", "next_action_date", "closed_date",
        "plan_id", "excluded", "best_call_hour", "unreachable", "last_contact_date",
    )
    _collection_manager_fields = ("user_id", "user_manual")
    # a manager may open a case by hand for a debtor; everything else comes from the ledger
    _collection_creatable_fields = ("partner_id", "company_id")

    name = fields.Char(required=True, readonly=True, default="/", copy=False)
    partner_id = fields.Many2one(
        "res.partner", "Debtor", required=True, index=True, readonly=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")], default="open", required=True, tracking=True
    )
    stage_id = fields.Many2one(
        "collection.stage", tracking=True, readonly=True,
        group_expand="_read_group_stage_ids", check_company=True,
    )
    stage_history_id = fields.Many2one(
        "collection.case.stage.history", "Current stage entry", readonly=True,
        help="History row of the entry into the current stage; strategy steps fire once per entry.",
    )
    stage_date = fields.Date("In stage since", readonly=True)
    catch_up = fields.Boolean(
        related="stage_history_id.catch_up", string="Waiting for review",
        help="Placed in its stage by the first run on old debts: nothing is sent until a manager starts collecting.")
    catch_up_next = fields.Char(
        "Would receive", compute="_compute_catch_up_plan",
        help="If collecting started today: the next step of the stage and its date.")
    catch_up_backlog = fields.Char(
        "Not sent (date passed)", compute="_compute_catch_up_plan",
        help="Steps of the stage whose date has passed: starting to collect records them as skipped.")
    history_ids = fields.One2many("collection.case.stage.history", "case_id", "Stage history")
    move_link_ids = fields.One2many("collection.case.move", "case_id", "Invoice rows")
    move_ids = fields.Many2many("account.move", string="Invoices", compute="_compute_move_ids",
                                search="_search_move_ids")
    invoice_count = fields.Integer("Open invoices", readonly=True)
    amount_due = fields.Monetary("Total due", readonly=True, help="Open receivable balance, in company currency.")
    amount_overdue = fields.Monetary("Overdue", readonly=True, help="Open balance past its due date.")
    amount_credit = fields.Monetary(
        "Open credits", readonly=True,
        help="Open credit notes and unapplied payments of the debtor, shown beside the debts.",
    )
    oldest_due_date = fields.Date("Oldest due date", readonly=True)
    days_overdue = fields.Integer(
        "Days overdue", compute="_compute_days_overdue", search="_search_days_overdue",
        help="Days since the oldest open due date. Computed from the stored date: a day passing writes nothing.")
    segment_id = fields.Many2one("collection.segment", readonly=True, check_company=True)
    segment_reason = fields.Char("Why this segment", readonly=True,
                                 groups="collections_management.collections_management_group_collector")
    user_id = fields.Many2one(
        "res.users", "Collector", index=True, tracking=True,
        domain="[('share', '=', False)]",
    )
    user_manual = fields.Boolean(
        "Collector set by hand", help="The engine keeps a collector assigned by hand."
    )
    priority_score = fields.Float("Priority", readonly=True, aggregator="avg",
                                  groups="collections_management.collections_management_group_collector")
    priority_details = fields.Json("Priority parts", readonly=True,
                                   groups="collections_management.collections_management_group_collector")
    next_action_date = fields.Date("Next action", readonly=True, index=True)
    excluded = fields.Boolean(
        readonly=True,
        help="Everything this debtor owes is excluded or disputed: nothing to chase, kept out of the worklist.",
    )
    plan_id = fields.Many2one("collection.payment.plan", "Active payment plan", readonly=True, index="btree_not_null",
                              help="While a plan is active its invoices are collected by the plan's dates.")
    plan_ids = fields.One2many("collection.payment.plan", "case_id", "Payment plans")
    plan_next_date = fields.Date(related="plan_id.next_date", string="Next installment")
    plan_currency_id = fields.Many2one(related="plan_id.currency_id", string="Plan currency")
    plan_next_amount = fields.Monetary(related="plan_id.next_amount", string="Next installment amount",
                                       currency_field="plan_currency_id")
    promise_ids = fields.One2many("collection.promise", "case_id", "Promises")
    dispute_ids = fields.One2many("collection.dispute", "case_id", "Disputes")
    legal_record_ids = fields.One2many("collection.legal.record", "case_id", "Legal records")
    execution_ids = fields.One2many("collection.step.execution", "case_id", "Steps done")
    closed_date = fields.Date(readonly=True)

    # The daily run writes cases by the thousand, and every index is paid on each write: columns of a few
    # distinct values (state, stage, segment, company, the flags) have none; open cases are found through
    # this partial index, a debtor's by partner, a collector's by user, the day's by next action.
    _open_partner_company_uniq = models.UniqueIndex(
        "(partner_id, company_id) WHERE state = 'open'",
        "A debtor has one open collection case per company.",
    )

    @api.depends("stage_history_id.catch_up", "stage_id", "oldest_due_date", "segment_id")
    def _compute_catch_up_plan(self):
        plans = self.env["collection.catch.up"]._plans(self)
        for case in self:
            plan = plans.get(case.id)
            case.catch_up_backlog = ", ".join(step.name for step in plan.backlog) if plan else False
            if plan and plan.upcoming:
                step, on = plan.upcoming[0]
                case.catch_up_next = self.env._("%(step)s on %(date)s", step=step.name, date=format_date(self.env, on))
            else:
                case.catch_up_next = self.env._("Nothing until the next stage") if plan else False

    def action_start_collecting(self):
        """Managers: end the first-run review for these cases (see collection.catch.up)."""
        started = self.env["collection.catch.up"]._start(self)
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "sticky": False,
            "message": self.env._("Collecting started on %(count)s debtors: the remaining steps run on their dates.",
                                  count=len(started)),
            "next": {"type": "ir.actions.client", "tag": "soft_reload"},
        }}

    def init(self):
        # the run writes a case's figures, then its segment and score: with room left on each page PostgreSQL
        # updates a row in place when no indexed column changes (a "HOT" update, no index written)
        self.env.cr.execute("ALTER TABLE collection_case SET (fillfactor = 70)")

    @api.depends("move_link_ids.move_id")
    def _compute_move_ids(self):
        for case in self:
            case.move_ids = case.move_link_ids.move_id

    def _search_move_ids(self, operator, value):
        return [("move_link_ids.move_id", operator, value)]

    @api.depends("oldest_due_date")
    @api.depends_context("collection_today")
    def _compute_days_overdue(self):
        today = self._collection_today()
        for case in self:
            case.days_overdue = max((today - case.oldest_due_date).days, 0) if case.oldest_due_date else 0

    def _search_days_overdue(self, operator, value):
        """``days_overdue >= N`` is ``oldest_due_date <= today - N``: the stored date answers in SQL."""
        if operator not in (">", ">=", "<", "<=", "=") or not isinstance(value, int):
            return NotImplemented
        flipped = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "="}[operator]
        date = self._collection_today() - timedelta(days=value)
        domain = [("oldest_due_date", flipped, date)]
        if operator in ("<", "<=") or (operator == "=" and value == 0):
            domain = ["|", ("oldest_due_date", "=", False), *domain]
        return domain

    @api.model
    def _collection_today(self):
        """The day the collections engine measures against (a run may pass its own), else today."""
        return self.env.context.get("collection_today") or fields.Date.context_today(self)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([("company_id", "in", self.env.companies.ids)])

    @api.model_create_multi
    def create(self, vals_list):
        self._collection_check_create_vals(vals_list)
        todo = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        for vals, name in zip(todo, self._collection_next_names(len(todo)), strict=True):
            vals["name"] = name
        return super().create(vals_list)

    @api.model
    def _collection_insert_open(self, keys):
        """Open a case per (debtor, company) in one INSERT; ``{key: case id}``.

        ``ON CONFLICT`` on the partial unique index of open cases: when another
        worker opened the same debtor's case first, that case is returned and no
        second one exists. Field defaults (``default_get``, extensions included)
        are written as the ORM writes them.
        """
        if not keys:
            return {}
        self.env.flush_all()
        skip = set(models.MAGIC_COLUMNS) | {"name", "partner_id", "company_id"}
        plain = self.with_env(self.env(context={key: value for key, value in self.env.context.items()
                                                if not key.startswith("default_")}))
        defaults = plain.default_get([
            fname for fname, field in self._fields.items()
            if field.store and field.column_type and not field.compute and not field.related and fname not in skip
        ])
        columns = ["name", "partner_id", "company_id"] + list(defaults)
        names = self._collection_next_names(len(keys))
        # the same defaults on every row, sent once; the rows' own values as three arrays
        now = fields.Datetime.now()
        constants = [SQL("%s::%s", self._fields[fname].convert_to_column_insert(value, self),
                         SQL(self._fields[fname].column_type[1]))  # typed: an INSERT … SELECT does not infer it
                     for fname, value in defaults.items()]
        constants += [SQL("%s", value) for value in (self.env.uid, now, self.env.uid, now)]
        self.env.cr.execute(SQL(
            """
            INSERT INTO collection_case (%(columns)s, create_uid, create_date, write_uid, write_date)
            SELECT v.name, v.partner_id, v.company_id, %(constants)s
              FROM unnest(%(names)s::varchar[], %(partners)s::int[], %(companies)s::int[])
                   AS v(name, partner_id, company_id)
            ON CONFLICT (partner_id, company_id) WHERE state = 'open' DO NOTHING
            RETURNING id, partner_id, company_id
            """,
            columns=SQL(", ").join(SQL.identifier(column) for column in columns),
            constants=SQL(", ").join(constants),
            names=list(names), partners=[partner_id for partner_id, _company in keys],
            companies=[company_id for _partner, company_id in keys],
        ))
        result = {(partner_id, company_id): case_id for case_id, partner_id, company_id in self.env.cr.fetchall()}
        missing = [key for key in keys if key not in result]
        if missing:
            self.env.cr.execute(SQL(
                """
                SELECT id, partner_id, company_id FROM collection_case
                 WHERE state = 'open' AND (partner_id, company_id) IN %s
                """, tuple(missing)))
            result.update({(p, c): case_id for case_id, p, c in self.env.cr.fetchall()})
        self.invalidate_model()
        return result

    @api.model
    def _collection_next_names(self, count):
        """``count`` case numbers in one query (the first run opens thousands of cases at once)."""
        if not count:
            return []
        sequence = self.env["ir.sequence"].sudo().search(
            [("code", "=", "collection.case"), ("company_id", "in", [self.env.company.id, False])],
            order="company_id", limit=1)
        if not sequence:
            return ["/"] * count
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence.next_by_id() for _index in range(count)]
        # get_next_char() interpolates the prefix for every number: once is enough for one batch
        prefix, suffix = sequence._get_prefix_suffix()
        padding = sequence.padding
        self.env.cr.execute(SQL("SELECT nextval(%s) FROM generate_series(1, %s)",
                                f"ir_sequence_{sequence.id:03d}", count))
        return [f"{prefix}{number:0{padding}d}{suffix}" for (number,) in self.env.cr.fetchall()]

    def write(self, vals):
        if "user_id" in vals and not self.env.context.get("collection_engine_assign"):
            # a collector chosen by hand is kept by the engine
            vals = dict(vals, user_manual=bool(vals["user_id"]))
        return super().write(vals)

    @api.model
    def _action_home(self):
        """The app's first screen: every open case for a manager, the worklist for a collector."""
        xmlid = ("collections_management.collection_case_action" if self._collection_is_manager()
                 else "collections_management.collection_case_action_my")
        return self.env["ir.actions.act_window"]._for_xml_id(xmlid)

    def action_preview_message(self):
        """Show the combined message the next email step would send, without sending it."""
        self.ensure_one()
        template = self._collection_stage_template()
        if not template:
            raise UserError(self.env._("No email template is set for stage %s.", self.stage_id.name or "-"))
        composer = self.env["mail.compose.message"].with_context(
            default_model=self._name, default_res_ids=self.ids, default_template_id=template.id,
            default_composition_mode="comment", default_partner_ids=self._collection_billing_contacts().ids,
        ).create({})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Preview collection message"),
            "res_model": "mail.compose.message",
            "res_id": composer.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_propose_payment_plan(self):
        """Open a draft payment plan for the case's open invoices, with its schedule previewed live."""
        self.ensure_one()
        moves = self.move_ids.filtered(lambda m: m.move_type == "out_invoice" and m.amount_residual > 0)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Propose payment plan"),
            "res_model": "collection.payment.plan",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_case_id": self.id,
                "default_move_ids": moves.ids,
                "default_currency_id": (moves.currency_id[:1] or self.currency_id).id,
                "default_first_date": fields.Date.context_today(self) + timedelta(days=7),
            },
        }

    # ------------------------------------------------------------------ statement link (collections_portal)
    def _collection_letter_date(self):
        """The issue date a letter carries: the company's day it is rendered (deadlines count from it)."""
        return self._collection_today()

    def _collection_portal_url(self):
        """The link to the debtor's online statement that reminders carry; none without the portal addon."""
        return False

    @api.model
    def _collection_has_portal(self):
        """Whether cases have an online statement link (collections_portal says yes)."""
        return False

    def _collection_prepare_portal_links(self):
        """Make sure every case of a batch has its statement link before reminders are rendered."""
        return None

    def _collection_portal_qr(self):
        """The statement link as a QR code (PNG data URI) for printed letters, or False."""
        self.ensure_one()
        url = self._collection_portal_url()
        if not url:
            return False
        png = self.env["ir.actions.report"].barcode("QR", url, width=160, height=160)
        return "data:image/png;base64," + base64.b64encode(png).decode()

    def _collection_billing_contacts(self):
        """Billing contacts (children of type invoice) of the debtor, else the debtor itself."""
        self.ensure_one()
        contacts = self.partner_id.child_ids.filtered(lambda p: p.type == "invoice" and p.active)
        return contacts or self.partner_id

    def _collection_stage_template(self):
        self.ensure_one()
        return self.stage_id.mail_template_id

    def _collection_overdue_moves(self):
        """Open invoices the case dunns, worst first (messages, letters, call scripts).

        Disputed and excluded invoices, and those under an active payment plan,
        are owed but not claimed: they never appear here as debts.
        """
        self.ensure_one()
        moves = self.move_ids.filtered(lambda m: m.collection_stage_id and m.amount_residual > 0)
        if self.stage_id.day_from > 0:
            # an overdue notice lists what is overdue, not what falls due in a few days
            moves = moves.filtered(lambda m: m.collection_days_overdue > 0)
        # bulk renderers compute the not-actionable invoices of all their cases at once (see render bodies)
        skip_ids = self.env.context.get("collection_not_actionable_ids")
        skip = moves._collection_not_actionable() if skip_ids is None else moves.filtered(lambda m: m.id in skip_ids)
        return (moves - skip).sorted(lambda m: (-m.collection_days_overdue, m.id))

    def _message_post_after_hook(self, message, msg_vals):
        """An email from the debtor on its open case (a reply through the mail gateway) is customer intake."""
        res = super()._message_post_after_hook(message, msg_vals)
        if message.message_type == "email" and message.author_id:
            debtor = message.author_id.commercial_partner_id
            for case in self.filtered(lambda c: c.state == "open" and c.partner_id == debtor):
                self.env["collection.intake"].sudo()._from_email(case, message)
        return res

    def _collection_claimed_total(self):
        """What reminders and letters ask for: the open amount of ``_collection_overdue_moves``, company currency."""
        self.ensure_one()
        return sum(self._collection_overdue_moves().mapped("amount_residual_signed"))

    def _collection_open_receivable(self):
        """What the debtor owes this company now, from the ledger (receivable lines, company currency)."""
        self.ensure_one()
        self.env["account.move.line"].flush_model(["amount_residual", "partner_id", "parent_state", "account_id"])
        self.env.cr.execute(SQL(
            """
            SELECT COALESCE(SUM(l.amount_residual), 0)
              FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
              JOIN res_partner p ON p.id = l.partner_id
             WHERE p.commercial_partner_id = %s AND l.company_id = %s AND l.parent_state = 'posted'
            """, self.partner_id.id, self.company_id.id))
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------ the collector's workspace
    # contacts, best hour to call, reachability, the next case
    interaction_ids = fields.One2many("collection.interaction", "case_id", "Contacts")
    offer_ids = fields.One2many("collection.offer", "case_id", "Offers")
    best_call_hour = fields.Integer(
        "Best hour to call", readonly=True, default=-1, aggregator=False,
        help="The hour (the company's time zone) of most calls and visits that reached the right party in the last "
             "180 days; -1: not known yet.")
    best_call_hour_label = fields.Char("Best time to call", compute="_compute_best_call_hour_label")
    unreachable = fields.Boolean(
        readonly=True,
        help="The last 5 contact attempts by a collector reached nobody: check the phone and email, or visit.")
    contact_wrong = fields.Boolean(
        "Contact data flagged wrong", compute="_compute_contact_wrong", search="_search_contact_wrong")
    last_contact_date = fields.Datetime("Last contact", readonly=True)

    UNREACHABLE_ATTEMPTS = 5

    @api.depends("best_call_hour")
    def _compute_best_call_hour_label(self):
        for case in self:
            hour = case.best_call_hour
            case.best_call_hour_label = f"{hour:02d}:00-{(hour + 1) % 24:02d}:00" if hour >= 0 else False

    @api.depends("partner_id.collection_phone_wrong", "partner_id.collection_email_wrong")
    def _compute_contact_wrong(self):
        for case in self:
            case.contact_wrong = case.partner_id.collection_phone_wrong or case.partner_id.collection_email_wrong

    def _search_contact_wrong(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        wrong = ["|", ("partner_id.collection_phone_wrong", "=", True), ("partner_id.collection_email_wrong", "=", True)]
        return wrong if (operator == "=") == value else ["!", *wrong]

    def _collection_update_contact_stats(self):
        """Best hour to call, reachability and last contact of these cases, from their contact log, in SQL."""
        if not self:
            return
        self.env["collection.interaction"].flush_model()
        tz = self.env.user.tz or "UTC"
        # learnt from calls and visits a collector made that reached the right party, in the company's time
        # zone (res.company._collection_tz); a customer acting on the portal or on WhatsApp is not a call
        self.env.cr.execute(SQL(
            """
            WITH best AS (
                SELECT i.case_id,
                       mode() WITHIN GROUP (ORDER BY extract(hour FROM (i.date AT TIME ZONE 'UTC')
                                                      AT TIME ZONE COALESCE(cp.tz, %(tz)s))) AS hour
                  FROM collection_interaction i
                  JOIN collection_case c ON c.id = i.case_id
                  JOIN res_company co ON co.id = c.company_id
                  JOIN res_partner cp ON cp.id = co.partner_id
                 WHERE i.case_id = ANY(%(ids)s) AND i.right_party AND i.date >= now() - interval '180 days'
                   AND i.channel IN ('call', 'visit') AND i.automatic IS NOT TRUE AND i.user_id IS NOT NULL
                 GROUP BY i.case_id
            ), recent AS (
                SELECT case_id, bool_or(contact) AS reached, count(*) AS attempts, max(date) AS last_date
                  FROM (SELECT case_id, contact, date,
                               row_number() OVER (PARTITION BY case_id ORDER BY date DESC, id DESC) AS n
                          FROM collection_interaction
                         WHERE case_id = ANY(%(ids)s) AND (automatic IS NOT TRUE OR contact)) last
                 WHERE n <= %(attempts)s
                 GROUP BY case_id
            ), contacts AS (
                SELECT case_id, max(date) AS last_contact
                  FROM collection_interaction WHERE case_id = ANY(%(ids)s) AND contact GROUP BY case_id
            )
            UPDATE collection_case c
               SET best_call_hour = COALESCE(best.hour::int, -1),
                   unreachable = COALESCE(recent.attempts >= %(attempts)s AND NOT recent.reached, false),
                   last_contact_date = contacts.last_contact
              FROM collection_case c2
              LEFT JOIN best ON best.case_id = c2.id
              LEFT JOIN recent ON recent.case_id = c2.id
              LEFT JOIN contacts ON contacts.case_id = c2.id
             WHERE c.id = c2.id AND c.id = ANY(%(ids)s)
            """, ids=self.ids, tz=tz, attempts=self.UNREACHABLE_ATTEMPTS))
        self.invalidate_recordset(["best_call_hour", "unreachable", "last_contact_date"])

    # ------------------------------------------------------------------ the contact dialog
    def action_log_contact(self):
        """One dialog to log a call or visit: phone, script, last contacts, promises and plan, outcome."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window", "res_model": "collection.interaction", "view_mode": "form",
            "views": [(self.env.ref("collections_management.collection_interaction_view_form_dialog").id, "form")],
            "target": "new", "name": self.env._("Log contact: %s", self.partner_id.name),
            "context": {"default_case_id": self.id, "default_channel": "call",
                        "default_move_ids": [(6, 0, self._collection_overdue_moves().ids)],
                        "default_promise_amount": self._collection_claimed_total(),
                        "default_promise_date": fields.Date.to_string(
                            fields.Date.context_today(self) + timedelta(days=7))},
        }

    def _collection_next_in_worklist(self):
        """The case after this one in the collector's worklist (priority order), not contacted today."""
        self.ensure_one()
        domain = [("state", "=", "open"), ("excluded", "=", False), ("user_id", "=", self.user_id.id)]
        ordered = self.search(domain, order=self._order).ids
        position = ordered.index(self.id) if self.id in ordered else -1
        today_start = fields.Datetime.to_datetime(fields.Date.context_today(self))
        # worked today: a collector logged an attempt or a contact on it since midnight
        contacted = set(self.env["collection.interaction"].search(
            [("case_id", "in", ordered), ("automatic", "=", False), ("date", ">=", today_start)]).case_id.ids)
        # the ones after it first, then those before it: the collector goes round the list once
        for case_id in ordered[position + 1:] + ordered[:max(position, 0)]:
            if case_id not in contacted and case_id != self.id:
                return self.browse(case_id)
        return self.browse()

    def _collection_recent_contacts_html(self, exclude=None, limit=5):
        self.ensure_one()
        contacts = self.env["collection.interaction"].search(
            [("case_id", "=", self.id), ("id", "not in", (exclude or self.env["collection.interaction"]).ids)],
            limit=limit)
        if not contacts:
            return Markup("<p class='text-muted'>%s</p>") % self.env._("No contact logged yet.")
        items = Markup("").join(
            Markup("<li><b>%s</b>%s%s</li>") % (
                contact.display_label, f" — {contact.user_id.name}" if contact.user_id else "",
                f": {contact.note}" if contact.note else "")
            for contact in contacts)
        return Markup("<ul class='mb-0'>%s</ul>") % items

    def _collection_commitments_html(self):
        self.ensure_one()
        lines = []
        for promise in self.promise_ids.filtered(lambda p: p.state == "open"):
            lines.append(self.env._("Promise: %(amount)s by %(date)s", amount=format_amount(
                self.env, promise.amount, self.currency_id), date=format_date(self.env, promise.date)))
        if self.plan_id:
            lines.append(self.env._("Payment plan %(plan)s: next installment %(amount)s on %(date)s",
                                    plan=self.plan_id.name, amount=format_amount(
                                        self.env, self.plan_next_amount, self.plan_currency_id),
                                    date=format_date(self.env, self.plan_next_date)))
        offer = self._collection_offer_text(self.env)
        if offer:
            lines.append(offer)
        if not lines:
            return Markup("<p class='text-muted'>%s</p>") % self.env._("No open promise or plan.")
        return Markup("<ul class='mb-0'>%s</ul>") % Markup("").join(Markup("<li>%s</li>") % line for line in lines)

    def _collection_offer_text(self, env):
        """The open settlement offer in words, for scripts and the contact dialog ('' when there is none)."""
        offer = self.env["collection.offer"].sudo().search([("case_id", "=", self.id), ("state", "=", "open")],
                                                            limit=1)
        return offer._collection_summary(env) if offer else ""

    def action_make_offer(self):
        self.ensure_one()
        self.check_access("read")
        return {"type": "ir.actions.act_window", "res_model": "collection.offer", "view_mode": "form",
                "target": "current", "context": {
                    "default_case_id": self.id,
                    "default_deadline": fields.Date.to_string(fields.Date.context_today(self) + timedelta(days=10))}}
