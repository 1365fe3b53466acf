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

    def _sdm_bad_debt_accounts(self):
        return super()._sdm_bad_debt_accounts() | self.sdm_ar_bad_debt_account_id
