from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SdmScorecardThreshold(models.Model):
    """Maps a measured value to a score: the best score whose threshold the value reaches."""

    _name = "sdm.scorecard.threshold"
    _description = "Scorecard Threshold"
    _order = "criterion_id, score desc"

    criterion_id = fields.Many2one("sdm.scorecard.criterion", required=True, ondelete="cascade", index=True)
    value = fields.Float(required=True, help="Measured value to reach (at least, or at most when lower is better).")
    score = fields.Integer(required=True)

    @api.constrains("score")
    def _check_score(self):
        for threshold in self:
            if not 1 <= threshold.score <= 9:
                raise ValidationError(
                    self.env._(
                        "“%(criterion)s”: a threshold's score goes from 1 to 9 (got %(score)s).",
                        criterion=threshold.criterion_id.name,
                        score=threshold.score,
                    )
                )
