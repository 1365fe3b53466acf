from odoo import api, fields, models

# Customer fields whose change needs a manager's approval unless Settings say otherwise: name, tax id, the
# invoice address, pricelist, payment terms, salesperson, branch and region.
DEFAULT_GUARDED_FIELDS = (
    "name",
    "vat",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "property_product_pricelist",
    "property_payment_term_id",
    "user_id",
    "sdm_branch_id",
    "sdm_region_id",
)


class ResCompany(models.Model):
    """Approved changes to customer master data (数据更改须经上级批准): what is guarded and who approves."""

    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    sdm_change_approval = fields.Boolean(
        string="Customer Changes Need Approval",
        default=True,
        help="A salesperson's change of a guarded field of a customer becomes a change request that her manager "
        "approves; managers, finance and SDM administrators edit directly.",
    )
    sdm_change_field_ids = fields.Many2many(
        "ir.model.fields",
        "sdm_company_change_field_rel",
        "company_id",
        "field_id",
        string="Guarded Customer Fields",
        domain="[('model', '=', 'res.partner'), ('store', '=', True), ('ttype', 'not in', "
        "('one2many', 'many2many', 'binary'))]",
        help="Empty: name, tax id, invoice address, pricelist, payment terms, salesperson, branch and region.",
    )
    sdm_change_approver = fields.Selection(
        [("branch", "Branch Manager"), ("region", "Regional Manager")],
        string="Customer Changes Approved By",
        default="region",
        required=True,
        help="Who approves a salesperson's change request: the leader of the customer's branch, or the manager of "
        "its sales region (the nearest one up the regions). Without one, the SDM administrators.",
    )

    def _sdm_guarded_partner_fields(self):
        """Names of the customer fields a change request guards in this company (empty when approval is off)."""
        self.ensure_one()
        if not self.sdm_change_approval:
            return frozenset()
        if self.sdm_change_field_ids:
            return frozenset(self.sudo().sdm_change_field_ids.mapped("name"))
        partner_fields = self.env["res.partner"]._fields
        return frozenset(name for name in DEFAULT_GUARDED_FIELDS if name in partner_fields)

    @api.model
    def _sdm_change_bypass_groups(self):
        """Who edits guarded customer fields directly: managers, finance, SDM administrators."""
        return (
            "sdm_sales.group_sdm_regional_manager",
            "sdm_sales.group_sdm_finance",
            "sdm_sales.group_sdm_admin",
            "sales_team.group_sale_manager",
        )
