from odoo import models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "sdm.region.mixin"]

    def _sdm_has_region(self):
        return self.is_sale_document(include_receipts=True)

    def _sdm_credit_amount(self):
        """What posting this invoice adds to the exposure: the part not already counted as an uninvoiced order."""
        self.ensure_one()
        from_orders = 0.0
        for line in self.invoice_line_ids.filtered("sale_line_ids"):
            ratio = line.price_total / line.price_subtotal if line.price_subtotal else 1.0
            from_orders += -line.balance * ratio
        return self.company_currency_id.round(self.amount_total_signed - from_orders)

    def _sdm_check_credit_on_posting(self):
        for move in self:
            company = move.company_id
            if move.move_type != "out_invoice" or move.state != "draft" or not company.sdm_credit_check_invoice:
                continue
            orders = move.invoice_line_ids.sale_line_ids.order_id
            move.commercial_partner_id._sdm_check_credit(
                company,
                move._sdm_credit_amount(),
                "invoice",
                order=orders if len(orders) == 1 else None,
                document=move,
            )

    def _post(self, soft=True):
        self._sdm_check_credit_on_posting()
        return super()._post(soft=soft)
