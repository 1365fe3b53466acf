from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmTeam(models.Model):
    """In SDM a sales team is a branch (分支机构) of a sales region."""

    _inherit = "crm.team"

    sdm_region_id = fields.Many2one(
        "sdm.region",
        string="Region",
        index=True,
        tracking=True,
        ondelete="restrict",
        domain="[('company_id', 'in', (company_id, False))]",
        help="The sales region this branch belongs to. Customers of the branch take this region.",
    )

    @api.constrains("sdm_region_id", "company_id")
    def _check_sdm_region_company(self):
        for team in self:
            region = team.sdm_region_id
            if region.company_id and team.company_id and region.company_id != team.company_id:
                raise ValidationError(
                    self.env._(
                        "Branch '%(branch)s' (company %(company)s) cannot belong to region "
                        "'%(region)s' of company %(region_company)s.",
                        branch=team.name,
                        company=team.company_id.name,
                        region=region.complete_name,
                        region_company=region.company_id.name,
                    )
                )
