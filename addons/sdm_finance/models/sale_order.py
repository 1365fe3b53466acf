from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _sdm_balance_kinds(self):
        return super()._sdm_balance_kinds() + ["rebate"]

    def _sdm_balance_limit(self, kind, untaxed):
        """A rebate balance may pay at most the company's percentage of an order (返利抵扣上限)."""
        if kind == "rebate":
            percent = self.company_id.sdm_rebate_order_cap_percent
            return untaxed * percent / 100.0 if percent else untaxed
        return super()._sdm_balance_limit(kind, untaxed)

    def _sdm_balance_label(self, kind):
        if kind == "rebate":
            return self.env._("Rebate deduction (balance)")
        return super()._sdm_balance_label(kind)
