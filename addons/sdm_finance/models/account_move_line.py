from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def reconcile(self):
        """Manual reconciliations (the invoice's outstanding credits, the Reconcile action of Journal Items) carry
        ``sdm_writeoff_manual`` in their context: they follow the company's write-off rules for items whose keys
        differ (see ``sdm.writeoff._sdm_check_manual``); other reconciliations are not concerned."""
        if self.env.context.get("sdm_writeoff_manual"):
            self.env["sdm.writeoff"]._sdm_check_manual(self)
        return super().reconcile()
