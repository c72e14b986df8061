from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount, formatLang
from odoo.tools.safe_eval import safe_eval


class CollectionSegment(models.Model):
    """An ordered rule that puts a case in a segment; the first match wins.

    Every criterion left empty matches everything. Criteria are evaluated
    set-based over a whole batch of cases (see ``_match_cases``).
    """

    _name = "collection.segment"
    _description = "Collection Segment"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_domain = fields.Char("Customers", default="[]", help="Domain on the debtor (commercial partner).")
    days_min = fields.Integer("Days overdue from")
    days_max = fields.Integer("Days overdue to", help="0: no upper bound.")
    amount_min = fields.Monetary("Overdue from")
    amount_max = fields.Monetary("Overdue to", help="0: no upper bound.")
    country_ids = fields.Many2many("res.country", string="Countries")
    state_ids = fields.Many2many("res.country.state", string="States")
    product_category_ids = fields.Many2many(
        "product.category", string="Product categories", help="Cases with an open invoice selling these categories."
    )
    avg_days_late_min = fields.Float("Average days late from", help="Over the last 12 months of payments.")
    avg_days_late_max = fields.Float("Average days late to", help="0: no upper bound.")
    late_share_min = fields.Float("Share paid late from (%)")
    broken_promises_min = fields.Integer("Broken promises (12 months) at least")
    risk_min = fields.Float("Risk score from")
    risk_max = fields.Float("Risk score to", help="0: no upper bound.")
    contact_quality = fields.Selection(
        [("ok", "Reachable, contact data not flagged"), ("bad", "Unreachable or contact data flagged wrong")],
        "Contact quality", help="Empty: any.")
    offer_limits = fields.Boolean("Own offer limits", help="Use these limits instead of the stage's.")
    offer_max_discount = fields.Float("Offer discount allowed (%)")
    offer_max_waiver = fields.Float("Fee waiver allowed (%)")
    user_ids = fields.Many2many("res.users", string="Collectors", domain="[('share', '=', False)]",
                                help="Team of collectors; new cases are balanced across them by open workload.")
    strategy_id = fields.Many2one("collection.strategy", check_company=True,
                                  help="Empty: the company's default strategy.")

    @api.constrains("days_min", "days_max", "amount_min", "amount_max", "risk_min", "risk_max",
                    "late_share_min", "broken_promises_min", "partner_domain")
    def _check_ranges(self):
        for seg in self:
            if min(seg.amount_min, seg.amount_max, seg.risk_min, seg.risk_max, seg.late_share_min,
                   seg.broken_promises_min, seg.avg_days_late_min, seg.avg_days_late_max) < 0:
                raise ValidationError(self.env._("Segment %(name)s: amounts, scores and counts cannot be negative.",
                                                 name=seg.name))
            for low, high, label in ((seg.days_min, seg.days_max, self.env._("days overdue")),
                                     (seg.amount_min, seg.amount_max, self.env._("amount")),
                                     (seg.risk_min, seg.risk_max, self.env._("risk score"))):
                if high and high < low:
                    raise ValidationError(self.env._("Segment %(name)s: the %(what)s range ends before it starts.",
                                                     name=seg.name, what=label))
            try:
                domain = safe_eval(seg.partner_domain or "[]")
                self.env["res.partner"].search_count(domain, limit=1)
            except Exception as exc:  # noqa: BLE001 - any parse/evaluation error is a bad domain
                raise ValidationError(self.env._("Segment %(name)s: the customer domain is invalid (%(err)s).",
                                                 name=seg.name, err=exc)) from exc

    def _match_cases(self, cases, behaviour):
        """Return {case_id: reason} for the cases of ``cases`` this segment matches.

        ``behaviour`` maps partner id to its payment behaviour (see engine).
        One query per criterion over the batch, never one per case.
        """
        self.ensure_one()
        reasons = []
        ids = set(cases.ids)
        if self.partner_domain and self.partner_domain.strip() not in ("[]", ""):
            ok = set(self.env["res.partner"].with_context(active_test=False)._search(
                [("id", "in", cases.partner_id.ids)] + safe_eval(self.partner_domain)))
            ids = {c.id for c in cases if c.id in ids and c.partner_id.id in ok}
            reasons.append(self.env._("customer filter"))
        by_id = {c.id: c for c in cases}

        def keep(pred, reason):
            nonlocal ids
            ids = {i for i in ids if pred(by_id[i])}
            reasons.append(reason)

        if self.days_min or self.days_max:
            keep(lambda c: c.days_overdue >= self.days_min and (not self.days_max or c.days_overdue <= self.days_max),
                 self.env._("%(a)s-%(b)s days overdue", a=self.days_min, b=self.days_max or "∞"))
        if self.amount_min or self.amount_max:
            keep(lambda c: c.amount_overdue >= self.amount_min
                 and (not self.amount_max or c.amount_overdue <= self.amount_max),
                 self.env._("overdue %(a)s-%(b)s",
                            a=format_amount(self.env, self.amount_min, self.currency_id or self.env.company.currency_id),
                            b=format_amount(self.env, self.amount_max, self.currency_id or self.env.company.currency_id)
                            if self.amount_max else "∞"))
        if self.country_ids:
            keep(lambda c: c.partner_id.country_id in self.country_ids,
                 self.env._("country in %(c)s", c=", ".join(self.country_ids.mapped("code"))))
        if self.state_ids:
            keep(lambda c: c.partner_id.state_id in self.state_ids,
                 self.env._("state in %(s)s", s=", ".join(self.state_ids.mapped("name"))))
        if self.product_category_ids and ids:
            self.env.cr.execute(
                """
                SELECT DISTINCT cm.case_id
                  FROM collection_case_move cm
                  JOIN account_move_line l ON l.move_id = cm.move_id AND l.display_type = 'product'
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN product_category pc ON pc.id = pt.categ_id
                 WHERE cm.case_id = ANY(%s) AND cm.stage_id IS NOT NULL
                   AND pc.parent_path ~ ANY(%s)
                """,
                [list(ids), [f"(^|/){cid}/" for cid in self.product_category_ids.ids]],
            )
            hit = {r[0] for r in self.env.cr.fetchall()}
            keep(lambda c: c.id in hit, self.env._("product categories %(c)s",
                                                   c=", ".join(self.product_category_ids.mapped("name"))))
        if self.avg_days_late_min or self.avg_days_late_max:
            def avg_ok(c):
                avg = behaviour.get(c.partner_id.id, {}).get("avg_days_late", 0.0)
                return avg >= self.avg_days_late_min and (not self.avg_days_late_max or avg <= self.avg_days_late_max)
            keep(avg_ok, self.env._("average %(a)s-%(b)s days late", a=formatLang(self.env, self.avg_days_late_min, digits=0),
                                    b=formatLang(self.env, self.avg_days_late_max, digits=0) if self.avg_days_late_max else "∞"))
        if self.late_share_min:
            keep(lambda c: behaviour.get(c.partner_id.id, {}).get("late_share", 0.0) * 100 >= self.late_share_min,
                 self.env._("≥%(p)s%% paid late", p=formatLang(self.env, self.late_share_min, digits=0)))
        if self.broken_promises_min:
            keep(lambda c: behaviour.get(c.partner_id.id, {}).get("broken_promises", 0) >= self.broken_promises_min,
                 self.env._("≥%(n)s broken promises", n=self.broken_promises_min))
        if self.risk_min or self.risk_max:
            keep(lambda c: behaviour.get(c.partner_id.id, {}).get("risk", 0.0) >= self.risk_min
                 and (not self.risk_max or behaviour.get(c.partner_id.id, {}).get("risk", 0.0) <= self.risk_max),
                 self.env._("risk %(a)s-%(b)s", a=formatLang(self.env, self.risk_min),
                            b=formatLang(self.env, self.risk_max) if self.risk_max else "∞"))
        if self.contact_quality:
            def bad(case):
                return case.unreachable or case.contact_wrong
            keep(lambda c: bad(c) == (self.contact_quality == "bad"),
                 self.env._("contact data wrong or unreachable") if self.contact_quality == "bad"
                 else self.env._("reachable"))
        reason = self.env._("%(segment)s: %(why)s", segment=self.name,
                            why=", ".join(reasons) or self.env._("matches every case"))
        return dict.fromkeys(ids, reason)
