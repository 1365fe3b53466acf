from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id.filtered("sdm_credit_approval_ids")._sdm_void_credit_approvals_if_increased()
        return lines

    def write(self, vals):
        res = super().write(vals)
        self.order_id.filtered("sdm_credit_approval_ids")._sdm_void_credit_approvals_if_increased()
        return res
