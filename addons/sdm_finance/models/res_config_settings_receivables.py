from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    # A concern of its own, apart from res_config_settings.py's rebate settings.
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    sdm_receipt_approval = fields.Boolean(related="company_id.sdm_receipt_approval", readonly=False)
    sdm_ar_journal_id = fields.Many2one(related="company_id.sdm_ar_journal_id", readonly=False)
    sdm_ar_writeoff_account_id = fields.Many2one(related="company_id.sdm_ar_writeoff_account_id", readonly=False)
    sdm_ar_writeoff_tolerance = fields.Monetary(related="company_id.sdm_ar_writeoff_tolerance", readonly=False)
    sdm_ar_bad_debt_account_id = fields.Many2one(related="company_id.sdm_ar_bad_debt_account_id", readonly=False)
    sdm_ar_approval_amount = fields.Monetary(related="company_id.sdm_ar_approval_amount", readonly=False)
    sdm_expense_journal_id = fields.Many2one(related="company_id.sdm_expense_journal_id", readonly=False)
    sdm_expense_budget_mode = fields.Selection(related="company_id.sdm_expense_budget_mode", readonly=False)
    sdm_expense_budget_required = fields.Boolean(related="company_id.sdm_expense_budget_required", readonly=False)
    sdm_budget_rebates = fields.Boolean(related="company_id.sdm_budget_rebates", readonly=False)
    sdm_budget_compensation = fields.Boolean(related="company_id.sdm_budget_compensation", readonly=False)
