from odoo import fields, models


class SdmCustomerBalance(models.Model):
    _inherit = "sdm.customer.balance"

    balance_type = fields.Selection(selection_add=[("rebate", "Rebate")], ondelete={"rebate": "cascade"})
    rebate_settlement_id = fields.Many2one("sdm.rebate.settlement", index="btree_not_null", ondelete="restrict")
