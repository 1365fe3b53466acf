from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    sdm_rebate_product_id = fields.Many2one(
        "product.product",
        string="Rebate Product",
        domain="[('type', '=', 'service')]",
        help="Service of rebate credit notes and of the deduction lines that use a rebate balance.",
    )
    sdm_rebate_settlement_mode = fields.Selection(
        [("credit_note", "Credit note"), ("balance", "Rebate balance for later orders")],
        string="Rebate Settlement",
        default="credit_note",
        required=True,
    )
    sdm_rebate_order_cap_percent = fields.Float(
        string="Rebate Deduction Cap (%)",
        default=100.0,
        help="Most of an order's untaxed amount a rebate balance may pay. 100: all of it.",
    )
    sdm_rebate_accrual = fields.Boolean(string="Rebate Accruals")
    sdm_rebate_accrual_journal_id = fields.Many2one(
        "account.journal", string="Accrual Journal", domain="[('type', '=', 'general')]"
    )
    sdm_rebate_expense_account_id = fields.Many2one("account.account", string="Rebate Expense Account")
    sdm_rebate_liability_account_id = fields.Many2one("account.account", string="Accrued Rebates Account")

    @api.model
    def _sdm_settlement_product_sources(self):
        sources = super()._sdm_settlement_product_sources()
        sources["rebate"] = ("sdm_rebate_product_id", "sdm_finance.product_sdm_rebate")
        return sources
