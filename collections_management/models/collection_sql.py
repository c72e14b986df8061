from odoo import api, models
from odoo.tools import SQL


class CollectionSql(models.AbstractModel):
    """Bulk SQL helpers of the suite (the daily run writes thousands of rows per statement)."""

    _name = "collection.sql"
    _description = "Collections: bulk SQL helpers"

    @api.model
    def _rows_sql(self, columns, rows):
        """``unnest(...) AS v(<names>)``: ``rows`` (tuples) as one typed array per column, for the run's bulk
        statements. Thousands of rows cost one parameter per column to build and to parse, not a literal per
        row. ``columns`` are ``(name, SQL type)``."""
        arrays = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
        return SQL("unnest(%s) AS v(%s)",
                   SQL(", ").join(SQL("%s::%s[]", list(values), SQL(kind))
                                  for values, (_name, kind) in zip(arrays, columns, strict=True)),
                   SQL(", ").join(SQL.identifier(name) for name, _kind in columns))
