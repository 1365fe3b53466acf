from odoo import fields, models


class SdmIncentiveSettlementSource(models.Model):
    """An invoice or a payment a settlement line counted, and how much of it: each payout traced to the documents
    behind its figures (written by the settlement in one INSERT)."""

    _name = "sdm.incentive.settlement.source"
    _description = "Sales Incentive Settlement Source"
    _order = "line_id, source_type, move_id"
    _log_access = False

    line_id = fields.Many2one("sdm.incentive.settlement.line", required=True, index=True, ondelete="cascade")
    settlement_id = fields.Many2one("sdm.incentive.settlement", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Participant User", index=True)
    source_type = fields.Selection([("invoice", "Invoiced"), ("payment", "Collected")], required=True)
    move_id = fields.Many2one(
        "account.move", string="Document", required=True, index=True, help="The invoice, or the payment's entry."
    )
    invoice_id = fields.Many2one("account.move", string="Invoice Paid", help="For a payment: the invoice it paid.")
    date = fields.Date()
    amount = fields.Monetary(help="Invoiced: net sales counted. Collected: the amount of the invoice paid.")
