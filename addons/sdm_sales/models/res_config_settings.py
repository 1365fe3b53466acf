from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sdm_region_from_team = fields.Boolean(related="company_id.sdm_region_from_team", readonly=False)
    sdm_change_approval = fields.Boolean(related="company_id.sdm_change_approval", readonly=False)
    sdm_change_field_ids = fields.Many2many(related="company_id.sdm_change_field_ids", readonly=False)
    sdm_change_approver = fields.Selection(related="company_id.sdm_change_approver", readonly=False)
    sdm_dso_days = fields.Integer(related="company_id.sdm_dso_days", readonly=False)
    sdm_dispute_excludes_overdue = fields.Boolean(related="company_id.sdm_dispute_excludes_overdue", readonly=False)
    sdm_credit_check_sale = fields.Boolean(related="company_id.sdm_credit_check_sale", readonly=False)
    sdm_credit_check_delivery = fields.Boolean(related="company_id.sdm_credit_check_delivery", readonly=False)
    sdm_credit_check_invoice = fields.Boolean(related="company_id.sdm_credit_check_invoice", readonly=False)
    sdm_credit_mode = fields.Selection(related="company_id.sdm_credit_mode", readonly=False)
    sdm_credit_include_draft_invoices = fields.Boolean(
        related="company_id.sdm_credit_include_draft_invoices", readonly=False
    )
    sdm_credit_approval_days = fields.Integer(related="company_id.sdm_credit_approval_days", readonly=False)
    sdm_credit_default_group_id = fields.Many2one(related="company_id.sdm_credit_default_group_id", readonly=False)
    sdm_available_qty_mode = fields.Selection(related="company_id.sdm_available_qty_mode", readonly=False)
    sdm_compensation_basis = fields.Selection(related="company_id.sdm_compensation_basis", readonly=False)
    sdm_compensation_lookback_days = fields.Integer(related="company_id.sdm_compensation_lookback_days", readonly=False)
    sdm_compensation_settlement = fields.Selection(related="company_id.sdm_compensation_settlement", readonly=False)
    sdm_compensation_product_id = fields.Many2one(related="company_id.sdm_compensation_product_id", readonly=False)
