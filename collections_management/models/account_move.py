from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # Written by the daily engine from the open receivable lines (installment
    # aware: the worst open line decides). Pre-created in pre_init_hook.
    collection_stage_id = fields.Many2one(
        "collection.stage", "Collection stage", index="btree_not_null", readonly=True, copy=False
    )
    collection_days_overdue = fields.Integer("Days overdue", readonly=True, copy=False)
    collection_case_id = fields.Many2one(
        "collection.case", "Collection case", index="btree_not_null", readonly=True, copy=False
    )
    collection_excluded = fields.Boolean(
        "Excluded from collections", copy=False, tracking=True,
        help="The engine tracks this invoice in totals but runs no step for it.",
    )
    collection_exclusion_reason = fields.Char("Exclusion reason", copy=False)
    collection_disputed = fields.Boolean(
        "Disputed", readonly=True, copy=False,
        help="An open dispute takes this invoice out of collections until resolved.",
    )
    collection_dispute_ids = fields.One2many("collection.dispute", "move_id", "Disputes")
