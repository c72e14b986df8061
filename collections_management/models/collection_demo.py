from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.tools import format_date

SUITE = ("collections_management", "collections_whatsapp", "collections_portal", "collections_reports")
# the story's open invoices carry this reference (their customer's order number)
STORY_REF = "OC-2026-"
HISTORY_MONTHS = 6
# the story's customers in the months before it: (partner xmlid, monthly purchase in "dollars", days they pay
# after the due date); what they buy each month is paid at their pace, so the ledger has a real history
HISTORY = [
    ("demo_partner_andina", 9000.0, 3),
    ("demo_partner_tornillo", 3500.0, 12),
    ("demo_partner_monterrey", 30000.0, 8),
    ("demo_partner_valle", 6000.0, 15),
    ("demo_partner_espiga", 1500.0, 2),
    ("demo_partner_quito", 8000.0, 25),
    ("demo_partner_pampa", 40000.0, 30),
    ("demo_partner_rafael", 4000.0, 5),
    ("demo_partner_norte", 12000.0, 10),
    ("demo_partner_altura", 3000.0, -2),
    ("demo_partner_mirador", 7000.0, 18),
    ("demo_partner_central", 2500.0, 0),
]

# amounts of the story are written in "dollars"; a peso book needs them larger to look real
CURRENCY_SCALE = {"COP": 1000, "CLP": 1000, "ARS": 1000, "PYG": 5000, "MXN": 20, "UYU": 40, "DOP": 60}

# (partner xmlid, days overdue at load time, amount, payment term xmlid)
DEMO_INVOICES = [
    ("demo_partner_andina", -3, 1850.0, None),
    ("demo_partner_andina", 12, 4200.0, None),
    ("demo_partner_tornillo", 5, 640.5, None),
    ("demo_partner_tornillo", 25, 980.0, None),
    ("demo_partner_tornillo", 70, 4500.0, "demo_payment_term_30_60_90"),
    ("demo_partner_monterrey", 40, 12500.0, None),
    ("demo_partner_monterrey", 55, 3300.0, None),
    ("demo_partner_valle", 75, 2750.0, None),
    ("demo_partner_espiga", 8, 320.0, None),
    ("demo_partner_quito", 120, 7800.0, None),
    ("demo_partner_pampa", 200, 25400.0, None),
    ("demo_partner_pampa", 95, 6100.0, None),
    ("demo_partner_rafael", 18, 1490.0, None),
    ("demo_partner_norte", 33, 5600.0, None),
    ("demo_partner_altura", -2, 890.0, None),
    ("demo_partner_mirador", 62, 4100.0, None),
    ("demo_partner_central", 15, 720.0, None),
]


