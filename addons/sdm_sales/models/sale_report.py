from odoo import fields, models


class SaleReport(models.Model):
    _inherit = "sale.report"

    sdm_region_id = fields.Many2one("sdm.region", string="Sales Region", readonly=True)

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        res["sdm_region_id"] = "s.sdm_region_id"
        return res

    def _group_by_sale(self):
        return super()._group_by_sale() + ",\n            s.sdm_region_id"
