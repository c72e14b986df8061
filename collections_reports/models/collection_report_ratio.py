from odoo import models
from odoo.tools import SQL


class CollectionReportRatio(models.AbstractModel):
    """Rates that stay right in every grouping: a rate field named in ``_collection_ratios`` is read in
    groups as ``100 * SUM(numerator) / SUM(denominator)``, not as the average of its rows' rates."""

    _name = "collection.report.ratio"
    _description = "Collections report with exact rates"
    _collection_ratios = {}  # rate field: (numerator field, denominator field)

    def _read_group_select(self, aggregate_spec, query):
        fname = aggregate_spec.split(":")[0]
        if fname in self._collection_ratios and ":" in aggregate_spec:
            numerator, denominator = (self._field_to_sql(self._table, name, query)
                                      for name in self._collection_ratios[fname])
            return SQL("100.0 * SUM(%s) / NULLIF(SUM(%s), 0)", numerator, denominator)
        return super()._read_group_select(aggregate_spec, query)
