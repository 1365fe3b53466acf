from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sdm_region_from_team = fields.Boolean(related="company_id.sdm_region_from_team", readonly=False)
