from odoo import api, fields, models
from odoo.tools import SQL


class SdmCustomerBalance(models.Model):
    """Movements of a customer's balances (price adjustment compensation; rebates in sdm_finance): credited by a
    settlement, consumed by orders as a discount line, taken back when a settlement is cancelled. A balance is
    the sum of its movements, per customer, company and balance type."""

    _name = "sdm.customer.balance"
    _description = "Customer Balance Movement"
    _order = "date desc, id desc"

    balance_type = fields.Selection([("compensation", "Price adjustment compensation")], required=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    amount = fields.Monetary(required=True, help="Positive: credited; negative: consumed or taken back.")
    notice_id = fields.Many2one("sdm.price.notice", index=True, ondelete="restrict")
    sale_order_id = fields.Many2one("sale.order", index=True, ondelete="restrict")
    name = fields.Char(string="Description", required=True)

    @api.model
    def _sdm_balance_of(self, partner, company, balance_type, lock=False):
        """The customer's balance of ``balance_type`` in company currency (one SQL sum); ``lock`` serialises the
        consumers of one customer's balances (``res.partner._sdm_lock_customers``)."""
        partner = partner.commercial_partner_id
        self.flush_model()
        if lock:
            partner._sdm_lock_customers()
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(SUM(amount), 0) FROM sdm_customer_balance "
                "WHERE partner_id = %s AND company_id = %s AND balance_type = %s",
                partner.id,
                company.id,
                balance_type,
            )
        )
        return self.env.cr.fetchone()[0]
