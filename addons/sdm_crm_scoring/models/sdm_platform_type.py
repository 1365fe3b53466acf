from odoo import fields, models


class SdmPlatformType(models.Model):
    """How a customer buys from us (e.g. BP / WP / MP): the grouping of the regional platform analysis."""

    _name = "sdm.platform.type"
    _description = "Customer Platform Type"
    _order = "sequence, code"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to share the type between companies.")
    active = fields.Boolean(default=True)
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The platform type code must be unique per company.",
        ),
    ]

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("sdm_platform_type_id", "in", self.ids)], ["sdm_platform_type_id"], ["__count"]
            )
        )
        for platform_type in self:
            platform_type.partner_count = counts.get(platform_type, 0)
