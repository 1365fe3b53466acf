from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        invoices = posted.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        if invoices:
            # Live progress: agreements already following these customers are refreshed (one SQL pass).
            progress = (
                self.env["sdm.rebate.progress"]
                .sudo()
                .search([("partner_id", "in", invoices.commercial_partner_id.ids)])
            )
            if progress:
                self.env["sdm.rebate.progress"].sudo()._sdm_refresh(progress.agreement_id)
        return posted

    def js_assign_outstanding_line(self, line_id):
        # The invoice's "Add" on an outstanding credit is a manual reconciliation: write-off rules apply.
        return super(AccountMove, self.with_context(sdm_writeoff_manual=True)).js_assign_outstanding_line(line_id)
