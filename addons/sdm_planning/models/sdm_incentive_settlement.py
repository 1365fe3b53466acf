from odoo import api, fields, models
from odoo.exceptions import UserError

SETTLEMENT_TYPES = [
    ("period", "Period"),
    ("true_up", "Year-end True-up"),
    ("adjustment", "Adjustment"),
]
STATES = [
    ("draft", "Draft"),
    ("reviewed", "Reviewed"),
    ("approved", "Approved"),
    ("locked", "Locked"),
]


class SdmIncentiveSettlement(models.Model):
    """What an incentive plan pays for a period (提成结算): computed from the sales plan's achievement rows,
    reviewed by a planner, approved by finance, then locked. A locked settlement is never rewritten: corrections
    are adjustment settlements of the same period, refunds and bad debts clawed back in the next one."""

    _name = "sdm.incentive.settlement"
    _description = "Sales Incentive Settlement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True, copy=False, default="/")
    plan_id = fields.Many2one(
        "sdm.incentive.plan", string="Incentive Plan", required=True, readonly=True, index=True, check_company=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    sales_plan_id = fields.Many2one(
        "sdm.sales.plan", readonly=True, check_company=True, help="The version of the sales plan the figures come from."
    )
    settlement_type = fields.Selection(SETTLEMENT_TYPES, required=True, readonly=True, default="period")
    date_from = fields.Date(required=True, readonly=True)
    date_to = fields.Date(required=True, readonly=True)
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, tracking=True, copy=False)
    line_ids = fields.One2many("sdm.incentive.settlement.line", "settlement_id", string="Lines", readonly=True)
    amount_total = fields.Monetary(string="Total", compute="_compute_amount_total", store=True, tracking=True)
    participant_count = fields.Integer(string="Participants", compute="_compute_amount_total", store=True)
    computed_date = fields.Datetime(readonly=True, copy=False)
    reviewed_uid = fields.Many2one("res.users", string="Reviewed By", readonly=True, copy=False, tracking=True)
    approved_uid = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False, tracking=True)
    locked_date = fields.Date(
        readonly=True, copy=False, tracking=True, help="Paid out: the clawback window starts on this day."
    )
    note = fields.Text(help="Why this adjustment settlement was made.")

    def init(self):
        # One period (and one true-up) settlement per plan and period, whoever runs it and however often:
        # with the plan row locked by the runner, the second runner finds the first one's settlement.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS sdm_incentive_settlement_period_uniq
                ON sdm_incentive_settlement (plan_id, settlement_type, date_from)
             WHERE settlement_type != 'adjustment'
            """
        )

    @api.depends("line_ids.amount", "line_ids.user_id")
    def _compute_amount_total(self):
        for settlement in self:
            settlement.amount_total = settlement.currency_id.round(sum(settlement.line_ids.mapped("amount")))
            settlement.participant_count = len(settlement.line_ids.user_id)

    @api.depends("plan_id", "settlement_type", "date_from", "date_to")
    def _compute_display_name(self):
        types = dict(self._fields["settlement_type"]._description_selection(self.env))
        for settlement in self:
            settlement.display_name = (
                f"{settlement.name} {settlement.plan_id.name} {types.get(settlement.settlement_type, '')} "
                f"{settlement._sdm_date(settlement.date_from)} – {settlement._sdm_date(settlement.date_to)}"
                if settlement.name and settlement.name != "/"
                else settlement.plan_id.name or ""
            )

    # ------------------------------------------------------------------ running a settlement

    @api.model
    def _sdm_settle(self, plan, day, settlement_type="period", refresh=False):
        """The settlement of ``plan`` for the period holding ``day`` (the fiscal year for a true-up), computed
        once: whoever runs it again, or at the same moment, gets the same settlement. The plan row is locked
        (the shared lock) so that two runners are served one after the other; a draft is recomputed only by
        ``action_recompute``. ``refresh``: rewrite the sales plan's achievement rows first."""
        plan.ensure_one()
        self._sdm_check_settler()
        if plan.state != "active":
            raise UserError(self.env._("%(plan)s is not active: activate it to settle it.", plan=plan.display_name))
        plan._sdm_lock_rows()
        if settlement_type == "true_up":
            sales_plan = plan._sdm_current_sales_plan()
            date_from, date_to = sales_plan.date_from, sales_plan.date_to
        else:
            date_from, date_to = plan._sdm_period_dates(day)
        existing = self.search(
            [("plan_id", "=", plan.id), ("settlement_type", "=", settlement_type), ("date_from", "=", date_from)]
        )
        if existing:
            return existing
        if refresh:
            self.env["sdm.sales.achievement"]._sdm_refresh(plan._sdm_current_sales_plan())
        with self.env.cr.savepoint():  # a settlement refused while computed (a true-up too early) leaves nothing
            settlement = self.create(
                {
                    "plan_id": plan.id,
                    "company_id": plan.company_id.id,
                    "settlement_type": settlement_type,
                    "date_from": date_from,
                    "date_to": date_to,
                }
            )
            settlement._sdm_assign_number("sdm.incentive.settlement")
            settlement._sdm_compute()
        return settlement

    def _sdm_check_settler(self):
        user = self.env.user
        if not (user.has_group("sdm_sales.group_sdm_planner") or user.has_group("sdm_sales.group_sdm_admin")):
            raise UserError(self.env._("Only planners run incentive settlements."))

    def action_recompute(self):
        """A draft computed again from today's achievement rows; its adjustment lines stay."""
        self._sdm_check_settler()
        self._sdm_lock_rows()
        for settlement in self:
            if settlement.state != "draft":
                raise UserError(
                    self.env._(
                        "%(settlement)s is %(state)s: only a draft is computed again; correct it by an adjustment.",
                        settlement=settlement.display_name,
                        state=dict(STATES)[settlement.state],
                    )
                )
            if settlement.settlement_type != "adjustment":
                settlement._sdm_compute()
        return True

    # ------------------------------------------------------------------ workflow

    def _sdm_check_state(self, expected, action):
        for settlement in self:
            if settlement.state != expected:
                raise UserError(
                    self.env._(
                        "%(settlement)s cannot be %(action)s: it is %(state)s.",
                        settlement=settlement.display_name,
                        action=action,
                        state=dict(self._fields["state"]._description_selection(self.env))[settlement.state],
                    )
                )

    def _sdm_finance_users(self):
        self.ensure_one()
        group = self.env.ref("sdm_sales.group_sdm_finance")
        return group.sudo().users.filtered(lambda u: self.company_id in u.company_ids and u.active)

    def action_review(self):
        """The planner's review: finance is asked to approve."""
        self._sdm_check_settler()
        self._sdm_check_state("draft", self.env._("reviewed"))
        self._sdm_lock_rows()
        self.write({"state": "reviewed", "reviewed_uid": self.env.uid})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        for settlement in self:
            for user in settlement._sdm_finance_users():
                settlement._sdm_activity_schedule(
                    "mail.mail_activity_data_todo",
                    user,
                    summary=lambda rec: rec.env._("Approve an incentive settlement"),
                    note=lambda rec, s=settlement: rec.env._(
                        "%(settlement)s: %(amount)s for %(count)s participants.",
                        settlement=s.display_name,
                        amount=rec._sdm_money(s.amount_total, s.currency_id),
                        count=s.participant_count,
                    ),
                )
        return True

    def _sdm_check_finance(self):
        user = self.env.user
        if not (user.has_group("sdm_sales.group_sdm_finance") or user.has_group("sdm_sales.group_sdm_admin")):
            raise UserError(self.env._("Only finance approves and locks incentive settlements."))

    def action_approve(self):
        self._sdm_check_finance()
        self._sdm_check_state("reviewed", self.env._("approved"))
        self._sdm_lock_rows()
        self.write({"state": "approved", "approved_uid": self.env.uid})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_lock(self):
        """Paid out: nothing of the settlement changes any more."""
        self._sdm_check_finance()
        self._sdm_check_state("approved", self.env._("locked"))
        self._sdm_lock_rows()
        self.write({"state": "locked", "locked_date": fields.Date.context_today(self)})
        self._sdm_on_lock()
        return True

    def _sdm_on_lock(self):
        """Hook: what a locked settlement does (the journal entry)."""
        return True

    def action_back_to_draft(self):
        """A reviewed settlement sent back to the planner (never an approved or locked one)."""
        self._sdm_check_settler()
        self._sdm_check_state("reviewed", self.env._("sent back to draft"))
        self.write({"state": "draft", "reviewed_uid": False})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for settlement in self:
            if settlement.state != "draft":
                raise UserError(
                    self.env._(
                        "%(settlement)s is %(state)s and cannot be deleted.",
                        settlement=settlement.display_name,
                        state=dict(self._fields["state"]._description_selection(self.env))[settlement.state],
                    )
                )

    def action_open_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_planning.action_sdm_incentive_settlement_line")
        action["domain"] = [("settlement_id", "=", self.id)]
        action["context"] = {"search_default_group_user": 1}
        return action
