from odoo import api, fields, models


class SdmIncentiveCurveTier(models.Model):
    """A point of an incentive plan's payout curve: from this achievement on, this payout (linear and step
    curves) or this rate (rate per tier curves; above the last point of a linear curve, its accelerator)."""

    _name = "sdm.incentive.curve.tier"
    _description = "Sales Incentive Curve Point"
    _order = "plan_id, achievement_from"

    plan_id = fields.Many2one("sdm.incentive.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    achievement_from = fields.Float(string="From Achievement (%)", required=True)
    payout_percent = fields.Float(
        string="Payout (% of Target)", help="Linear and step curves: the payout at this achievement."
    )
    rate = fields.Float(
        string="Rate (%)",
        help="Rate per tier curves: payout points per 100 achievement points from here on. On the last point of a "
        "linear curve: how fast the payout grows above it (200: twice as fast as achievement).",
    )

    @api.constrains("achievement_from", "payout_percent", "rate")
    def _check_plan(self):
        self.plan_id._sdm_check_from_line()
