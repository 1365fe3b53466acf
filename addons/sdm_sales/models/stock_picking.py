from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _sdm_check_credit_on_delivery(self):
        """Credit checkpoint of deliveries to customers (the order is already in the exposure)."""
        to_check = self.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.partner_id and p.company_id.sdm_credit_check_delivery
        )
        for company, pickings in to_check.grouped("company_id").items():
            self.env["res.partner"]._sdm_check_credit_documents(
                company,
                "delivery",
                [(picking.partner_id, 0.0, picking.sale_id, picking.sale_id or picking) for picking in pickings],
            )

    def button_validate(self):
        self._sdm_check_credit_on_delivery()
        return super().button_validate()
