from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.sdm_sales.tools import tiers as tiers_maths
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from .sdm_sales_plan import check_plan_year

# Achievement row figures (sdm.sales.achievement) each incentive measure reads: (actual, target).
MEASURE_FIGURES = {
    "invoiced": ("actual_amount", "target_amount"),
    "collections": ("actual_collections", "target_collections"),
    "margin": ("actual_margin", "target_margin"),
}
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _number(value):
    """A percentage as people write it in messages (120, 87.5), outside the translated call: the term extractor
    cannot read an f-string among the arguments of ``_()``."""
    return f"{value:g}"


def _numbers(values):
    return ", ".join(_number(value) for value in values)


class SdmIncentivePlan(models.Model):
    """Sales incentive plan (销售激励 / 提成) of a company and fiscal year: pays participants a share of their target
    incentive by a payout curve on their weighted achievement of the linked sales plan."""

    _name = "sdm.incentive.plan"
    _description = "Sales Incentive Plan"
    _inherit = ["mail.thread"]
    _order = "year desc, name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    year = fields.Integer(string="Fiscal Year", required=True, tracking=True)
    sales_plan_id = fields.Many2one(
        "sdm.sales.plan",
        required=True,
        check_company=True,
        tracking=True,
        domain="[('company_id', '=', company_id), ('year', '=', year), ('state', '!=', 'superseded')]",
        help="Achievement is read from this plan's achievement rows.",
    )
    period = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        default="quarter",
        required=True,
        tracking=True,
    )
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active")], default="draft", required=True, tracking=True, copy=False
    )
    curve_type = fields.Selection(
        [
            ("linear", "Linear between points"),
            ("steps", "Steps"),
            ("rate", "Rate per tier"),
        ],
        default="linear",
        required=True,
        tracking=True,
        help="Linear: straight lines between the points, above the last one its rate (an accelerator). Steps: the "
        "payout of the point reached. Rate per tier: the achievement times the tier's rate.",
    )
    tier_method = fields.Selection(
        [
            ("retroactive", "Retroactive: all the achievement at the tier reached"),
            ("incremental", "Incremental: each bracket at its own rate"),
        ],
        default="retroactive",
        required=True,
        tracking=True,
        help="For rate per tier curves.",
    )
    cap_percent = fields.Float(
        string="Cap (% of Target)",
        tracking=True,
        help="Most a participant earns, in % of the target incentive. 0: no cap.",
    )
    measure_ids = fields.One2many("sdm.incentive.measure", "plan_id", string="Measures", copy=True)
    tier_ids = fields.One2many("sdm.incentive.curve.tier", "plan_id", string="Payout Curve", copy=True)
    participant_ids = fields.One2many("sdm.incentive.participant", "plan_id", string="Participants", copy=True)
    gate_ids = fields.One2many(
        "sdm.incentive.gate",
        "plan_id",
        string="Gates",
        copy=True,
        help="Below the minimum achievement of a gate's measure, the period pays nothing.",
    )
    overdue_days = fields.Integer(
        string="Overdue After (Days)",
        tracking=True,
        help="Receivables of the participant's invoices overdue by more than this many days at the end of the "
        "period reduce the payout.",
    )
    overdue_deduction_percent = fields.Float(
        string="Overdue Deduction (%)",
        tracking=True,
        help="Deducted from the payout: this share of the overdue receivables. 0: no deduction.",
    )
    clawback_months = fields.Integer(
        string="Clawback Window (Months)",
        tracking=True,
        help="Invoices refunded or written off as bad debt within this many months after the settlement that "
        "paid them out are taken back, as negative lines of the next settlement. 0: no clawback.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        tracking=True,
        domain="[('type', '=', 'general')]",
        help="With the two accounts: each locked settlement posts its total in this journal.",
    )
    expense_account_id = fields.Many2one(
        "account.account",
        string="Incentive Expense Account",
        check_company=True,
        domain="[('deprecated', '=', False)]",
        tracking=True,
        help="Debited with the total of a locked settlement (credited when the total is negative).",
    )
    accrual_account_id = fields.Many2one(
        "account.account",
        string="Accrued Payroll Account",
        check_company=True,
        domain="[('deprecated', '=', False)]",
        tracking=True,
        help="Credited with the total of a locked settlement, until payroll pays it.",
    )
    settlement_ids = fields.One2many("sdm.incentive.settlement", "plan_id", string="Settlements", readonly=True)
    settlement_count = fields.Integer(compute="_compute_settlement_count")

    def _compute_settlement_count(self):
        counts = dict(
            self.env["sdm.incentive.settlement"]._read_group([("plan_id", "in", self.ids)], ["plan_id"], ["__count"])
        )
        for plan in self:
            plan.settlement_count = counts.get(plan, 0)

    def action_open_settlements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_planning.action_sdm_incentive_settlement")
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action

    # ------------------------------------------------------------------ checks

    # Lines edited inside the plan (its form) are checked once all of them are written, by the plan's
    # constraints; lines written on their own are checked by theirs (``_sdm_check_from_line``).
    @api.model_create_multi
    def create(self, vals_list):
        plans = super(SdmIncentivePlan, self.with_context(sdm_incentive_plan_write=True)).create(vals_list)
        return plans.with_env(self.env)

    def write(self, vals):
        return super(SdmIncentivePlan, self.with_context(sdm_incentive_plan_write=True)).write(vals)

    def _sdm_check_from_line(self):
        """The plan's checks, for measures and curve points written apart from the plan."""
        if not self.env.context.get("sdm_incentive_plan_write"):
            self._check_weights()
            self._check_curve()

    @api.constrains("measure_ids")
    def _check_weights(self):
        for plan in self.filtered("measure_ids"):
            total = sum(plan.measure_ids.mapped("weight"))
            if float_compare(total, 100.0, precision_digits=2):
                raise ValidationError(
                    self.env._(
                        "%(plan)s: the measure weights add up to %(total)s %%, not 100 %%.",
                        plan=plan.display_name,
                        total=_number(total),
                    )
                )

    @api.constrains(
        "tier_ids",
        "cap_percent",
        "curve_type",
        "tier_method",
        "overdue_days",
        "overdue_deduction_percent",
        "clawback_months",
    )
    def _check_curve(self):
        for plan in self:
            starts = plan.tier_ids.mapped("achievement_from")
            duplicates = tiers_maths.duplicate_thresholds(starts)
            if duplicates:
                raise ValidationError(
                    self.env._(
                        "%(plan)s: two points of the payout curve start at %(starts)s %%; each point needs its own "
                        "achievement.",
                        plan=plan.display_name,
                        starts=_numbers(duplicates),
                    )
                )
            for tier in plan.tier_ids:
                if min(tier.achievement_from, tier.payout_percent, tier.rate) < 0:
                    raise ValidationError(
                        self.env._(
                            "%(plan)s: the point from %(start)s %% cannot be negative (payout %(payout)s %%, "
                            "rate %(rate)s %%).",
                            plan=plan.display_name,
                            start=_number(tier.achievement_from),
                            payout=_number(tier.payout_percent),
                            rate=_number(tier.rate),
                        )
                    )
            if min(plan.overdue_days, plan.overdue_deduction_percent, plan.clawback_months) < 0:
                raise ValidationError(
                    self.env._(
                        "%(plan)s: overdue days (%(days)s), overdue deduction (%(deduction)s %%) and clawback window "
                        "(%(months)s months) cannot be negative.",
                        plan=plan.display_name,
                        days=plan.overdue_days,
                        deduction=_number(plan.overdue_deduction_percent),
                        months=plan.clawback_months,
                    )
                )
            if plan.cap_percent < 0:
                raise ValidationError(
                    self.env._(
                        "%(plan)s: the cap cannot be negative (got %(cap)s %%).",
                        plan=plan.display_name,
                        cap=_number(plan.cap_percent),
                    )
                )
            if plan.cap_percent and plan.tier_ids:
                last = max(starts)
                at_last = plan._sdm_payout(last, cap=False)
                if plan.cap_percent < at_last:
                    raise ValidationError(
                        self.env._(
                            "%(plan)s: the cap of %(cap)s %% is below the payout of %(payout)s %% at the curve's last "
                            "point (%(start)s %% achievement).",
                            plan=plan.display_name,
                            cap=_number(plan.cap_percent),
                            payout=_number(at_last),
                            start=_number(last),
                        )
                    )

    @api.constrains("year")
    def _check_year(self):
        check_plan_year(self)

    @api.constrains("year", "sales_plan_id")
    def _check_sales_plan_year(self):
        for plan in self:
            if plan.sales_plan_id.year != plan.year:
                raise ValidationError(
                    self.env._(
                        "%(plan)s is for %(year)s but %(sales_plan)s is for %(plan_year)s.",
                        plan=plan.display_name,
                        year=plan.year,
                        sales_plan=plan.sales_plan_id.display_name,
                        plan_year=plan.sales_plan_id.year,
                    )
                )

    def action_activate(self):
        for plan in self:
            if not plan.measure_ids or not plan.tier_ids:
                raise UserError(
                    self.env._("%(plan)s needs measures and a payout curve to be activated.", plan=plan.display_name)
                )
        self._sdm_check_accounting()
        self.write({"state": "active"})
        return True

    def _sdm_accounting_fields(self):
        return ("journal_id", "expense_account_id", "accrual_account_id")

    def _sdm_posts_entries(self):
        """Whether this plan's locked settlements post a journal entry: all three accounting fields set."""
        self.ensure_one()
        return all(self[name] for name in self._sdm_accounting_fields())

    def _sdm_check_accounting(self):
        """The journal entry needs the journal and both accounts, or none of them: a plan set up halfway is
        refused, naming what is missing."""
        for plan in self:
            names = plan._sdm_accounting_fields()
            missing = [name for name in names if not plan[name]]
            if missing and len(missing) < len(names):
                raise UserError(
                    self.env._(
                        "%(plan)s: to post the incentive entry, set %(missing)s as well (or clear the journal and "
                        "the accounts).",
                        plan=plan.display_name,
                        missing=", ".join(plan._fields[name]._description_string(self.env) for name in missing),
                    )
                )

    def action_draft(self):
        self.write({"state": "draft"})
        return True

    # ------------------------------------------------------------------ maths

    def _sdm_curve_points(self):
        """The payout curve as the shared tier maths read it: ``(from, payout, rate)`` ascending."""
        self.ensure_one()
        return [
            (tier.achievement_from, tier.payout_percent, tier.rate) for tier in self.tier_ids.sorted("achievement_from")
        ]

    def _sdm_payout(self, achievement_percent, cap=True):
        """Payout in % of the target incentive at ``achievement_percent``, by the plan's curve (shared tier maths)."""
        self.ensure_one()
        return tiers_maths.curve_payout(
            self._sdm_curve_points(),
            achievement_percent,
            self.curve_type,
            incremental=self.tier_method == "incremental",
            cap=self.cap_percent if cap else None,
        )

    def _sdm_period_dates(self, day):
        """First and last day of the plan's period (month, quarter or the fiscal year) that holds ``day``,
        counted from the start of the sales plan's fiscal year."""
        self.ensure_one()
        start = self.sales_plan_id.date_from
        months = PERIOD_MONTHS[self.period]
        elapsed = (day.year - start.year) * 12 + day.month - start.month
        date_from = start + relativedelta(months=elapsed - elapsed % months)
        return date_from, date_from + relativedelta(months=months, days=-1)

    def _sdm_achievement_domain(self, participant, date_from, date_to, user=None):
        """The achievement rows ``user`` (default: the participant's) is measured on: their own salesperson rows,
        or for a manager paid on the team (a manager role, or ticked) the rows of the branches and regions they
        manage (once each: see ``_sdm_managed_nodes``), in the sales plan in force; the rows ``_sdm_measure_sums``
        adds up."""
        self.ensure_one()
        user = user or participant.user_id
        domain = [
            ("plan_id", "=", self._sdm_current_sales_plan().id),
            ("month", ">=", date_from),
            ("month", "<=", date_to),
        ]
        if participant._sdm_team_paid():
            return [*domain, ("node_id", "in", self._sdm_managed_nodes(user).ids)]
        return [*domain, ("level", "=", "salesperson"), ("user_id", "=", user.id)]

    def _sdm_current_sales_plan(self):
        """The version of the linked sales plan in force: a revision replaces it once approved (a plan revised
        mid-year is read in its revised version, and the year-end true-up settles the difference)."""
        self.ensure_one()
        plan = self.sales_plan_id
        while True:
            revision = plan.revision_ids.filtered(lambda p: p.state in ("approved", "locked"))[:1]
            if not revision:
                return plan
            plan = revision

    def _sdm_payees(self):
        """[(participant, user)] the plan pays: named participants, then each user in a participant's role on the
        sales plan in force (its salesperson nodes, the managers of its branch or region nodes) not named."""
        self.ensure_one()
        named = self.participant_ids.filtered("user_id")
        payees = [(participant, participant.user_id) for participant in named]
        taken = set(named.user_id.ids)
        nodes = self._sdm_current_sales_plan().node_ids
        by_role = {
            "salesperson": nodes.filtered(lambda n: n.level == "salesperson").user_id,
            "branch_manager": nodes.filtered(lambda n: n.level == "branch").manager_id,
            "regional_manager": nodes.filtered(lambda n: n.level == "region").manager_id,
        }
        for participant in self.participant_ids - named:
            for user in by_role[participant.role].sorted("id"):
                if user.id not in taken:
                    taken.add(user.id)
                    payees.append((participant, user))
        return payees

    def _sdm_estimate(self, participant, period, user=None):
        """Where ``user`` (default: the participant's) stands in the period holding the date ``period``:
        achievement per measure and weighted, payout in % and as an amount of the target incentive, and the next
        point of the curve."""
        self.ensure_one()
        user = user or participant.user_id
        if not user:
            raise UserError(
                self.env._(
                    "%(plan)s: the participant %(participant)s names no user to estimate.",
                    plan=self.display_name,
                    participant=participant.display_name,
                )
            )
        date_from, date_to = self._sdm_period_dates(period)
        totals = self._sdm_measure_sums([(participant, user)], date_from, date_to).get(0, {})
        vals = self._sdm_payout_vals(participant, user, totals)
        measures = {measure.measure: vals[f"achievement_{measure.measure}"] for measure in self.measure_ids}
        weighted = vals["achievement"]
        payout_percent = vals["payout_percent"]
        points = self._sdm_curve_points()
        nxt = tiers_maths.next_index([point[0] for point in points], weighted)
        next_from = points[nxt][0] if nxt is not None else None
        return {
            "date_from": date_from,
            "date_to": date_to,
            "measures": measures,
            "achievement": weighted,
            "payout_percent": payout_percent,
            "payout_amount": vals["amount"],
            "gate_failed": vals["gate_failed"],
            "gate_note": vals["note"] or "",
            "next_achievement": next_from,
            "next_payout_percent": self._sdm_payout(next_from) if next_from is not None else None,
            "achievement_needed": tiers_maths.still_needed(weighted, next_from),
            "progress_percent": tiers_maths.progress_percent(weighted, next_from),
        }
