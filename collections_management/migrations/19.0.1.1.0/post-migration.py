from odoo.tools import SQL

# Indexes the run's tables no longer declare (see collection_case.py): Odoo keeps an index a field stops asking
# for, so an upgraded database drops them here, as a new one never creates them.
DROPPED = [
    "collection_case__state_index", "collection_case__stage_id_index", "collection_case__segment_id_index",
    "collection_case__company_id_index", "collection_case__excluded_index", "collection_case__unreachable_index",
    "collection_step_execution__company_id_index", "collection_legal_record__company_id_index",
]


def migrate(cr, version):
    for index in DROPPED:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(index)))
