from odoo import api, fields, models


class ResPartner(models.Model):
    """Region and branch of a customer (credit: res_partner_credit.py; balances: res_partner_balance.py)."""

    _inherit = "res.partner"

    # ------------------------------------------------------------------ region and branch
    # Both fields live on the commercial entity and are shared by its contacts and addresses.
    sdm_branch_id = fields.Many2one(
        "crm.team",
        string="Branch",
        compute="_compute_sdm_branch_id",
        store=True,
        readonly=False,
        recursive=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        help="The branch (sales team) that serves this customer. Defaults from the salesperson's sales team.",
    )
    sdm_region_id = fields.Many2one(
        "sdm.region",
        string="Sales Region",
        compute="_compute_sdm_region_id",
        store=True,
        readonly=False,
        recursive=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        help="Defaults from the region of the customer's branch; can be overridden.",
    )

    # ------------------------------------------------------------------ region computes
    @api.depends("user_id.sale_team_id", "parent_id.sdm_branch_id", "is_company")
    def _compute_sdm_branch_id(self):
        for partner in self:
            if partner._sdm_is_contact():
                partner.sdm_branch_id = partner.parent_id.sdm_branch_id
            elif partner.user_id.sale_team_id:
                partner.sdm_branch_id = partner.user_id.sale_team_id
            else:
                partner.sdm_branch_id = partner.sdm_branch_id

    @api.depends("sdm_branch_id.sdm_region_id", "parent_id.sdm_region_id", "is_company")
    def _compute_sdm_region_id(self):
        for partner in self:
            if partner._sdm_is_contact():
                partner.sdm_region_id = partner.parent_id.sdm_region_id
                continue
            company = partner.company_id or self.env.company
            branch_region = partner.sdm_branch_id.sdm_region_id
            if branch_region and company.sdm_region_from_team:
                partner.sdm_region_id = branch_region
            else:
                partner.sdm_region_id = partner.sdm_region_id

    def _sdm_is_contact(self):
        """A contact or an address of a commercial entity (which holds the SDM fields)."""
        self.ensure_one()
        return bool(self.parent_id) and not self.is_company
