from odoo import fields, models

from .sdm_customer_statement import LINE_TYPES


class SdmCustomerStatementLine(models.Model):
    """One receivable item of a statement's period, with the balance after it."""

    _name = "sdm.customer.statement.line"
    _description = "Customer Statement Line"
    _order = "statement_id, sequence"

    statement_id = fields.Many2one("sdm.customer.statement", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="statement_id.company_id", store=True)
    currency_id = fields.Many2one(related="statement_id.currency_id")
    sequence = fields.Integer()
    date = fields.Date(readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    move_name = fields.Char(
        related="move_id.name",
        string="Document Number",
        help="Part of the statement the customer receives, receipts included (which a portal user cannot open).",
    )
    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    line_type = fields.Selection(LINE_TYPES, string="Type", readonly=True)
    reference = fields.Char(readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    debit = fields.Monetary(readonly=True)
    credit = fields.Monetary(readonly=True)
    balance = fields.Monetary(readonly=True, help="What the customer owed after this line.")
