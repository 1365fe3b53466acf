from odoo import api, fields, models
from odoo.tools import SQL


class SdmPriceNoticeLine(models.Model):
    """What one customer gets for one product of a notice: eligible quantity × (price paid − new price)."""

    _name = "sdm.price.notice.line"
    _description = "Price Adjustment Compensation Line"
    _order = "notice_id, partner_id, product_id"

    notice_id = fields.Many2one("sdm.price.notice", required=True, ondelete="cascade", index=True)
    state = fields.Selection(related="notice_id.state")
    effective_date = fields.Date(related="notice_id.effective_date", store=True)
    company_id = fields.Many2one(related="notice_id.company_id", store=True)
    currency_id = fields.Many2one(related="notice_id.currency_id", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    sdm_region_id = fields.Many2one("sdm.region", string="Region", index=True, help="The customer's region then.")
    user_id = fields.Many2one("res.users", string="Salesperson", index=True)
    product_id = fields.Many2one("product.product", required=True, index=True)
    qty_stock = fields.Float(
        string="Channel Stock",
        digits="Product Unit of Measure",
        help="Latest stock report on or before the effective date.",
    )
    qty_invoiced = fields.Float(
        string="Invoiced (net)",
        digits="Product Unit of Measure",
        help="Invoiced in the look-back window, net of refunds.",
    )
    qty_sold = fields.Float(
        string="Reported Sold", digits="Product Unit of Measure", help="Reported sold or used in the window."
    )
    qty_source = fields.Selection(
        [("stock", "Channel stock"), ("invoiced", "Invoiced")],
        string="Quantity From",
        help="Which figure gave the eligible quantity.",
    )
    eligible_qty = fields.Float(digits="Product Unit of Measure")
    price_paid = fields.Monetary(
        help="Average net unit price the customer paid for the eligible quantity (FIFO back from the effective "
        "date, after discounts and earlier compensation)."
    )
    new_price = fields.Monetary()
    amount = fields.Monetary(string="Compensation")
    source_ids = fields.One2many("sdm.price.notice.source", "line_id", string="Invoice Lines Used")
    move_id = fields.Many2one("account.move", string="Credit Note", readonly=True, copy=False, index=True)
    balance_id = fields.Many2one("sdm.customer.balance", string="Balance Movement", readonly=True, copy=False)

    @api.model
    def _sdm_compensation_paid_query(self, **scope):
        """SQL of the compensation paid to customers (id, company_id, partner_id, date, amount): the lines of
        notices not cancelled that a credit note or a balance movement paid, dated at the notice's effective
        date, in the company's currency (converted at that date). ``scope``: company_ids, date_from, date_to,
        partner_ids (see ``sdm.net.sales.line._sdm_scope_conditions``)."""
        conditions = self.env["sdm.net.sales.line"]._sdm_scope_conditions(
            {"company": SQL("l.company_id"), "date": SQL("l.effective_date"), "partner": SQL("l.partner_id")},
            **scope,
        )
        return SQL(
            """
            SELECT l.id, l.company_id, l.partner_id, l.effective_date AS date, %s AS amount
              FROM sdm_price_notice_line l
              JOIN sdm_price_notice n ON n.id = l.notice_id
             WHERE n.state != 'cancel' AND (l.move_id IS NOT NULL OR l.balance_id IS NOT NULL) AND %s
            """,
            self.env["res.currency"]._sdm_to_company_currency_sql(
                SQL("l.amount", to_flush=self._fields["amount"]),
                SQL("l.currency_id", to_flush=self._fields["currency_id"]),
                SQL("l.company_id"),
                SQL("l.effective_date"),
            ),
            SQL(" AND ").join([SQL("TRUE"), *conditions]),
        )
