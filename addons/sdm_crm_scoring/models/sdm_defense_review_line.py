from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from .sdm_defense_review import SCORE_MAX, SCORE_MIN, UNSCORED


class SdmDefenseReviewLine(models.Model):
    _name = "sdm.defense.review.line"
    _description = "Customer Defense Review Line"
    _order = "review_id, sequence, id"

    review_id = fields.Many2one("sdm.defense.review", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    criterion_id = fields.Many2one("sdm.scorecard.criterion", required=True, ondelete="restrict")
    full_marks = fields.Text(related="criterion_id.full_marks")
    weight = fields.Float(string="Importance", required=True, help="Copied from the criterion: a snapshot.")
    score = fields.Integer(
        string="Today", required=True, default=UNSCORED, help="Score today, 1 to 9; 0 while not scored yet."
    )
    target_score = fields.Integer(string="Target", required=True, default=SCORE_MAX, help="Score to reach, 1 to 9.")
    action = fields.Text(help="What will be done to reach the target.")
    action_date = fields.Date()
    action_user_id = fields.Many2one("res.users", string="Action By", help="Responsible of the action's activity.")
    state = fields.Selection(related="review_id.state")
    measure = fields.Selection(related="criterion_id.measure")
    measured_value = fields.Float(readonly=True, help="What the automatic measure found for the period.")
    proposed_score = fields.Integer(readonly=True, help="The score the automatic measure proposes.")
    override_reason = fields.Char(help="Required when the score differs from the proposed one.")

    @api.constrains("score", "target_score", "weight")
    def _check_values(self):
        for line in self:
            for value in (line.score, line.target_score) if line.score != UNSCORED else (line.target_score,):
                if not SCORE_MIN <= value <= SCORE_MAX:
                    raise ValidationError(
                        self.env._(
                            "“%(criterion)s”: scores go from %(low)s to %(high)s (got %(value)s).",
                            criterion=line.criterion_id.name,
                            low=SCORE_MIN,
                            high=SCORE_MAX,
                            value=value,
                        )
                    )
            if line.weight <= 0:
                raise ValidationError(
                    self.env._(
                        "“%(criterion)s”: the importance must be positive (got %(weight)s).",
                        criterion=line.criterion_id.name,
                        weight=line.weight,
                    )
                )

    @api.onchange("score", "target_score")
    def _onchange_score_scale(self):
        """Say it on the line, at once, when a score leaves the scale (the constraint refuses it on save)."""
        for fname in ("score", "target_score"):
            value = self[fname]
            if value and not SCORE_MIN <= value <= SCORE_MAX:
                previous = self._origin[fname]
                self[fname] = previous if SCORE_MIN <= previous <= SCORE_MAX else False
                return {
                    "warning": {
                        "title": self.env._("Score out of the scale"),
                        "message": self.env._(
                            "“%(criterion)s”: scores go from %(low)s to %(high)s (got %(value)s).",
                            criterion=self.criterion_id.name,
                            low=SCORE_MIN,
                            high=SCORE_MAX,
                            value=value,
                        ),
                    }
                }
        return None

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.review_id._sdm_check_editable({"line_ids"})
        return lines

    def write(self, vals):
        self.review_id._sdm_check_editable(set(vals))
        if "weight" in vals:
            self._sdm_check_weight_change(vals["weight"])
        return super().write(vals)

    def _sdm_check_weight_change(self, weight):
        """The importance is the scorecard's: only an SDM Administrator changes it on a review line."""
        if self.env.su or self.env.user.has_group("sdm_sales.group_sdm_admin"):
            return
        for line in self:
            if float_compare(line.weight, weight or 0.0, precision_digits=6):
                raise UserError(
                    self.env._(
                        "“%(criterion)s”: the importance (%(weight)s) comes from the scorecard %(scorecard)s; "
                        "only an SDM Administrator changes it.",
                        criterion=line.criterion_id.name,
                        weight=line.weight,
                        scorecard=line.review_id.template_id.display_name,
                    )
                )

    def unlink(self):
        self.review_id._sdm_check_editable({"line_ids"})
        return super().unlink()
