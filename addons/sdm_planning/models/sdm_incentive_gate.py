from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SdmIncentiveGate(models.Model):
    """A gate of an incentive plan: below this achievement of a measure (e.g. 70 % of collections) the period
    pays nothing, whatever the other measures."""

    _name = "sdm.incentive.gate"
    _description = "Sales Incentive Gate"
    _order = "plan_id, measure"

    plan_id = fields.Many2one("sdm.incentive.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    measure = fields.Selection(
        [("invoiced", "Invoiced Sales"), ("collections", "Collections"), ("margin", "Gross Profit")],
        required=True,
        default="collections",
    )
    minimum_percent = fields.Float(string="Minimum Achievement (%)", required=True, default=70.0)

    _sql_constraints = [
        ("measure_unique", "UNIQUE(plan_id, measure)", "A measure has one gate per incentive plan."),
    ]

    @api.constrains("minimum_percent")
    def _check_minimum(self):
        for gate in self:
            if gate.minimum_percent < 0:
                raise ValidationError(
                    self.env._(
                        "%(plan)s: the gate on %(measure)s cannot be negative (got %(minimum)s %%).",
                        plan=gate.plan_id.display_name,
                        measure=dict(gate._fields["measure"]._description_selection(self.env))[gate.measure],
                        minimum=f"{gate.minimum_percent:g}",
                    )
                )
