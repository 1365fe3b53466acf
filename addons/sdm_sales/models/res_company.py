from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    sdm_region_from_team = fields.Boolean(
        string="Region Follows Branch",
        default=True,
        help="A customer's region is set from the region of its branch (sales team) whenever the "
        "branch changes. It can still be changed by hand afterwards.",
    )
