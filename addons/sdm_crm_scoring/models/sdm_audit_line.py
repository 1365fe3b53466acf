from odoo import api, models


class SdmAuditLine(models.Model):
    _inherit = "sdm.audit.line"

    @api.model
    def _sdm_audited_models(self):
        return [
            *super()._sdm_audited_models(),
            "sdm.customer.complaint",
            "sdm.defense.review",
        ]
