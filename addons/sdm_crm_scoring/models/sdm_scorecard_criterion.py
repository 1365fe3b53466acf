from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SdmScorecardCriterion(models.Model):
    _name = "sdm.scorecard.criterion"
    _description = "Defense Scorecard Criterion"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one("sdm.scorecard.template", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    weight = fields.Float(string="Importance", default=1.0, required=True, help="Weight of the criterion in the total.")
    full_marks = fields.Text(string="Full Marks (9)", translate=True, help="What a score of 9 means.")

    @api.constrains("weight")
    def _check_weight(self):
        for criterion in self:
            if criterion.weight <= 0:
                raise ValidationError(
                    self.env._(
                        "The importance of criterion “%(criterion)s” must be positive (got %(weight)s).",
                        criterion=criterion.name,
                        weight=criterion.weight,
                    )
                )
