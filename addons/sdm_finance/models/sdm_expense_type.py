from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SdmExpenseType(models.Model):
    """A kind of sales expense (销售费用): freight, promotion, exhibition, entertainment… either borne by the company
    (销售支出) or paid on the customer's behalf and owed back by the customer (代垫费用)."""

    _name = "sdm.expense.type"
    _description = "Sales Expense Type"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    nature = fields.Selection(
        [("borne", "Borne by the Company"), ("advanced", "Advanced for the Customer")],
        required=True,
        default="borne",
        help="Borne: an expense of the company (expense against payable). Advanced (代垫): paid on the customer's "
        "behalf, a receivable from the customer (in its credit exposure, aging and statement).",
    )
    account_id = fields.Many2one(
        "account.account",
        string="Expense Account",
        check_company=True,
        help="Borne: the expense account debited. Advanced: the account credited when the payment was already "
        "booked elsewhere (a vendor bill or an employee expense), else the payee's payable is.",
    )
    approval_amount = fields.Monetary(
        string="Approve Above",
        help="Expenses of a larger amount wait for a Finance user's approval. 0: none needs it.",
    )

    @api.constrains("approval_amount")
    def _check_approval_amount(self):
        for expense_type in self:
            if expense_type.approval_amount < 0:
                raise ValidationError(
                    self.env._(
                        "%(type)s: the approval amount cannot be negative (got %(amount)s).",
                        type=expense_type.name,
                        amount=expense_type._sdm_money(expense_type.approval_amount, expense_type.currency_id),
                    )
                )
