from odoo import fields, models


class SdmPriceNoticeSource(models.Model):
    """An invoice line a compensation line draws on (traceability of the price paid)."""

    _name = "sdm.price.notice.source"
    _description = "Price Adjustment Compensation Source"
    _order = "line_id, invoice_date desc, id"

    line_id = fields.Many2one("sdm.price.notice.line", required=True, ondelete="cascade", index=True)
    notice_id = fields.Many2one(related="line_id.notice_id", store=True, index=True)
    move_line_id = fields.Many2one("account.move.line", string="Invoice Line", required=True, index=True)
    move_id = fields.Many2one(related="move_line_id.move_id", string="Invoice")
    invoice_date = fields.Date()
    currency_id = fields.Many2one(related="line_id.currency_id")
    quantity = fields.Float(digits="Product Unit of Measure", help="Quantity of the invoice line compensated.")
    price_paid = fields.Monetary(help="Net unit price of the invoice line, less earlier compensation per unit.")
    unit_compensation = fields.Monetary()
