from odoo import api, models


class SdmDemo(models.AbstractModel):
    _inherit = "sdm.demo"

    @api.model
    def _sdm_assign_demo_platform_types(self):
        """Distributors buy through the platform (BP), direct customers from us (MP)."""
        for tag_xmlid, type_xmlid in (
            ("sdm_sales.demo_category_distributor", "sdm_crm_scoring.platform_type_bp"),
            ("sdm_sales.demo_category_direct", "sdm_crm_scoring.platform_type_mp"),
        ):
            tag = self.env.ref(tag_xmlid, raise_if_not_found=False)
            if tag:
                partners = self.env["res.partner"].search([("category_id", "in", tag.ids), ("is_company", "=", True)])
                partners.sdm_platform_type_id = self.env.ref(type_xmlid)
        return True
