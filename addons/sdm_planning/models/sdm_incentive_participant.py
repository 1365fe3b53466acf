from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SdmIncentiveParticipant(models.Model):
    """Who an incentive plan pays, by name or by role, and their target incentive per period."""

    _name = "sdm.incentive.participant"
    _description = "Sales Incentive Participant"
    _order = "plan_id, id"
    _check_company_auto = True

    plan_id = fields.Many2one("sdm.incentive.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    user_id = fields.Many2one("res.users", index=True, check_company=True)
    role = fields.Selection(
        [
            ("salesperson", "Salesperson"),
            ("branch_manager", "Branch Manager"),
            ("regional_manager", "Regional Manager"),
        ],
        help="Everybody in this role, when no user is named.",
    )
    target_incentive = fields.Monetary(help="Paid at 100 % of the curve, per period of the plan.")
    team_paid = fields.Boolean(
        string="Paid on Team", help="A manager paid on the achievement of the branches and regions they manage."
    )

    def _sdm_team_paid(self):
        """Paid on the team's achievement: ticked, or a manager role."""
        self.ensure_one()
        return self.team_paid or self.role in ("branch_manager", "regional_manager")

    @api.depends("user_id", "role")
    def _compute_display_name(self):
        roles = dict(self._fields["role"]._description_selection(self.env))
        for participant in self:
            participant.display_name = participant.user_id.name or roles.get(participant.role) or ""

    @api.constrains("user_id", "role", "target_incentive")
    def _check_participant(self):
        for participant in self:
            if participant.target_incentive < 0:
                raise ValidationError(
                    self.env._(
                        "%(plan)s: the target incentive of %(participant)s cannot be negative (got %(amount)s).",
                        plan=participant.plan_id.display_name,
                        participant=participant.display_name,
                        amount=participant._sdm_money(participant.target_incentive, participant.currency_id),
                    )
                )
            if not participant.user_id and not participant.role:
                raise ValidationError(
                    self.env._("%(plan)s: a participant names a user or a role.", plan=participant.plan_id.display_name)
                )
