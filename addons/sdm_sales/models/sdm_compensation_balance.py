from odoo import api, fields, models
from odoo.tools import SQL


class SdmCompensationBalance(models.Model):
    """Movements of a customer's compensation balance: credited by a settled notice, consumed by orders,
    removed when a notice is cancelled. The balance is the sum."""

    _name = "sdm.compensation.balance"
    _description = "Compensation Balance Movement"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    amount = fields.Monetary(required=True, help="Positive: credited; negative: consumed or removed.")
    notice_id = fields.Many2one("sdm.price.notice", index=True, ondelete="restrict")
    sale_order_id = fields.Many2one("sale.order", index=True, ondelete="restrict")
    name = fields.Char(string="Description", required=True)

    @api.model
    def _sdm_balance_of(self, partner, company, lock=False):
        """The customer's balance in company currency (one SQL sum); ``lock`` serialises the consumers of one
        customer's balance on the customer's row."""
        partner = partner.commercial_partner_id
        self.flush_model()
        if lock:
            self.env.cr.execute(SQL("SELECT id FROM res_partner WHERE id = %s FOR UPDATE", partner.id))
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(SUM(amount), 0) FROM sdm_compensation_balance "
                "WHERE partner_id = %s AND company_id = %s",
                partner.id,
                company.id,
            )
        )
        return self.env.cr.fetchone()[0]