class CollectionDemo(models.AbstractModel):
    """Demo data only: a Latin-American collections story told through the real flows.

    Called once from ``demo/collection_demo.xml``. Everything goes through the
    same methods users and the daily run use (invoices posted, payments
    registered, fees charged, plans proposed and activated), so the demo shows
    what the product really does.
    """

    _name = "collection.demo"
    _description = "Collections demo story"

    @api.model
    def _demo_company(self):
        """The company where the story is told: the country's demo company (its chart, its currency)."""
        main = self.env.ref("base.main_company")
        country = (main.country_id.code or "").lower()
        return self.env.ref(f"base.demo_company_{country}", raise_if_not_found=False) or main

    @api.model
    def _load_demo(self):
        """The story's cast and books: users, settings, segments, six months of paid history and the open
        invoices. The story itself (the mornings) is played by ``_play_story``: here, or by collections_portal's
        demo when it is installed in the same run, so that every reminder carries its statement link."""
        ref = self.env.ref
        main = ref("base.main_company")
        company = self._demo_company()
        lang = ref("base.user_admin").lang or "en_US"
        self = self.with_context(lang=lang)  # noqa: PLW0642 - records named in the database's language
        ref = self.env.ref
        scale = CURRENCY_SCALE.get(company.currency_id.name, 1)
        today = fields.Date.context_today(self)

        # every user lands in the story's company, on their Collections screen
        home = ref("collections_management.collection_case_action_home")
        users = {login: ref(f"collections_management.demo_user_{login}") for login in ("carla", "diego", "marta", "lucia")}
        for user in users.values():
            user.write({"company_ids": [Command.set(company.ids)], "company_id": company.id, "lang": lang,
                        "tz": ref("base.user_admin").tz or "America/Bogota", "action_id": home.id})
        ref("base.user_admin").write({"company_ids": [Command.link(company.id)], "company_id": company.id,
                                      "action_id": home.id})
        company.partner_id.tz = ref("base.user_admin").tz or "America/Bogota"  # the team's hours (_collection_tz)
        partners = self.env["res.partner"].browse([
            ref(f"collections_management.{xmlid}").id for xmlid in {row[0] for row in DEMO_INVOICES}])
        (partners | partners.child_ids | ref("collections_management.demo_partner_law_firm")).write({"lang": lang})

        env = self.with_company(company).env
        company.write({
            "collection_legal_user_id": users["lucia"].id,
            "collection_default_user_id": users["marta"].id,
            "collection_interest_product_id": ref("collections_management.demo_product_late_interest").id,
            "collection_max_annual_rate": 25.0,  # roughly Colombia's usury ceiling in 2026
            "collection_plan_approval_amount": 20000 * scale,
            "collection_catch_up_policy": "fire",  # the story shows every stage acting, legal hand-overs included
        })
        Segment = env["collection.segment"]
        Segment.create([
            {"name": env._("Key accounts"), "sequence": 1, "company_id": company.id, "amount_min": 10000 * scale,
             "user_ids": [Command.set(users["diego"].ids)]},
            {"name": env._("Standard customers"), "sequence": 10, "company_id": company.id,
             "user_ids": [Command.set((users["carla"] | users["diego"]).ids)]},
        ])
        self._load_history(company, scale, today)

        product = ref("collections_management.demo_product_service")
        vals_list = []
        for index, (xmlid, days, amount, term) in enumerate(DEMO_INVOICES):
            due = today - timedelta(days=days)
            vals_list.append({
                "move_type": "out_invoice", "partner_id": ref(f"collections_management.{xmlid}").id,
                "company_id": company.id, "ref": f"{STORY_REF}{index + 1:02d}",
                # net 30, or a 30/60/90 term invoiced that many days ago
                "invoice_date": due if term else due - timedelta(days=30),
                "invoice_line_ids": [Command.create({"product_id": product.id, "quantity": 1,
                                                     "price_unit": amount * scale, "tax_ids": []})],
                **({"invoice_payment_term_id": ref(f"collections_management.{term}").id} if term else {}),
            })
        moves = env["account.move"].create(vals_list)
        for move, (_xmlid, days, _amount, term) in zip(moves, DEMO_INVOICES, strict=True):
            if not term:
                move.invoice_payment_term_id = False
                move.invoice_date_due = today - timedelta(days=days)
        moves.action_post()

        central = ref("collections_management.demo_partner_central")
        central.write({"collection_excluded": True,
                       "collection_exclusion_reason": env._("Payment agreed with the CFO; do not chase")})

        # Odoo's own demo customers (Acme, OpenWood...) paid, in every company: the story is about the ones above
        ours = partners.ids
        for books in (main | company):
            others = self.env["account.move"].with_company(books).search([
                ("company_id", "=", books.id), ("move_type", "=", "out_invoice"), ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")), ("commercial_partner_id", "not in", ours)])
            for stock_partner_moves in others.grouped("commercial_partner_id").values():
                self.with_company(books)._pay(stock_partner_moves, sum(stock_partner_moves.mapped("amount_residual")))
            # and their open entries offset each other (Odoo's demo leaves a +/- pair on some of them)
            stock_lines = self.env["account.move.line"].with_company(books).search([
                ("company_id", "=", books.id), ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"), ("reconciled", "=", False), ("amount_residual", "!=", 0),
                ("partner_id.commercial_partner_id", "not in", ours)])
            for lines in stock_lines.grouped(
                    lambda line: (line.partner_id.commercial_partner_id, line.account_id)).values():
                if any(line.amount_residual > 0 for line in lines) and any(line.amount_residual < 0 for line in lines):
                    lines.reconcile()

        portal = self.env["ir.module.module"].search(
            [("name", "=", "collections_portal"), ("state", "=", "to install")])
        if portal:
            return None  # collections_portal plays the story once its statement links exist
        return self._play_story()

    def _load_history(self, company, scale, today):
        """Six months of the story's customers buying on 30 days and paying at their own pace: the KPIs'
        history is a ledger's history (DSO and CEI of a real company), and payment behaviour has something
        to learn from. An invoice is in the books when it was paid before today or is not due yet."""
        ref = self.env.ref
        env = self.with_company(company).env
        product = ref("collections_management.demo_product_service")
        start = (today.replace(day=1) - relativedelta(months=HISTORY_MONTHS))
        vals_list, paid_on = [], []
        for index, (xmlid, amount, lag) in enumerate(HISTORY):
            for month in range(HISTORY_MONTHS + 1):
                day = start + relativedelta(months=month, day=1 + 2 * index)
                due = day + timedelta(days=30)
                payment = due + timedelta(days=lag)
                if day > today or (due <= today <= payment):
                    continue  # not issued yet, or neither paid nor current today
                vals_list.append({
                    "move_type": "out_invoice", "partner_id": ref(f"collections_management.{xmlid}").id,
                    "company_id": company.id, "invoice_date": day, "date": day, "invoice_date_due": due,
                    "ref": env._("Monthly supply %(month)s", month=format_date(env, day, date_format="MMMM y")),
                    "invoice_line_ids": [Command.create({"product_id": product.id, "quantity": 1,
                                                         "price_unit": amount * scale, "tax_ids": []})],
                })
                paid_on.append(payment if payment < today else None)
        moves = env["account.move"].create(vals_list)
        for move in moves:
            move.invoice_payment_term_id = False
            move.invoice_date_due = move.invoice_date + timedelta(days=30)
        moves.action_post()
        for move, day in zip(moves, paid_on, strict=True):
            if day:
                self.with_company(company)._pay(move, move.amount_residual, day=day)
        return moves

    @api.model
    def _play_story(self):
        """The story's mornings, through the real flows: the daily run, late fees, a dispute, promises kept
        and broken, payment plans and a week of contacts, written in the database's language."""
        ref = self.env.ref
        company = self._demo_company()
        lang = ref("base.user_admin").lang or "en_US"
        # the suite's own terms (templates, outcomes, model names) in the database's language before anything
        # is written: a module's translations are loaded after its demo data
        self.env["ir.module.module"].search([("name", "in", SUITE), ("state", "in", ("installed", "to install",
                                                                                   "to upgrade"))])._update_translations(lang)
        self = self.with_context(lang=lang)  # noqa: PLW0642
        ref = self.env.ref
        env = self.with_company(company).env
        scale = CURRENCY_SCALE.get(company.currency_id.name, 1)
        today = fields.Date.context_today(self)
        users = {login: ref(f"collections_management.demo_user_{login}") for login in ("carla", "diego", "marta", "lucia")}
        story = env["account.move"].search([("company_id", "=", company.id), ("ref", "=like", f"{STORY_REF}%")],
                                           order="ref")
        by_partner = {}
        for move, row in zip(story, DEMO_INVOICES, strict=True):
            by_partner.setdefault(row[0], env["account.move"])
            by_partner[row[0]] |= move
        rule = env["collection.fee.rule"].create({
            "name": env._("Late interest 2 % a month"), "company_id": company.id, "fee_type": "interest",
            "rate": 2.0, "rate_period": "month", "grace_days": 5,
            "product_id": ref("collections_management.demo_product_late_interest").id,
        })

        # the first morning
        engine = env["collection.engine"]
        engine._run(company_ids=company.ids)
        rule._charge(by_partner["demo_partner_pampa"], today)

        Case = env["collection.case"]

        def case_of(xmlid):
            return Case.search([("partner_id", "=", ref(f"collections_management.{xmlid}").id),
                                ("company_id", "=", company.id), ("state", "=", "open")], limit=1)

        monterrey = by_partner["demo_partner_monterrey"]
        # what people do in the story is done by them: the manager records, proposes and approves
        people = env(user=users["marta"], su=True)
        people["collection.dispute"].create({
            "move_id": monterrey.filtered(lambda m: m.amount_total == 3300 * scale).id, "reason": "defective",
            "source": "email", "amount_disputed": 1200 * scale, "user_id": users["diego"].id,
            "description": env._("Part of the delivery arrived damaged; the customer asks for a credit note."),
        })
        Promise = people["collection.promise"]
        Promise.create({"case_id": case_of("demo_partner_andina").id, "date": today + timedelta(days=5),
                        "amount": 4200 * scale, "source": "phone",
                        "note": env._("The treasurer promised a transfer on Friday, once their own customers pay.")})
        broken = Promise.create({"case_id": case_of("demo_partner_quito").id, "date": today + timedelta(days=1),
                                 "amount": 3000 * scale, "source": "whatsapp"})
        # the demo's history: that promise was made three weeks ago for ten days ago
        broken.write({"date": today - timedelta(days=10), "create_date_only": today - timedelta(days=21)})
        kept = Promise.create({"case_id": case_of("demo_partner_rafael").id, "date": today + timedelta(days=3),
                               "amount": 1000 * scale, "source": "phone"})
        self._pay(by_partner["demo_partner_rafael"], 1000 * scale)

        Plan = people["collection.payment.plan"]
        active = Plan.create({
            "case_id": case_of("demo_partner_monterrey").id,
            "move_ids": [Command.set((monterrey - monterrey.filtered("collection_disputed")).ids)],
            "down_payment": 1800 * scale, "installment_count": 4, "frequency": "monthly",
            "first_date": today + timedelta(days=7),
        })
        active.action_propose()
        active.action_accept(signer=ref("collections_management.demo_partner_monterrey_billing"))
        self._pay(active.move_ids, 1800 * scale)
        proposed = Plan.create({
            "case_id": case_of("demo_partner_valle").id, "move_ids": [Command.set(by_partner["demo_partner_valle"].ids)],
            "installment_count": 3, "frequency": "biweekly", "first_date": today + timedelta(days=10),
            "interest_rate": 1.2,  # within the 25 % EA ceiling for six weeks (collection.ceiling)
        })
        proposed.action_propose()
        Promise.create({"case_id": case_of("demo_partner_valle").id, "date": today + timedelta(days=4),
                        "amount": 1000 * scale, "source": "portal"})

        env["collection.legal.record"].search([("company_id", "=", company.id)]).write(
            {"lawyer_id": ref("collections_management.demo_partner_law_firm").id})
        # the next morning: the promise to Textiles Quito is broken, the one to Farmacia San Rafael kept
        engine._run(company_ids=company.ids)
        self._load_contacts_demo(company, [users["carla"], users["diego"]])
        return kept

    def _load_contacts_demo(self, company, collectors):
        """A week of calls and visits by two collectors, so the contact log and its KPIs are not empty.

        Each working day each collector works their open cases: the outcomes
        follow a fixed pattern (no answer, busy, a third party, the debtor with
        a reason for the delay), with the hour of each call, so that the best
        hour to call and the contact rates show something real.
        """
        outcomes = {o.code: o for o in self.env["collection.outcome"].search([])}
        reasons = self.env["collection.delay.reason"].search([])
        pattern = ["no_answer", "busy", "right_party", "no_answer", "third_party", "right_party", "refusal",
                   "right_party", "no_answer", "right_party"]
        now = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
        Interaction = self.env["collection.interaction"]
        vals_list, step = [], 0
        for collector in collectors:
            cases = self.env["collection.case"].search(
                [("company_id", "=", company.id), ("user_id", "=", collector.id), ("state", "=", "open")])
            for days_ago in range(7, 0, -1):
                day = now - timedelta(days=days_ago)
                if day.weekday() >= 5:
                    continue
                for index, case in enumerate(cases):
                    code = pattern[(step + index) % len(pattern)]
                    step += 1
                    # calls between 13:00 and 21:00 UTC (mornings and afternoons in the Americas)
                    hour = 13 + (case.id * 3 + days_ago + index) % 8
                    vals_list.append({
                        "case_id": case.id, "user_id": collector.id, "outcome_id": outcomes[code].id,
                        "channel": "visit" if code == "refusal" else "call",
                        "date": day.replace(hour=hour) + timedelta(minutes=7 * index % 50),
                        "duration": 0.1 if code in ("no_answer", "busy") else 0.25 + 0.05 * (index % 4),
                        "delay_reason_id": reasons[(step + index) % len(reasons)].id
                        if outcomes[code].needs_reason else False,
                    })
        # yesterday each collector got a promise on their first case without one
        for collector in collectors:
            case = self.env["collection.case"].search(
                [("company_id", "=", company.id), ("user_id", "=", collector.id), ("state", "=", "open"),
                 ("promise_ids", "not any", [("state", "=", "open")])], limit=1)
            amount = case._collection_claimed_total() if case else 0
            if case and amount > 0:
                vals_list.append({
                    "case_id": case.id, "user_id": collector.id, "outcome_id": outcomes["promise"].id,
                    "channel": "call", "date": (now - timedelta(days=1)).replace(hour=16), "duration": 0.2,
                    "promise_date": fields.Date.context_today(self) + timedelta(days=5),
                    "promise_amount": case.currency_id.round(amount / 2),
                })
        # each collector logs their own contacts: the chatter says who called
        created = Interaction
        for collector in collectors:
            created |= Interaction.with_user(collector).sudo().create(
                [vals for vals in vals_list if vals["user_id"] == collector.id])
        return created

    def _pay(self, moves, amount, day=None):
        """A customer bank transfer of ``amount`` on ``day`` (default today) applied to ``moves``, oldest first."""
        moves = moves.filtered(lambda m: m.amount_residual > 0).sorted(lambda m: (m.invoice_date_due, m.id))
        return self.env["account.payment.register"].with_company(moves.company_id).with_context(
            active_model="account.move", active_ids=moves.ids).create(
            {"amount": amount, "group_payment": True, "payment_date": day or fields.Date.context_today(self)},
        )._create_payments()
