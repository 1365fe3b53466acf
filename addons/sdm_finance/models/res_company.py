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

    # Write-off rules (核销规则): the matching key is the customer plus the keys ticked here.
    sdm_writeoff_key_branch = fields.Boolean(
        string="Write-off Key: Branch", help="A receipt is written off only against items of its branch."
    )
    sdm_writeoff_key_salesperson = fields.Boolean(
        string="Write-off Key: Salesperson", help="A receipt is written off only against items of its salesperson."
    )
    sdm_writeoff_key_order = fields.Boolean(
        string="Write-off Key: Sales Order", help="A receipt is written off only against invoices of its sales order."
    )
    sdm_writeoff_key_reference = fields.Boolean(
        string="Write-off Key: Invoice Reference",
        help="A receipt is written off only against the invoice its memo names (the invoice's payment reference).",
    )
    sdm_writeoff_mode = fields.Selection(
        [
            ("strict", "Strict: refuse"),
            ("prompt", "Prompt: ask for confirmation"),
            ("off", "Off: allow"),
        ],
        string="Manual Write-off Breaking the Key",
        default="prompt",
        required=True,
        help="What a manual reconciliation of items whose write-off keys differ does.",
    )
    sdm_writeoff_on_receipt = fields.Selection(
        [
            ("auto", "Write off automatically"),
            ("manual", "Open the manual reconciliation"),
            ("none", "Nothing"),
        ],
        string="After a Customer Receipt Is Posted",
        default="none",
        required=True,
    )

    @api.model
    def _sdm_settlement_product_sources(self):
        sources = super()._sdm_settlement_product_sources()
        sources["rebate"] = ("sdm_rebate_product_id", "sdm_finance.product_sdm_rebate")
        return sources
