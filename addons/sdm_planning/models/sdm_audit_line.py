from odoo import api, models


class SdmAuditLine(models.Model):
    _inherit = "sdm.audit.line"

    @api.model
    def _sdm_audited_models(self):
        return [
            *super()._sdm_audited_models(),
            "sdm.allocation",
            "sdm.allocation.transfer",
            "sdm.incentive.plan",
            "sdm.incentive.settlement",
            "sdm.sales.plan",
        ]
