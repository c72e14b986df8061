from collections import defaultdict
from datetime import timedelta

from odoo import SUPERUSER_ID, fields, models
from odoo.tools import SQL


class CollectionActivity(models.AbstractModel):
    """The tasks the suite gives people: who does each (a real person, never OdooBot), on which working day,
    and the run's activities written in bulk as the ORM would write them."""

    _name = "collection.activity"
    _description = "Collections: tasks and who gets them"

    def _next_working_day(self, company, day):
        allowed = {int(d) for d in (company.collection_working_days or "0,1,2,3,4").split(",") if d.strip().isdigit()}
        if not allowed:
            return day
        while day.weekday() not in allowed:
            day += timedelta(days=1)
        return day

    def _responsible(self, case, legal=False, managers=None):
        """Who does a task of the run on this case: a real person, never the cron's OdooBot.

        Legal tasks go to the company's legal responsible; the others to the
        case's collector, else the company's responsible for unassigned cases,
        else its first Collections Manager.
        """
        company = case.company_id
        if legal and company.collection_legal_user_id:
            return company.collection_legal_user_id
        if case.user_id:
            return case.user_id
        if company.collection_default_user_id:
            return company.collection_default_user_id
        managers = managers if managers is not None else self._company_managers()
        return self.env["res.users"].browse(managers.get(company.id))

    def _company_managers(self):
        """{company id: id of its first active Collections Manager (a person, not OdooBot)}."""
        group = self.env.ref("collections_management.collections_management_group_manager")
        result = {}
        for user in group.sudo().all_user_ids.sorted("id"):
            if not user.active or user.share or user.id == SUPERUSER_ID:
                continue
            for company in user.company_ids:
                result.setdefault(company.id, user.id)
        return result

    def _schedule_activities(self, cases, activity_type, summary_text, today, note=None, legal=False):
        """One activity per case for a real person (see ``_responsible``), due on a working day."""
        activity_type = activity_type or self.env.ref("mail.mail_activity_data_todo")
        vals_list = []
        managers = self._company_managers() if cases.filtered(lambda c: not c.user_id) else {}
        for case in cases:
            user = self._responsible(case, legal=legal, managers=managers)
            if not user:
                continue
            vals_list.append({
                "res_id": case.id,
                "activity_type_id": activity_type.id,
                "summary": summary_text,
                "note": note or None,
                "user_id": user.id,
                "date_deadline": self._next_working_day(case.company_id, today),
            })
        return self._insert_activities("collection.case", vals_list)

    def _insert_activities(self, model, vals_list):
        """Create the run's activities in one statement, leaving the rows ``mail.activity.create`` would.

        The ORM creates them one by one (computed fields, follower checks): too
        slow for the thousands a first run opens. The same rows are written
        here: the activity (its stored related fields filled as the ORM fills
        them), the assignee's partner subscribed to the record, the assignee's
        activity counter refreshed on the bus. ``test_bulk_activities_match_orm``
        compares both.
        """
        Activity = self.env["mail.activity"]
        if not vals_list:
            return Activity
        self.env.flush_all()
        records = self.env[model].browse({vals["res_id"] for vals in vals_list})
        names = {record.id: record.display_name for record in records}
        users = self.env["res.users"].browse({vals["user_id"] for vals in vals_list})
        tz_of = {user.id: user.tz for user in users}
        partner_of = {user.id: user.partner_id.id for user in users}
        now = fields.Datetime.now()
        self.env.cr.execute(SQL(
            """
            INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id, summary, note,
                                       date_deadline, user_id, user_tz, active,
                                       create_uid, create_date, write_uid, write_date)
            SELECT %(model_id)s, %(model)s, v.res_id, v.res_name, v.type_id, v.summary, v.note,
                   v.deadline, v.user_id, v.tz, TRUE, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM %(rows)s
            RETURNING id
            """,
            model_id=self.env["ir.model"]._get_id(model), model=model, uid=self.env.uid, now=now,
            rows=self.env["collection.sql"]._rows_sql(
                [("res_id", "int"), ("res_name", "varchar"), ("type_id", "int"), ("summary", "varchar"),
                 ("note", "text"), ("deadline", "date"), ("user_id", "int"), ("tz", "varchar")],
                [(vals["res_id"], names[vals["res_id"]], vals["activity_type_id"], vals["summary"] or None,
                  vals["note"] and str(vals["note"]) or None, vals["date_deadline"], vals["user_id"],
                  tz_of[vals["user_id"]] or None)
                 for vals in vals_list]),
        ))
        activities = Activity.browse([row[0] for row in self.env.cr.fetchall()])
        self.env.cr.execute(SQL(
            """
            INSERT INTO mail_followers (res_model, res_id, partner_id)
            SELECT DISTINCT %(model)s, v.res_id, v.partner_id FROM %(rows)s
            ON CONFLICT DO NOTHING
            """,
            model=model,
            rows=self.env["collection.sql"]._rows_sql([("res_id", "int"), ("partner_id", "int")],
                                [(vals["res_id"], partner_of[vals["user_id"]]) for vals in vals_list]),
        ))
        self.env["mail.followers"].invalidate_model()
        self.env[model].invalidate_model(["activity_ids", "message_follower_ids", "message_partner_ids"])
        today = fields.Date.today()
        due = defaultdict(int)
        for vals in vals_list:
            if vals["date_deadline"] <= today:
                due[vals["user_id"]] += 1
        for user in users:
            if due.get(user.id):
                user._bus_send("mail.activity/updated", {"activity_created": True, "count_diff": due[user.id]})
        return activities
