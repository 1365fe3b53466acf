from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    sdm_platform_type_id = fields.Many2one(
        "sdm.platform.type",
        string="Platform Type",
        index=True,
        tracking=True,
        ondelete="restrict",
        help="How this customer buys from us; groups the regional platform analysis.",
    )

    def _commercial_fields(self):
        return super()._commercial_fields() + ["sdm_platform_type_id"]
