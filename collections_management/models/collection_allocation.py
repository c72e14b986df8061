from odoo import api, models

# what a payment settles first under "charges first": costs, then interest and late fees, then the debt itself
CHARGE_RANK = {"cost": 0, "fee": 1, "interest": 1}
PRINCIPAL_RANK = 2


class CollectionAllocation(models.AbstractModel):
    """Allocation: the order in which a payment settles a debtor's documents, one rule for every feature.

    By default (company setting), a payment goes to costs first, then to interest and late fees, and only
    then to the principal: Colombian Civil Code art. 1653 ("todo pago se imputará primeramente a los
    intereses, salvo que el acreedor consienta expresamente que se impute al capital"). The other order is
    oldest first. Within each class the document whose oldest open installment fell due first goes first.
    The portal's payments ("pay everything overdue", a selection, the next installment of a plan) are
    reconciled in this order, one document after the other.
    """

    _name = "collection.allocation"
    _description = "Collections: allocation of payments"

    @api.model
    def _sorted(self, moves):
        """``moves`` in the order a payment settles them (each document's company says which order)."""
        def key(move):
            rank = PRINCIPAL_RANK
            if move.company_id.collection_allocation_order == "charges_first":
                rank = CHARGE_RANK.get(move.collection_charge_type, PRINCIPAL_RANK)
            return (rank, move.collection_due_date or move.invoice_date_due or move.date, move.id)
        return moves.sorted(key)

    @api.model
    def _split(self, moves, amount):
        """[(document, part of ``amount``)] in settling order: each document takes what is open on it
        (its currency) until the amount is used up; documents it does not reach are left out."""
        parts = []
        for move in self._sorted(moves):
            if move.currency_id.compare_amounts(amount, 0) <= 0:
                break
            take = min(amount, move.amount_residual)
            if move.currency_id.compare_amounts(take, 0) > 0:
                parts.append((move, move.currency_id.round(take)))
                amount -= take
        return parts

    @api.model
    def _reconcile_in_order(self, lines, move_ids):
        """Reconcile ``lines`` (a payment's receivable line with documents' ones) document by document in the
        order ``move_ids`` gives: the payment settles the first one fully before the next gets anything.
        Returns the lines left unreconciled (documents not in ``move_ids``, what the payment has left)."""
        groups = [lines.filtered(lambda line, mid=mid: line.move_id.id == mid) for mid in move_ids]
        groups = [group for group in groups if group]
        documents = lines.browse([line.id for group in groups for line in group])
        payment = lines - documents
        for group in groups:
            todo = (payment | group).filtered(lambda line: not line.reconciled)
            if todo & payment and todo & group:
                todo.reconcile()
        return lines.filtered(lambda line: not line.reconciled)
