from odoo import api, fields, models


class SdmIncentiveSettle(models.TransientModel):
    """Run a plan's settlement for a period (or its year-end true-up); running it again opens the same one."""

    _name = "sdm.incentive.settle"
    _description = "Run an Incentive Settlement"

    plan_id = fields.Many2one("sdm.incentive.plan", required=True, domain="[('state', '=', 'active')]")
    settlement_type = fields.Selection(
        [("period", "Period"), ("true_up", "Year-end True-up")], default="period", required=True
    )
    day = fields.Date(
        string="Period Of", required=True, default=fields.Date.context_today, help="Any day of the period to settle."
    )
    refresh = fields.Boolean(
        string="Refresh Achievement First", default=True, help="Recompute the sales plan's achievement rows first."
    )
    date_from = fields.Date(compute="_compute_period")
    date_to = fields.Date(compute="_compute_period")

    @api.depends("plan_id", "settlement_type", "day")
    def _compute_period(self):
        for wizard in self:
            if not (wizard.plan_id and wizard.day):
                wizard.date_from = wizard.date_to = False
            elif wizard.settlement_type == "true_up":
                sales_plan = wizard.plan_id._sdm_current_sales_plan()
                wizard.date_from, wizard.date_to = sales_plan.date_from, sales_plan.date_to
            else:
                wizard.date_from, wizard.date_to = wizard.plan_id._sdm_period_dates(wizard.day)

    def action_settle(self):
        self.ensure_one()
        settlement = self.env["sdm.incentive.settlement"]._sdm_settle(
            self.plan_id, self.day, self.settlement_type, refresh=self.refresh
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "sdm.incentive.settlement",
            "res_id": settlement.id,
            "view_mode": "form",
        }


class SdmIncentiveAdjust(models.TransientModel):
    """A correction of one person's incentive for a settlement's period: an adjustment line, never a rewrite."""

    _name = "sdm.incentive.adjust"
    _description = "Adjust an Incentive Settlement"

    settlement_id = fields.Many2one("sdm.incentive.settlement", required=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    user_id = fields.Many2one("res.users", string="Participant User", required=True)
    amount = fields.Monetary(required=True, help="Positive: paid on top; negative: taken back.")
    reason = fields.Text(required=True)

    def action_adjust(self):
        self.ensure_one()
        settlement = self.settlement_id._sdm_add_adjustment(self.user_id, self.amount, self.reason)
        return {
            "type": "ir.actions.act_window",
            "res_model": "sdm.incentive.settlement",
            "res_id": settlement.id,
            "view_mode": "form",
        }
