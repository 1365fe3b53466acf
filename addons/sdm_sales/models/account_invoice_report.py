from odoo import fields, models
from odoo.tools import SQL


class AccountInvoiceReport(models.Model):
    _inherit = "account.invoice.report"

    sdm_region_id = fields.Many2one("sdm.region", string="Sales Region", readonly=True)

    def _select(self) -> SQL:
        return SQL("%s, move.sdm_region_id AS sdm_region_id", super()._select())
