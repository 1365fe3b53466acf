from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _sdm_check_credit_on_delivery(self):
        """Credit checkpoint of deliveries to customers (the order is already in the exposure)."""
        for picking in self:
            company = picking.company_id
            if (
                picking.picking_type_code != "outgoing"
                or not picking.partner_id
                or not company.sdm_credit_check_delivery
            ):
                continue
            picking.partner_id.commercial_partner_id._sdm_check_credit(
                company, 0.0, "delivery", order=picking.sale_id, document=picking.sale_id or picking
            )

    def button_validate(self):
        self._sdm_check_credit_on_delivery()
        return super().button_validate()
