from datetime import timedelta

from odoo import api, models


class CollectionCeiling(models.AbstractModel):
    """The legal ceiling on late charges: the one place that says how much may be charged for being late.

    Latin-American ceilings are stated as an *effective annual* rate: Colombia's usury rate (tasa de
    usura), certified for each period by the Superintendencia Financiera, caps late-payment interest
    (Código de Comercio art. 884, as amended by Ley 510 de 1999 art. 111); what is charged above it is
    lost with a penalty of the same amount (Ley 45 de 1990 art. 72). An effective annual rate ``EA`` over
    ``n`` days is ``(1 + EA)^(n/365) - 1``, never ``EA * n / 365`` (that overstates it for any period
    shorter than a year: 20,975.34 instead of 18,857.37 on 1,000,000 for 30 days at 25.52 %).

    The ceiling caps the *sum* of every late charge on an invoice since it fell due: interest, fixed and
    percentage fees, minimums (a minimum never lifts a charge above the ceiling), every rule together, and
    the interest of a payment plan on the same debt. The company's rate is the one in force when charging.
    """

    _name = "collection.ceiling"
    _description = "Collections: legal ceiling on late charges"

    @api.model
    def _rate(self, company):
        """The company's ceiling as a fraction (0.2552 for 25.52 % EA), or ``None`` when it has none."""
        rate = company.collection_max_annual_rate
        return rate / 100 if rate and rate > 0 else None

    @api.model
    def _period_rate(self, effective_annual, days):
        """The exact rate of ``days`` days at an effective annual rate: ``(1 + EA)^(days/365) - 1``."""
        return (1 + effective_annual) ** (days / 365) - 1 if days > 0 else 0.0

    @api.model
    def _open_segments(self, residual_now, reductions, date_from, date_to):
        """[(open amount, days)] over ``date_from``..``date_to`` (both included): the amount each day had open.

        ``reductions`` are ``(date, amount)`` applied after ``date_from`` (payments, credit notes): dated D,
        a reduction already lowers day D. Late interest and the ceiling read the same days.
        """
        if date_from > date_to:
            return []
        owed = residual_now + sum(amount for day, amount in reductions if day > date_from)
        segments, day = [], date_from
        for change_day, amount in sorted((d, a) for d, a in reductions if d > date_from):
            if change_day > date_to:
                break
            segments.append((owed, (change_day - day).days))
            owed -= amount
            day = change_day
        segments.append((owed, (date_to - day).days + 1))
        return [(owed, days) for owed, days in segments if days > 0]

    @api.model
    def _max_late_charges(self, company, residual_now, reductions, due_date, date_to):
        """The most that may have been charged, in all, for the lateness of a document due on ``due_date``
        until ``date_to`` (document currency), or ``None`` without a ceiling."""
        rate = self._rate(company)
        if rate is None:
            return None
        segments = self._open_segments(residual_now, reductions, due_date + timedelta(days=1), date_to)
        return sum(owed * self._period_rate(rate, days) for owed, days in segments)

    @api.model
    def _max_schedule_interest(self, company, start, installments):
        """The most a payment plan may charge as interest: each installment's principal ``(date, amount)``
        owed from ``start`` until its date at the ceiling, or ``None`` without a ceiling."""
        rate = self._rate(company)
        if rate is None:
            return None
        return sum(amount * self._period_rate(rate, (day - start).days) for day, amount in installments)
