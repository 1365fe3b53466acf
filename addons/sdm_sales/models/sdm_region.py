from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SdmRegion(models.Model):
    """A sales region (大区). Regions nest (华东 > 上海片区); their branches are sales teams."""

    _name = "sdm.region"
    _description = "Sales Region"
    _inherit = ["mail.thread"]
    _parent_name = "parent_id"
    _parent_store = True
    _rec_name = "complete_name"
    _order = "complete_name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(help="Short code used in reports and imports, e.g. EC for East China.")
    complete_name = fields.Char(compute="_compute_complete_name", store=True, recursive=True)
    parent_id = fields.Many2one(
        "sdm.region",
        string="Parent Region",
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("sdm.region", "parent_id", string="Sub-regions")
    manager_id = fields.Many2one(
        "res.users",
        string="Regional Manager",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Sees the customers, orders and invoices of this region and of its sub-regions "
        "when they belong to the Regional Manager group.",
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True, tracking=True)
    branch_ids = fields.One2many("crm.team", "sdm_region_id", string="Branches")
    branch_count = fields.Integer(compute="_compute_counts")
    partner_count = fields.Integer(string="Customers", compute="_compute_counts")
    active = fields.Boolean(default=True, tracking=True)
    color = fields.Integer()
    note = fields.Html()

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The region code must be unique per company.",
        ),
    ]

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for region in self:
            if region.parent_id:
                region.complete_name = f"{region.parent_id.complete_name} / {region.name}"
            else:
                region.complete_name = region.name

    def _compute_counts(self):
        branches = dict(
            self.env["crm.team"]._read_group([("sdm_region_id", "in", self.ids)], ["sdm_region_id"], ["__count"])
        )
        partners = dict(
            self.env["res.partner"]._read_group(
                [("sdm_region_id", "in", self.ids), ("is_company", "=", True)], ["sdm_region_id"], ["__count"]
            )
        )
        for region in self:
            region.branch_count = branches.get(region, 0)
            region.partner_count = partners.get(region, 0)

    def _sdm_check_parent(self, parent):
        """Refuse to put a region under itself or one of its descendants (before anything is written)."""
        ancestors = parent
        while ancestors[-1:].parent_id:
            ancestors |= ancestors[-1].parent_id
        for region in self:
            if region in ancestors:
                raise ValidationError(
                    self.env._(
                        "Region '%(region)s' cannot be placed under '%(parent)s': a region cannot be its own ancestor.",
                        region=region.complete_name,
                        parent=parent.complete_name,
                    )
                )

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            self._sdm_check_parent(self.parent_id)

    @api.model
    def _check_company_domain(self, companies):
        """Regions a record of ``companies`` may point to (the framework's company check and field domains): a
        record shared by every company (a branch without company) may belong to any company's region."""
        if not companies:
            return []
        return super()._check_company_domain(companies)

    # Record rules of the Regional Manager group depend on region managers and on the tree:
    # ir.rule domains are cached, so any change there clears the cache.
    _sdm_rule_fields = frozenset({"manager_id", "parent_id", "active", "company_id"})

    @api.model_create_multi
    def create(self, vals_list):
        regions = super().create(vals_list)
        self.env.registry.clear_cache()
        return regions

    def write(self, vals):
        self._sdm_check_input_values([vals])  # before parent_id is used below
        if vals.get("parent_id"):
            self._sdm_check_parent(self.browse(vals["parent_id"]))
        res = super().write(vals)
        if self._sdm_rule_fields.intersection(vals):
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    def action_view_branches(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_sales.action_sdm_branch")
        action["domain"] = [("sdm_region_id", "child_of", self.id)]
        action["context"] = {"default_sdm_region_id": self.id}
        return action

    def action_view_customers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_sales.action_sdm_region_customers")
        action["domain"] = [("sdm_region_id", "child_of", self.id), ("is_company", "=", True)]
        action["context"] = {"default_sdm_region_id": self.id, "default_is_company": True}
        return action
