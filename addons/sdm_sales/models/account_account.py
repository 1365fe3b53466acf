from odoo import models


class AccountAccount(models.Model):
    _inherit = "account.account"

    def write(self, vals):
        res = super().write(vals)
        if "account_type" in vals:
            # Open items now count (or stop counting) as receivables in the credit aggregates.
            self.env["sdm.credit.bucket"]._sdm_rebuild()
        return res
