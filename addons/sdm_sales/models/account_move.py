from odoo import models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "sdm.region.mixin"]

    def _sdm_has_region(self):
        return self.is_sale_document(include_receipts=True)
