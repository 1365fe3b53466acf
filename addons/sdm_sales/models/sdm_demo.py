from odoo import api, models


class SdmDemo(models.AbstractModel):
    """Builds the SDM demo data set (a Chinese manufacturer and its distribution network)."""

    _name = "sdm.demo"
    _description = "SDM Demo Data"

    @api.model
    def _sdm_generate_demo(self, months=12, orders_per_month=20):
        return True
