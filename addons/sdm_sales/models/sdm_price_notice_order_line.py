from odoo import fields, models


class SdmPriceNoticeOrderLine(models.Model):
    """A confirmed, undelivered order line the notice reprices when it is approved."""

    _name = "sdm.price.notice.order.line"
    _description = "Price Adjustment Order Line to Reprice"
    _order = "notice_id, order_id, id"

    notice_id = fields.Many2one("sdm.price.notice", required=True, ondelete="cascade", index=True)
    sale_line_id = fields.Many2one("sale.order.line", required=True, ondelete="cascade")
    order_id = fields.Many2one(related="sale_line_id.order_id", store=True)
    partner_id = fields.Many2one(related="sale_line_id.order_id.partner_id")
    product_id = fields.Many2one(related="sale_line_id.product_id")
    currency_id = fields.Many2one(related="sale_line_id.currency_id")
    qty_undelivered = fields.Float(digits="Product Unit of Measure")
    current_price = fields.Monetary()
    new_price = fields.Monetary()
    applied = fields.Boolean(readonly=True)
