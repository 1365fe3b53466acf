from odoo import fields, models


class ResCompany(models.Model):
    """Receivable adjustments (应收调帐): where their entries go and when they need approval."""

    # A concern of its own, apart from res_company.py's rebate settings.
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    sdm_receipt_approval = fields.Boolean(
        string="Approve Customer Receipts",
        help="收款单审核: a posted customer receipt waits for a Finance user's approval before the write-off rules "
        "apply to it.",
    )
    sdm_ar_journal_id = fields.Many2one(
        "account.journal",
        string="Receivable Adjustments Journal",
        domain="[('type', '=', 'general'), ('company_id', '=', id)]",
        help="Journal of the entries that transfer, net or write off customer receivables.",
    )
    sdm_ar_writeoff_account_id = fields.Many2one(
        "account.account", string="Small Differences Account", help="Expense (or income) of small write-offs."
    )
    sdm_ar_writeoff_tolerance = fields.Monetary(
        string="Small Difference Tolerance",
        currency_field="currency_id",
        default=1.0,
        help="The most a small-difference write-off may take off a customer's receivable.",
    )
    sdm_ar_bad_debt_account_id = fields.Many2one("account.account", string="Bad Debts Account")
    sdm_ar_approval_amount = fields.Monetary(
        string="Adjustments Approved Above",
        currency_field="currency_id",
        help="Adjustments of a larger amount wait for an SDM Administrator's approval. 0: none needs it.",
    )

    sdm_expense_journal_id = fields.Many2one(
        "account.journal",
        string="Sales Expenses Journal",
        domain="[('type', '=', 'general'), ('company_id', '=', id)]",
        help="Journal of the entries of sales expenses (borne: expense against payable; advanced for a customer: "
        "the customer's receivable).",
    )
    sdm_expense_budget_mode = fields.Selection(
        [("off", "Off"), ("warn", "Warn"), ("block", "Block")],
        string="Expense Budget Check",
        default="off",
        required=True,
        help="When a sales expense is approved, against the budget it draws from. Off: no check. Warn: a note on "
        "the expense, it is approved. Block: an expense above what is left is refused.",
    )
    sdm_expense_budget_required = fields.Boolean(
        string="Expenses Need a Budget",
        help="An expense outside any open budget of its scope and type is refused (Block) or noted (Warn).",
    )
    sdm_budget_rebates = fields.Boolean(
        string="Rebates Consume Budgets",
        help="Validated rebate settlements use up the budgets of all expense types holding their customer and date.",
    )
    sdm_budget_compensation = fields.Boolean(
        string="Compensation Consumes Budgets",
        help="Price adjustment compensation paid to a customer uses up the budgets of all expense types holding "
        "the customer and the notice's effective date.",
    )

    def _sdm_bad_debt_accounts(self):
        return super()._sdm_bad_debt_accounts() | self.sdm_ar_bad_debt_account_id
