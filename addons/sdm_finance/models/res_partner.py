from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    sdm_rebate_progress_ids = fields.One2many(
        "sdm.rebate.progress", "partner_id", string="Rebate Progress", groups="sdm_sales.group_sdm_user"
    )
    sdm_rebate_balance = fields.Monetary(
        string="Rebate Balance",
        compute="_compute_sdm_rebate_balance",
        currency_field="sdm_company_currency_id",
        help="Settled rebates not used yet; the next orders deduct them (up to the cap in Settings).",
    )

    @api.depends_context("company")
    @api.depends("commercial_partner_id.sdm_balance_ids.amount")
    def _compute_sdm_rebate_balance(self):
        balances = self._sdm_balances("rebate")
        for partner in self:
            partner.sdm_rebate_balance = balances.get(partner.commercial_partner_id, 0.0)
