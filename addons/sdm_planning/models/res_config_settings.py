from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sdm_plan_actual_basis = fields.Selection(related="company_id.sdm_plan_actual_basis", readonly=False)
    sdm_allocation_mode = fields.Selection(related="company_id.sdm_allocation_mode", readonly=False)
