from odoo import fields, models


class CrmTeam(models.Model):
    """In SDM a sales team is a branch (分支机构) of a sales region."""

    _inherit = "crm.team"

    sdm_region_id = fields.Many2one(
        "sdm.region",
        string="Region",
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
        help="The sales region this branch belongs to. Customers of the branch take this region.",
    )
