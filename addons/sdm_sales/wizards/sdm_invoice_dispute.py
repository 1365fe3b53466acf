from odoo import fields, models


class SdmInvoiceDispute(models.TransientModel):
    _name = "sdm.invoice.dispute"
    _description = "Dispute Invoices"

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    reason = fields.Text(
        required=True, help="What the customer contests: quantities, prices, quality, a missing credit."
    )

    def action_confirm(self):
        self.ensure_one()
        self.move_ids._sdm_dispute(self.reason)
        return {"type": "ir.actions.act_window_close"}
