from odoo import fields, models


class SdmRebateSettlementLine(models.Model):
    """A document counted by a settlement: an invoice or credit note (its lines in the agreement's scope), and
    for collections the payment matched with it."""

    _name = "sdm.rebate.settlement.line"
    _description = "Rebate Settlement Line"
    _order = "settlement_id, date, id"

    settlement_id = fields.Many2one("sdm.rebate.settlement", required=True, ondelete="cascade", index=True)
    move_id = fields.Many2one("account.move", string="Invoice", required=True, index=True)
    partial_id = fields.Many2one("account.partial.reconcile", string="Payment Match", index="btree_not_null")
    date = fields.Date()
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    amount = fields.Monetary(
        help="Counted amount: untaxed lines in scope, negative for credit notes; for collections the share paid."
    )
    qty = fields.Float(string="Quantity", digits="Product Unit of Measure", help="In the agreement's unit.")
    adjustment = fields.Boolean(help="Dated in an earlier, already settled period: a late adjustment.")
