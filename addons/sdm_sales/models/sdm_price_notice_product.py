from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import formatLang


class SdmPriceNoticePriceMixin(models.AbstractModel):
    """An old and a new unit price of a notice's product, with the change in percent and the checks."""

    _name = "sdm.price.notice.price.mixin"
    _description = "Price Adjustment Old and New Price"

    notice_id = fields.Many2one("sdm.price.notice", required=True, ondelete="cascade", index=True)
    product_id = fields.Many2one("product.product", required=True, index=True)
    currency_id = fields.Many2one(related="notice_id.currency_id")
    old_price = fields.Monetary(
        required=True,
        compute="_compute_old_price",
        store=True,
        readonly=False,
        precompute=True,
        help="Unit price before the adjustment, in the notice currency.",
    )
    new_price = fields.Monetary(required=True, help="Unit price from the effective date, in the notice currency.")
    change_percent = fields.Float(
        string="Change (%)", compute="_compute_change_percent", inverse="_inverse_change_percent", store=True
    )

    def _compute_old_price(self):
        raise NotImplementedError()

    @api.depends("old_price", "new_price")
    def _compute_change_percent(self):
        for line in self:
            line.change_percent = (
                round(100.0 * (line.new_price - line.old_price) / line.old_price, 2) if line.old_price else 0.0
            )

    def _inverse_change_percent(self):
        for line in self:
            line.new_price = line.currency_id.round(line.old_price * (1 + line.change_percent / 100.0))

    @api.onchange("change_percent")
    def _onchange_change_percent(self):
        """Show the new price as soon as the change is typed (the inverse only runs on save)."""
        self._inverse_change_percent()

    def _sdm_price_label(self):
        """How the errors name this price."""
        return self.product_id.display_name

    @api.constrains("old_price", "new_price")
    def _check_prices(self):
        for line in self:
            notice = line.notice_id
            compare = line.currency_id.compare_amounts(line.new_price, line.old_price)
            if line.old_price < 0 or line.new_price < 0:
                message = self.env._("%(notice)s, %(product)s: prices cannot be negative (old %(old)s, new %(new)s).")
            elif notice.direction == "decrease" and compare >= 0:
                message = self.env._("%(notice)s is a price decrease, but %(product)s goes from %(old)s to %(new)s.")
            elif notice.direction == "increase" and compare <= 0:
                message = self.env._("%(notice)s is a price increase, but %(product)s goes from %(old)s to %(new)s.")
            else:
                continue
            raise ValidationError(
                message
                % {
                    "notice": notice.display_name,
                    "product": line._sdm_price_label(),
                    "old": formatLang(self.env, line.old_price, currency_obj=line.currency_id),
                    "new": formatLang(self.env, line.new_price, currency_obj=line.currency_id),
                }
            )


class SdmPriceNoticeProduct(models.Model):
    """A product of a price adjustment notice, with its old and new list price: the price of every customer whose
    pricelist has no price level in the notice (``sdm.price.notice.price``)."""

    _name = "sdm.price.notice.product"
    _inherit = ["sdm.price.notice.price.mixin"]
    _description = "Price Adjustment Notice Product"
    _order = "notice_id, sequence, id"

    sequence = fields.Integer(default=10)

    _sql_constraints = [
        ("notice_product_uniq", "unique(notice_id, product_id)", "A product appears once in a notice."),
    ]

    @api.depends("product_id")
    def _compute_old_price(self):
        for line in self:
            line.old_price = line.notice_id._sdm_list_price(line.product_id) if line.product_id else 0.0
