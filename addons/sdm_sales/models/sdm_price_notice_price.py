from datetime import timedelta

from odoo import api, fields, models


class SdmPriceNoticePrice(models.Model):
    """The old and new price of a notice's product on one price level (pricelist), e.g. the distributor price.

    Customers whose pricelist is this one are compensated against this new price, their orders repriced to it,
    and the pricelist gets it on the effective date; the other customers follow the product's list price."""

    _name = "sdm.price.notice.price"
    _inherit = ["sdm.price.notice.price.mixin"]
    _description = "Price Adjustment Price Level"
    _order = "notice_id, product_id, pricelist_id, id"
    _check_company_auto = True

    company_id = fields.Many2one(related="notice_id.company_id")
    pricelist_id = fields.Many2one(
        "product.pricelist", string="Price Level", required=True, index=True, check_company=True
    )

    @api.depends("product_id", "pricelist_id")
    def _compute_old_price(self):
        for line in self:
            notice = line.notice_id
            if not (line.product_id and line.pricelist_id):
                line.old_price = line.old_price or 0.0
                continue
            # The price of the day before: the pricelist may already hold the new price from the effective date.
            day = (notice.effective_date or fields.Date.context_today(self)) - timedelta(days=1)
            line.old_price = line.pricelist_id._get_product_price(
                line.product_id, 1.0, currency=notice.currency_id or notice.company_id.currency_id, date=day
            )

    def _sdm_price_label(self):
        return self.env._(
            "%(product)s on %(pricelist)s",
            product=self.product_id.display_name,
            pricelist=self.pricelist_id.display_name,
        )
