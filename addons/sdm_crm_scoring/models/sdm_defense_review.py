from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

SCORE_MIN, SCORE_MAX = 1, 9
UNSCORED = 0  # a criterion nobody scored yet: no score, not the lowest one


class SdmDefenseReview(models.Model):
    """Defense review (防御评估) of an existing customer on a scorecard: a snapshot once confirmed."""

    _name = "sdm.defense.review"
    _description = "Customer Defense Review"
    _inherit = ["mail.thread", "mail.activity.mixin", "sdm.known.value.mixin"]
    _order = "review_date desc, id desc"
    _sdm_known_if = {"score": "has_score", "gap": "has_score", "weighted_total": "has_score"}

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    template_id = fields.Many2one("sdm.scorecard.template", string="Scorecard", required=True, tracking=True)
    review_date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True, index=True
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, required=True, index=True)
    sdm_region_id = fields.Many2one(related="partner_id.commercial_partner_id.sdm_region_id", store=True)
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed")], default="draft", required=True, tracking=True
    )
    line_ids = fields.One2many("sdm.defense.review.line", "review_id", string="Criteria", copy=True)
    has_score = fields.Boolean(
        string="Scored",
        compute="_compute_scores",
        store=True,
        help="Every criterion has today's score. Until then the review has no score and no average counts it.",
    )
    score = fields.Float(
        string="Score (%)",
        compute="_compute_scores",
        store=True,
        aggregator="avg",
        help="Σ importance × (today's score − 1) / Σ importance × 8, in percent: 1 everywhere is 0 %, 9 is 100 %. "
        "Empty until every criterion is scored.",
    )
    target_score = fields.Float(
        string="Target (%)",
        compute="_compute_scores",
        store=True,
        aggregator="avg",
        help="The targets on the same scale as the score: 1 everywhere is 0 %, 9 is 100 %.",
    )
    gap = fields.Float(
        string="Gap to Target (points)",
        compute="_compute_scores",
        store=True,
        aggregator="avg",
        help="Target minus score, in percentage points.",
    )
    weighted_total = fields.Float(compute="_compute_scores", store=True, help="Σ importance × today's score.")

    @api.depends("line_ids.weight", "line_ids.score", "line_ids.target_score")
    def _compute_scores(self):
        for review in self:
            review.has_score = bool(review.line_ids) and all(review.line_ids.mapped("score"))
            review.target_score = review._sdm_normalise("target_score")
            if review.has_score:
                review.weighted_total = sum(line.weight * line.score for line in review.line_ids)
                review.score = review._sdm_normalise("score")
                review.gap = review.target_score - review.score
            else:
                review.weighted_total = review.score = review.gap = 0.0

    def _sdm_normalise(self, field):
        """Weighted score of ``field`` mapped from the 1-9 scale onto 0-100."""
        total_weight = sum(self.line_ids.mapped("weight"))
        if not total_weight:
            return 0.0
        points = sum(line.weight * (line[field] - SCORE_MIN) for line in self.line_ids)
        return round(100.0 * points / (total_weight * (SCORE_MAX - SCORE_MIN)), 2)

    @api.constrains("partner_id", "template_id", "state")
    def _check_one_open_review(self):
        for review in self.filtered(lambda r: r.state == "draft"):
            duplicate = self.search_count(
                [
                    ("id", "!=", review.id),
                    ("state", "=", "draft"),
                    ("partner_id", "=", review.partner_id.id),
                    ("template_id", "=", review.template_id.id),
                ],
                limit=1,
            )
            if duplicate:
                raise ValidationError(
                    self.env._(
                        "%(customer)s already has an open review on scorecard “%(template)s”: confirm it first.",
                        customer=review.partner_id.display_name,
                        template=review.template_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        reviews = super().create(vals_list)
        reviews.filtered(lambda r: not r.line_ids)._sdm_fill_lines()
        reviews._sdm_assign_number("sdm.defense.review")
        return reviews

    def write(self, vals):
        self._sdm_check_editable(set(vals) - {"message_main_attachment_id"})
        return super().write(vals)

    def unlink(self):
        self._sdm_check_editable({"unlink"})
        return super().unlink()

    def _sdm_check_editable(self, fnames):
        if fnames and any(r.state == "confirmed" for r in self):
            confirmed = self.filtered(lambda r: r.state == "confirmed")
            raise UserError(
                self.env._(
                    "Review %(review)s is confirmed: it is a snapshot. Start a new review to change the score.",
                    review=", ".join(confirmed.mapped("name")),
                )
            )

    def _sdm_line_commands(self):
        """One line per criterion of the scorecard, starting from the previous confirmed review's scores."""
        self.ensure_one()
        previous = self.search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("template_id", "=", self.template_id.id),
                ("state", "=", "confirmed"),
            ],
            order="review_date desc, id desc",
            limit=1,
        )
        before = {line.criterion_id: line for line in previous.line_ids}
        return [
            fields.Command.create(
                {
                    "criterion_id": criterion.id,
                    "sequence": criterion.sequence,
                    "weight": criterion.weight,
                    "score": before[criterion].score if criterion in before else UNSCORED,
                    "target_score": before[criterion].target_score if criterion in before else SCORE_MAX,
                }
            )
            for criterion in self.template_id.criterion_ids
        ]

    def _sdm_fill_lines(self):
        for review in self:
            review.line_ids = review._sdm_line_commands()
        self.action_compute_measures()

    def action_compute_measures(self):
        """Propose the scores of automatic criteria from real data (draft reviews)."""
        for review in self.filtered(lambda r: r.state == "draft"):
            partner = review.partner_id.commercial_partner_id
            for line in review.line_ids.filtered(lambda line: line.criterion_id.measure != "manual"):
                value = line.criterion_id._sdm_measure(partner, review.review_date).get(partner.id)
                if value is None:
                    continue
                proposed = line.criterion_id._sdm_score_for(value)
                line.write({"measured_value": value, "proposed_score": proposed, "score": proposed})
        return True

    @api.onchange("template_id", "partner_id")
    def _onchange_template_id(self):
        if self.template_id and not self.line_ids:
            self.line_ids = self._sdm_line_commands()

    def action_confirm(self):
        """Freeze the review and turn each planned action into an activity for its responsible person."""
        for review in self:
            if review.state != "draft":
                raise UserError(self.env._("Review %s is already confirmed.", review.name))
            if not review.line_ids:
                raise UserError(self.env._("Review %s has no criteria to score.", review.name))
            unscored = review.line_ids.filtered(lambda line: line.score == UNSCORED)
            if unscored:
                raise UserError(
                    self.env._(
                        "Review %(review)s: score every criterion before confirming. Not scored yet: %(criteria)s.",
                        review=review.name,
                        criteria=", ".join(unscored.criterion_id.mapped("name")),
                    )
                )
            for line in review.line_ids:
                if line.proposed_score and line.score != line.proposed_score and not line.override_reason:
                    raise UserError(
                        self.env._(
                            "“%(criterion)s”: the measure (%(value)s) proposes %(proposed)s, the review says "
                            "%(score)s. Give a reason for the override.",
                            criterion=line.criterion_id.name,
                            value=line.measured_value,
                            proposed=line.proposed_score,
                            score=line.score,
                        )
                    )
        for line in self.line_ids.filtered(lambda line: line.action and line.action_date):
            line.review_id._sdm_activity_schedule(
                "mail.mail_activity_data_todo",
                line.action_user_id or line.review_id.user_id or self.env.user,
                date_deadline=line.action_date,
                summary=lambda r, line=line: line.criterion_id.with_env(r.env).name,
                note=line.action,
            )
        self.write({"state": "confirmed"})
        for review in self:
            review._sdm_post_note(
                lambda r: r.env._(
                    "Review confirmed: score %(score)s / 100, target %(target)s, gap %(gap)s.",
                    score=r._sdm_number(r.score),
                    target=r._sdm_number(r.target_score),
                    gap=r._sdm_number(r.gap),
                )
            )
        return True
