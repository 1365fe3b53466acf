from odoo import models


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    def _create_payments(self):
        # A payment registered from invoices is reconciled with them by this wizard: no write-off rule on posting.
        return super(AccountPaymentRegister, self.with_context(sdm_writeoff_skip=True))._create_payments()

    def _sdm_write_off_key_vals(self, lines):
        """The write-off key of a payment registered for ``lines``: their invoices' salesperson and branch when
        they share them (the invoice reference is the memo, filled by the wizard)."""
        moves = lines.move_id
        vals = {}
        if len(moves.invoice_user_id) == 1 and all(moves.mapped("invoice_user_id")):
            vals["sdm_user_id"] = moves.invoice_user_id.id
        if len(moves.team_id) == 1 and all(moves.mapped("team_id")):
            vals["sdm_team_id"] = moves.team_id.id
        orders = lines.move_id.line_ids.sale_line_ids.order_id
        if len(orders) == 1:
            vals["sdm_sale_order_id"] = orders.id
        return vals

    def _create_payment_vals_from_wizard(self, batch_result):
        vals = super()._create_payment_vals_from_wizard(batch_result)
        vals.update(self._sdm_write_off_key_vals(batch_result["lines"]))
        return vals

    def _create_payment_vals_from_batch(self, batch_result):
        vals = super()._create_payment_vals_from_batch(batch_result)
        vals.update(self._sdm_write_off_key_vals(batch_result["lines"]))
        return vals
