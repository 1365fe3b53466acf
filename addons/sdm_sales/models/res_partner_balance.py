from odoo import api, fields, models

from .res_partner_credit import SDM_FIGURE_GROUPS


class ResPartner(models.Model):
    """Customer balances (price adjustment compensation; rebates in sdm_finance)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    sdm_compensation_balance = fields.Monetary(
        string="Compensation Balance",
        compute="_compute_sdm_compensation_balance",
        currency_field="sdm_company_currency_id",
        groups=SDM_FIGURE_GROUPS,
        help="Price adjustment compensation not used yet; the next orders consume it as a discount line.",
    )
    sdm_company_currency_id = fields.Many2one("res.currency", compute="_compute_sdm_compensation_balance")
    sdm_balance_ids = fields.One2many(
        "sdm.customer.balance", "partner_id", string="Balance Movements", groups="sdm_sales.group_sdm_user"
    )

    @api.depends_context("company")
    @api.depends("commercial_partner_id.sdm_balance_ids.amount")
    def _compute_sdm_compensation_balance(self):
        balances = self._sdm_balances("compensation")
        for partner in self:
            partner.sdm_company_currency_id = self.env.company.currency_id
            partner.sdm_compensation_balance = balances.get(partner.commercial_partner_id, 0.0)

    def _sdm_balances(self, balance_type):
        """{commercial partner: balance of ``balance_type``} in the current company, one grouped read."""
        return dict(
            self.env["sdm.customer.balance"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                    ("balance_type", "=", balance_type),
                ],
                ["partner_id"],
                ["amount:sum"],
            )
        )
