from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    sdm_region_id = fields.Many2one(
        "sdm.region",
        string="Sales Region",
        compute="_compute_sdm_region_id",
        store=True,
        readonly=False,
        index=True,
        help="The customer's region when the order was made; kept as it was for history.",
    )

    @api.depends("partner_id")
    def _compute_sdm_region_id(self):
        for order in self:
            order.sdm_region_id = order.partner_id.commercial_partner_id.sdm_region_id
