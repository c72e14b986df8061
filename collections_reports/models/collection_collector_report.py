from odoo import fields, models
from odoo.tools import SQL


class CollectionCollectorReport(models.Model):
    """What each collector did and brought in, per month (SQL view, company currency).

    - contacts: calls, visits and messages the collector logged by hand;
    - activities done: collection tasks marked done by the collector (on cases);
    - collected within 30 days: each payment (or bank line) reconciled with a debtor's receivables is
      credited once, to the latest contact a collector logged on that case in the 30 days before it;
    - cases closed and the average days to collect them (opened to closed), for the collector's cases.
    """

    _name = "collection.collector.report"
    _description = "Collector performance"
    _auto = False
    _order = "month desc, user_id"
    _depends = {
        "collection.interaction": ["user_id", "date", "automatic", "case_id", "company_id"],
        "collection.case": ["user_id", "state", "closed_date", "company_id"],
        "mail.message": ["model", "mail_activity_type_id", "author_id", "date"],
        "account.partial.reconcile": ["amount", "debit_move_id", "credit_move_id"],
    }

    month = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", "Collector", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    contact_count = fields.Integer("Contacts logged", readonly=True)
    activity_count = fields.Integer("Tasks done", readonly=True)
    collected_30d = fields.Monetary("Collected within 30 days of a contact", readonly=True)
    closed_count = fields.Integer("Cases closed", readonly=True)
    days_to_collect = fields.Float("Days to collect (average)", aggregator="avg", readonly=True)

    @property
    def _table_query(self):
        cash = self.env["collection.engine"]._case_cash_sql(SQL(
            "EXISTS (SELECT 1 FROM collection_interaction k WHERE k.case_id = cc.id AND k.automatic IS NOT TRUE"
            " AND k.user_id IS NOT NULL)"))
        return SQL(
            """
            WITH contacts AS (
                SELECT i.id, i.case_id, i.user_id, i.company_id, i.date
                  FROM collection_interaction i
                 WHERE i.automatic IS NOT TRUE AND i.user_id IS NOT NULL
            ), cash AS (
                %(cash)s
            ), credited AS (
                SELECT DISTINCT ON (cash.id) cash.amount, k.user_id, k.company_id,
                       date_trunc('month', k.date)::date AS month
                  FROM cash
                  JOIN contacts k ON k.case_id = cash.case_id
                   AND (k.date AT TIME ZONE 'UTC')::date <= cash.paid_on
                   AND (k.date AT TIME ZONE 'UTC')::date > cash.paid_on - 30
                 ORDER BY cash.id, k.date DESC, k.id DESC
            ), facts AS (
                SELECT k.user_id, k.company_id, date_trunc('month', k.date)::date AS month, 1 AS contacts,
                       0 AS activities, 0.0 AS collected, 0 AS closed, NULL::float AS days
                  FROM contacts k
                UNION ALL
                SELECT u.id, c.company_id, date_trunc('month', m.date)::date, 0, 1, 0.0, 0, NULL
                  FROM mail_message m
                  JOIN res_users u ON u.partner_id = m.author_id
                  JOIN collection_case c ON c.id = m.res_id
                 WHERE m.model = 'collection.case' AND m.mail_activity_type_id IS NOT NULL
                   AND m.message_type = 'notification'
                UNION ALL
                SELECT user_id, company_id, month, 0, 0, amount, 0, NULL FROM credited
                UNION ALL
                SELECT c.user_id, c.company_id, date_trunc('month', c.closed_date)::date, 0, 0, 0.0, 1,
                       (c.closed_date - (c.create_date AT TIME ZONE 'UTC')::date)::float
                  FROM collection_case c
                 WHERE c.state = 'closed' AND c.user_id IS NOT NULL AND c.closed_date IS NOT NULL
            )
            SELECT row_number() OVER (ORDER BY f.month, f.user_id, f.company_id) AS id, f.month, f.user_id,
                   f.company_id, rc.currency_id, SUM(f.contacts) AS contact_count,
                   SUM(f.activities) AS activity_count, SUM(f.collected) AS collected_30d,
                   SUM(f.closed) AS closed_count, AVG(f.days) AS days_to_collect
              FROM facts f
              JOIN res_company rc ON rc.id = f.company_id
             GROUP BY f.month, f.user_id, f.company_id, rc.currency_id
            """, cash=cash)
