from odoo import api, fields, models


class SdmIncentiveMeasure(models.Model):
    """A measure of an incentive plan and its weight: the weights of a plan add up to 100 %."""

    _name = "sdm.incentive.measure"
    _description = "Sales Incentive Measure"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one("sdm.incentive.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    measure = fields.Selection(
        [("invoiced", "Invoiced Sales"), ("collections", "Collections"), ("margin", "Gross Profit")],
        required=True,
        default="invoiced",
        help="Actual against target from the sales plan's achievement rows.",
    )
    weight = fields.Float(string="Weight (%)", required=True, default=100.0)

    _sql_constraints = [
        ("measure_unique", "UNIQUE(plan_id, measure)", "A measure is counted once per incentive plan."),
    ]

    @api.constrains("measure", "weight")
    def _check_plan(self):
        self.plan_id._sdm_check_from_line()
