from odoo import api, fields, models

from ..models.sdm_incentive_plan import _number


class SdmIncentiveEstimate(models.TransientModel):
    """My Incentive: where a payee stands today in each active incentive plan of their company — achievement per
    measure and weighted, the next point of the curve, the estimated payout — computed by the plan's
    ``_sdm_estimate`` for the user who asks. A manager also gets the payees of the branches and regions they
    manage, among the plan nodes they may read. Rows are written for their owner only and read by nobody else."""

    _name = "sdm.incentive.estimate"
    _description = "Sales Incentive Estimate"
    _order = "sequence, id"
    _transient_max_hours = 1.0

    sequence = fields.Integer(readonly=True)
    owner_id = fields.Many2one("res.users", required=True, readonly=True, index=True, ondelete="cascade")
    plan_id = fields.Many2one("sdm.incentive.plan", string="Incentive Plan", readonly=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Payee", readonly=True, ondelete="cascade")
    is_mine = fields.Boolean(string="Mine", readonly=True)
    team_paid = fields.Boolean(string="Paid on Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date_from = fields.Date(string="Period From", readonly=True)
    date_to = fields.Date(string="Period To", readonly=True)
    weight_invoiced = fields.Float(string="Invoiced Sales Weight (%)", readonly=True)
    weight_collections = fields.Float(string="Collections Weight (%)", readonly=True)
    weight_margin = fields.Float(string="Gross Profit Weight (%)", readonly=True)
    achievement_invoiced = fields.Float(string="Invoiced Sales (%)", digits=(16, 1), readonly=True)
    achievement_collections = fields.Float(string="Collections (%)", digits=(16, 1), readonly=True)
    achievement_margin = fields.Float(string="Gross Profit (%)", digits=(16, 1), readonly=True)
    achievement = fields.Float(string="Achievement (%)", digits=(16, 1), readonly=True, help="Weighted.")
    payout_percent = fields.Float(string="Payout (%)", digits=(16, 1), readonly=True, help="Of the target incentive.")
    payout_amount = fields.Monetary(string="Estimated Payout", readonly=True)
    target_incentive = fields.Monetary(readonly=True, help="Paid at 100 % of the curve, per period of the plan.")
    next_achievement = fields.Float(string="Next Point (%)", digits=(16, 1), readonly=True)
    next_payout_percent = fields.Float(string="Payout at Next Point (%)", digits=(16, 1), readonly=True)
    achievement_needed = fields.Float(string="Still Needed (%)", digits=(16, 1), readonly=True)
    progress_percent = fields.Float(
        string="Progress (%)", digits=(16, 1), readonly=True, help="Towards the next point of the payout curve."
    )
    top_reached = fields.Boolean(string="Top of the Curve", readonly=True)
    next_step = fields.Char(readonly=True)
    gate_failed = fields.Boolean(string="Gate Not Met", readonly=True)
    gate_note = fields.Char(string="Gate", readonly=True)

    @api.depends("plan_id", "user_id", "is_mine")
    def _compute_display_name(self):
        for row in self:
            names = [row.plan_id.display_name] if row.is_mine else [row.plan_id.display_name, row.user_id.name]
            row.display_name = " – ".join(name for name in names if name)

    @api.model
    def action_open_my_incentive(self):
        """The My Incentive page: today's estimates of the user who asks."""
        rows = self._sdm_my_estimates(fields.Date.context_today(self))
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_planning.action_sdm_incentive_estimate")
        action["domain"] = [("id", "in", rows.ids)]
        return action

    @api.model
    def _sdm_my_estimates(self, day):
        """Estimate rows on ``day`` for the user of this environment (never for a user a request names): theirs
        first, then those of the payees they manage."""
        keyed = sorted(self._sdm_estimate_vals(day), key=lambda item: item[0])
        vals_list = [{**vals, "sequence": sequence} for sequence, (_key, vals) in enumerate(keyed)]
        # Written by the method alone (users have no create right), owned by the user who asked.
        return self.sudo().create(vals_list).sudo(False)

    @api.model
    def _sdm_estimate_vals(self, day):
        """[(sort key, row values)] of the estimates the user of this environment may read on ``day``."""
        me = self.env.user
        plans = self.env["sdm.incentive.plan"].search(
            [
                ("state", "=", "active"),
                ("company_id", "in", self.env.companies.ids),
                ("sales_plan_id.date_from", "<=", day),
                ("sales_plan_id.date_to", ">=", day),
            ]
        )
        vals_list = []
        for plan in plans:
            # Who the plan pays needs every participant and node (role participants name no user the record
            # rules could match); whose estimate is shown is decided by the caller's own access below.
            plan_sudo = plan.sudo()
            team = self._sdm_team_users(plan_sudo)
            for participant, user in plan_sudo._sdm_payees():
                if user != me and user not in team:
                    continue
                estimate = plan_sudo._sdm_estimate(participant, day, user)
                if not self._sdm_may_read_figures(plan_sudo, participant, user, estimate):
                    continue
                key = (user != me, plan.name, user.name, user.id)
                vals_list.append((key, self._sdm_row_vals(plan_sudo, participant, user, estimate)))
        return vals_list

    @api.model
    def _sdm_team_users(self, plan):
        """The payees a manager follows in ``plan``: the salespeople and managers of the nodes under the
        branches and regions they manage in the sales plan in force, among the nodes their record rules let
        them read."""
        me = self.env.user
        managed = plan._sdm_managed_nodes(me)
        if not managed:
            return me.browse()
        nodes = (
            self.env["sdm.sales.plan.node"]
            .with_user(me)
            .search([("id", "child_of", managed.ids), ("level", "in", ("salesperson", "branch", "region"))])
        )
        salespeople = nodes.filtered(lambda n: n.level == "salesperson")
        return (salespeople.user_id | (nodes - salespeople).manager_id) - me

    @api.model
    def _sdm_may_read_figures(self, plan, participant, user, estimate):
        """Whether the user who asks may read every achievement row the estimate adds up (the plan's domain of
        a payee's rows, under the caller's record rules)."""
        domain = plan._sdm_achievement_domain(participant, estimate["date_from"], estimate["date_to"], user)
        Achievement = self.env["sdm.sales.achievement"]
        return Achievement.with_user(self.env.user).search_count(domain) == Achievement.sudo().search_count(domain)

    @api.model
    def _sdm_row_vals(self, plan, participant, user, estimate):
        me = self.env.user
        weights = {measure.measure: measure.weight for measure in plan.measure_ids}
        measures = estimate["measures"]
        top = estimate["next_achievement"] is None
        if top:
            next_step = self.env._("Top of the curve reached")
        else:
            next_step = self.env._(
                "%(needed)s %% more to reach %(payout)s %% payout",
                needed=_number(round(estimate["achievement_needed"], 1)),
                payout=_number(round(estimate["next_payout_percent"], 1)),
            )
        return {
            "owner_id": me.id,
            "plan_id": plan.id,
            "user_id": user.id,
            "is_mine": user == me,
            "team_paid": participant._sdm_team_paid(),
            "company_id": plan.company_id.id,
            "currency_id": plan.currency_id.id,
            "date_from": estimate["date_from"],
            "date_to": estimate["date_to"],
            **{f"weight_{measure}": weight for measure, weight in weights.items()},
            **{f"achievement_{measure}": value for measure, value in measures.items()},
            "achievement": estimate["achievement"],
            "payout_percent": estimate["payout_percent"],
            "payout_amount": estimate["payout_amount"],
            "target_incentive": participant.target_incentive,
            "next_achievement": estimate["next_achievement"] or 0.0,
            "next_payout_percent": estimate["next_payout_percent"] or 0.0,
            "achievement_needed": estimate["achievement_needed"],
            "progress_percent": estimate["progress_percent"],
            "top_reached": top,
            "next_step": next_step,
            "gate_failed": estimate["gate_failed"],
            "gate_note": estimate["gate_note"],
        }
