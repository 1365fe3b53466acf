from odoo import api, fields, models
from odoo.addons.sdm_sales.models.res_partner_credit import SDM_FIGURE_GROUPS


class ResPartner(models.Model):
    _inherit = "res.partner"

    sdm_rebate_progress_ids = fields.One2many(
        "sdm.rebate.progress", "partner_id", string="Rebate Progress", groups="sdm_sales.group_sdm_user"
    )
    sdm_followup_level_id = fields.Many2one(
        "sdm.followup.level",
        string="Follow-up Level",
        company_dependent=True,
        readonly=True,
        groups="sdm_sales.group_sdm_user",
        help="The last follow-up level reached; back to none when nothing is overdue any more.",
    )
    sdm_followup_escalate = fields.Boolean(
        company_dependent=True,
        readonly=True,
        groups="sdm_sales.group_sdm_user",
        help="A promise to pay was broken: the next run escalates.",
    )
    sdm_followup_ids = fields.One2many(
        "sdm.followup", "partner_id", string="Follow-ups", groups="sdm_sales.group_sdm_user"
    )
    sdm_promise_ids = fields.One2many(
        "sdm.payment.promise", "partner_id", string="Promises to Pay", groups="sdm_sales.group_sdm_user"
    )
    sdm_promise_amount = fields.Monetary(
        string="Promised",
        compute="_compute_sdm_promise",
        currency_field="sdm_company_currency_id",
        groups="sdm_sales.group_sdm_user",
        help="Open promises to pay of the customer.",
    )
    sdm_promise_date = fields.Date(
        string="Promised By", compute="_compute_sdm_promise", groups="sdm_sales.group_sdm_user"
    )
    sdm_followup_count = fields.Integer(compute="_compute_sdm_promise", groups="sdm_sales.group_sdm_user")

    @api.depends_context("company")
    def _compute_sdm_promise(self):
        commercial = self.commercial_partner_id
        company = self.env.company
        promises = self.env["sdm.payment.promise"]._read_group(
            [("partner_id", "in", commercial.ids), ("company_id", "=", company.id), ("state", "=", "open")],
            ["partner_id"],
            ["amount:sum", "date:min"],
        )
        by_partner = {partner: (amount, date) for partner, amount, date in promises}
        followups = dict(
            self.env["sdm.followup"]._read_group(
                [("partner_id", "in", commercial.ids), ("company_id", "=", company.id)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            amount, date = by_partner.get(partner.commercial_partner_id, (0.0, False))
            partner.sdm_promise_amount = amount
            partner.sdm_promise_date = date
            partner.sdm_followup_count = followups.get(partner.commercial_partner_id, 0)

    def action_sdm_followups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_finance.action_sdm_followup")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action

    def action_sdm_new_promise(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promise to Pay"),
            "res_model": "sdm.payment.promise",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    sdm_rebate_balance = fields.Monetary(
        string="Rebate Balance",
        compute="_compute_sdm_rebate_balance",
        currency_field="sdm_company_currency_id",
        groups=SDM_FIGURE_GROUPS,
        help="Settled rebates not used yet; the next orders deduct them (up to the cap in Settings).",
    )

    @api.depends_context("company")
    @api.depends("commercial_partner_id.sdm_balance_ids.amount")
    def _compute_sdm_rebate_balance(self):
        balances = self._sdm_balances("rebate")
        for partner in self:
            partner.sdm_rebate_balance = balances.get(partner.commercial_partner_id, 0.0)
