from odoo import fields, models


class SdmSalesPlanRevise(models.TransientModel):
    _name = "sdm.sales.plan.revise"
    _description = "Revise a Sales Plan"

    plan_id = fields.Many2one("sdm.sales.plan", required=True)
    reason = fields.Text(required=True)

    def action_revise(self):
        self.ensure_one()
        revision = self.plan_id._sdm_revise(self.reason)
        return {
            "type": "ir.actions.act_window",
            "res_model": "sdm.sales.plan",
            "res_id": revision.id,
            "view_mode": "form",
        }
