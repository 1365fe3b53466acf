from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _sdm_balance_types(self):
        return super()._sdm_balance_types() + ["rebate"]

    def _sdm_balance_limit(self, balance_type, untaxed):
        """A rebate balance may pay at most the company's percentage of an order (返利抵扣上限)."""
        if balance_type == "rebate":
            percent = self.company_id.sdm_rebate_order_cap_percent
            return untaxed * percent / 100.0 if percent else untaxed
        return super()._sdm_balance_limit(balance_type, untaxed)

    def _sdm_balance_label(self, balance_type):
        if balance_type == "rebate":
            return self.env._("Rebate deduction (balance)")
        return super()._sdm_balance_label(balance_type)
