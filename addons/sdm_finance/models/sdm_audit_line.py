from odoo import api, models


class SdmAuditLine(models.Model):
    _inherit = "sdm.audit.line"

    @api.model
    def _sdm_audited_models(self):
        return [
            *super()._sdm_audited_models(),
            "sdm.ar.adjustment",
            "sdm.customer.statement",
            "sdm.expense.budget",
            "sdm.expense.budget.transfer",
            "sdm.followup",
            "sdm.payment.promise",
            "sdm.rebate.agreement",
            "sdm.rebate.settlement",
            "sdm.sales.expense",
        ]
