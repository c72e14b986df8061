from odoo.tools import SQL


def pre_init_hook(env):
    """Create the engine's stored columns on account_move before the ORM does.

    They are written by the daily engine, never computed by the ORM, so creating
    them empty here keeps the install instant on a book of any size.
    """
    env.cr.execute(
        SQL(
            """
            ALTER TABLE account_move
                ADD COLUMN IF NOT EXISTS collection_excluded BOOLEAN,
                ADD COLUMN IF NOT EXISTS collection_disputed BOOLEAN,
                ADD COLUMN IF NOT EXISTS collection_charge_type VARCHAR,
                ADD COLUMN IF NOT EXISTS collection_interest_plan_id INT4,
                ADD COLUMN IF NOT EXISTS collection_plan_line_id INT4
            """
        )
    )


def post_init_hook(env):
    """Give every existing company the default stages."""
    env["res.company"].search([])._collection_ensure_default_stages()
