from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sdm_usage_basis = fields.Selection(related="company_id.sdm_usage_basis", readonly=False)
    sdm_usage_categ_ids = fields.Many2many(related="company_id.sdm_usage_categ_ids", readonly=False)
    sdm_usage_months = fields.Integer(related="company_id.sdm_usage_months", readonly=False)
    sdm_alert_score_below = fields.Float(related="company_id.sdm_alert_score_below", readonly=False)
    sdm_alert_score_drop = fields.Float(related="company_id.sdm_alert_score_drop", readonly=False)
    sdm_alert_share_drop = fields.Float(related="company_id.sdm_alert_share_drop", readonly=False)
