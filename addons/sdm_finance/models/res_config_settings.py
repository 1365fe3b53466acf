from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sdm_rebate_product_id = fields.Many2one(related="company_id.sdm_rebate_product_id", readonly=False)
    sdm_rebate_settlement_mode = fields.Selection(related="company_id.sdm_rebate_settlement_mode", readonly=False)
    sdm_rebate_order_cap_percent = fields.Float(related="company_id.sdm_rebate_order_cap_percent", readonly=False)
    sdm_rebate_accrual = fields.Boolean(related="company_id.sdm_rebate_accrual", readonly=False)
    sdm_rebate_accrual_journal_id = fields.Many2one(related="company_id.sdm_rebate_accrual_journal_id", readonly=False)
    sdm_rebate_expense_account_id = fields.Many2one(related="company_id.sdm_rebate_expense_account_id", readonly=False)
    sdm_rebate_liability_account_id = fields.Many2one(
        related="company_id.sdm_rebate_liability_account_id", readonly=False
    )
    sdm_writeoff_key_branch = fields.Boolean(related="company_id.sdm_writeoff_key_branch", readonly=False)
    sdm_writeoff_key_salesperson = fields.Boolean(related="company_id.sdm_writeoff_key_salesperson", readonly=False)
    sdm_writeoff_key_order = fields.Boolean(related="company_id.sdm_writeoff_key_order", readonly=False)
    sdm_writeoff_key_reference = fields.Boolean(related="company_id.sdm_writeoff_key_reference", readonly=False)
    sdm_writeoff_mode = fields.Selection(related="company_id.sdm_writeoff_mode", readonly=False)
    sdm_writeoff_on_receipt = fields.Selection(related="company_id.sdm_writeoff_on_receipt", readonly=False)
