from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

PLANNER_GROUPS = ("sdm_sales.group_sdm_planner", "sdm_sales.group_sdm_admin")


# The fiscal years a plan (sales or incentive) may be for: its dates, and last year's for comparisons, exist.
PLAN_YEARS = (1900, 9998)


def check_plan_year(plans):
    """The year constraint of sales and incentive plans."""
    for plan in plans.filtered(lambda p: not PLAN_YEARS[0] <= p.year <= PLAN_YEARS[1]):
        raise ValidationError(
            plans.env._(
                "%(plan)s: the fiscal year must be between %(first)s and %(last)s (got %(year)s).",
                plan=plan._description,
                first=PLAN_YEARS[0],
                last=PLAN_YEARS[1],
                year=plan.year,
            )
        )


class SdmSalesPlan(models.Model):
    """Annual sales plan (销售计划) of a company, split region → branch → salesperson by month."""

    _name = "sdm.sales.plan"
    _description = "Sales Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "year desc, version desc"

    name = fields.Char(compute="_compute_name", store=True)
    year = fields.Integer(
        string="Fiscal Year", required=True, tracking=True, help="The calendar year in which the fiscal year ends."
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(compute="_compute_dates", store=True)
    date_to = fields.Date(compute="_compute_dates", store=True)
    version = fields.Integer(default=1, readonly=True, copy=False)
    previous_id = fields.Many2one("sdm.sales.plan", string="Revision Of", readonly=True, copy=False, index=True)
    revision_ids = fields.One2many("sdm.sales.plan", "previous_id", string="Revisions", readonly=True)
    revision_reason = fields.Text(readonly=True, copy=False, tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("locked", "Locked"),
            ("superseded", "Superseded"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    use_quantity = fields.Boolean(string="Quantity Targets")
    use_margin = fields.Boolean(string="Gross Profit Targets")
    use_collections = fields.Boolean(string="Collection Targets")
    node_ids = fields.One2many("sdm.sales.plan.node", "plan_id", string="Nodes", copy=True)
    amount_total = fields.Monetary(string="Sales Target", compute="_compute_amount_total")
    note = fields.Html()

    @api.depends("year", "version")
    def _compute_name(self):
        for plan in self:
            # Named once, in the company's language (a stored name is read by everybody in the company).
            plan.name = plan._sdm_in_lang(
                plan._sdm_company_lang(),
                lambda p: p.env._("Sales Plan %(year)s v%(version)s", year=p.year, version=p.version),
            )

    @api.depends("year", "company_id")
    def _compute_dates(self):
        for plan in self:
            if not plan.year:
                plan.date_from = plan.date_to = False
                continue
            company = plan.company_id
            last_month = int(company.fiscalyear_last_month or 12)
            month_days = 28 if last_month == 2 else 30 if last_month in (4, 6, 9, 11) else 31
            last_day = min(company.fiscalyear_last_day or 31, month_days)
            dates = company.compute_fiscalyear_dates(date(plan.year, last_month, last_day))
            plan.date_from, plan.date_to = dates["date_from"], dates["date_to"]

    @api.depends("node_ids.amount_total", "node_ids.parent_id")
    def _compute_amount_total(self):
        for plan in self:
            plan.amount_total = sum(plan.node_ids.filtered(lambda n: not n.parent_id).mapped("amount_total"))

    def _sdm_months(self):
        """First days of the plan's twelve months."""
        self.ensure_one()
        return [self.date_from + relativedelta(months=i) for i in range(12)]

    @api.constrains("year")
    def _check_year(self):
        check_plan_year(self)

    @api.constrains("year", "company_id", "state")
    def _check_one_plan_per_year(self):
        for plan in self.filtered(lambda p: p.state != "superseded"):
            other = self.search(
                [
                    ("id", "!=", plan.id),
                    ("company_id", "=", plan.company_id.id),
                    ("year", "=", plan.year),
                    ("state", "!=", "superseded"),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "%(company)s already has %(plan)s for %(year)s: revise it instead of creating another.",
                        company=plan.company_id.name,
                        plan=other.name,
                        year=plan.year,
                    )
                )

    def _sdm_check_planner(self):
        if not any(self.env.user.has_group(group) for group in PLANNER_GROUPS):
            raise AccessError(self.env._("Only a Planner or an SDM Administrator can do this."))

    def _sdm_check_editable(self):
        locked = self.filtered(lambda p: p.state in ("locked", "superseded"))
        if locked:
            raise UserError(self.env._("%s is locked: make a revision to change it.", ", ".join(locked.mapped("name"))))

    def write(self, vals):
        if set(vals) - {"state", "message_main_attachment_id", "revision_ids"}:
            self._sdm_check_editable()
        return super().write(vals)

    # ------------------------------------------------------------------ structure

    def action_build_nodes(self):
        """Company → regions (with their sub-regions) → branches → salespeople, one line per month each."""
        self._sdm_check_planner()
        # Archived regions, branches and salespeople have no place in a new plan, whatever the caller's context.
        self = self.with_context(active_test=True)  # pylint: disable=self-cls-assignment
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("%s is not a draft.", plan.name))
            if plan.node_ids:
                raise UserError(self.env._("%s already has its structure.", plan.name))
            Node = self.env["sdm.sales.plan.node"]
            root = Node.create({"plan_id": plan.id, "level": "company", "name": plan.company_id.name})
            regions = self.env["sdm.region"].search([("company_id", "in", [False, plan.company_id.id])])
            region_nodes = {}
            for region in regions.sorted(lambda r: r.parent_path or ""):
                parent = region_nodes.get(region.parent_id, root)
                region_nodes[region] = Node.create(
                    {"plan_id": plan.id, "parent_id": parent.id, "level": "region", "region_id": region.id}
                )
            teams = self.env["crm.team"].search(
                [("sdm_region_id", "!=", False), ("company_id", "in", [False, plan.company_id.id])]
            )
            seen_users = set()
            for team in teams:
                branch = Node.create(
                    {
                        "plan_id": plan.id,
                        "parent_id": region_nodes.get(team.sdm_region_id, root).id,
                        "level": "branch",
                        "team_id": team.id,
                    }
                )
                for user in team.member_ids.filtered(lambda u, seen=seen_users: u.id not in seen):
                    seen_users.add(user.id)
                    Node.create(
                        {"plan_id": plan.id, "parent_id": branch.id, "level": "salesperson", "user_id": user.id}
                    )
        return True

    # ------------------------------------------------------------------ workflow

    def action_submit(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("%s is not a draft.", plan.name))
        self.write({"state": "submitted"})
        for plan in self:
            for user in self.env.ref("sdm_sales.group_sdm_planner").users.filtered(
                lambda u, p=plan: p.company_id in u.company_ids
            ):
                plan._sdm_activity_schedule(
                    "mail.mail_activity_data_todo", user, summary=lambda p: p.env._("Approve %s", p.name)
                )
        return True

    def action_approve(self):
        self._sdm_check_planner()
        for plan in self:
            if plan.state != "submitted":
                raise UserError(self.env._("%s must be submitted first.", plan.name))
            plan._sdm_check_variances()
        self.write({"state": "approved"})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def _sdm_check_variances(self):
        """Children must add up to their parent (or the difference must be accepted on the parent)."""
        self.ensure_one()
        wrong = self.node_ids.filtered(
            lambda n: n.child_ids and not n.variance_accepted and not self.currency_id.is_zero(n.variance)
        )
        if wrong:
            raise UserError(
                self.env._(
                    "%(plan)s cannot be approved: the children of these nodes do not add up:\n%(nodes)s",
                    plan=self.name,
                    nodes="\n".join(
                        self.env._(
                            "%(node)s: target %(target)s, children %(children)s",
                            node=n.display_name,
                            target=n.amount_total,
                            children=n.children_amount,
                        )
                        for n in wrong
                    ),
                )
            )

    def action_lock(self):
        self._sdm_check_planner()
        for plan in self:
            if plan.state != "approved":
                raise UserError(self.env._("%s must be approved first.", plan.name))
        self.write({"state": "locked"})
        return True

    def action_draft(self):
        for plan in self:
            if plan.state not in ("submitted", "approved"):
                raise UserError(self.env._("%s cannot go back to draft.", plan.name))
        self.write({"state": "draft"})
        return True

    def _sdm_revise(self, reason):
        """A new draft version of a locked plan; the locked one is kept as superseded history."""
        self.ensure_one()
        self._sdm_check_planner()
        if self.state != "locked":
            raise UserError(self.env._("Only a locked plan is revised; %s can still be edited.", self.name))
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason of the revision."))
        self.write({"state": "superseded"})
        revision = self.copy(
            {
                "version": self.version + 1,
                "previous_id": self.id,
                "revision_reason": reason,
                "node_ids": [],
            }
        )
        self._sdm_copy_nodes(revision)
        revision._sdm_post_note(lambda r: r.env._("Revision of %(plan)s: %(reason)s", plan=self.name, reason=reason))
        return revision

    def _sdm_copy_nodes(self, target):
        Node = self.env["sdm.sales.plan.node"]
        mapping = {}
        for node in self.node_ids.sorted("parent_path"):
            mapping[node] = Node.create(
                {
                    "plan_id": target.id,
                    "parent_id": mapping[node.parent_id].id if node.parent_id else False,
                    "level": node.level,
                    "name": node.name,
                    "region_id": node.region_id.id,
                    "team_id": node.team_id.id,
                    "user_id": node.user_id.id,
                    "categ_id": node.categ_id.id,
                    "variance_accepted": node.variance_accepted,
                    "distribution_weight": node.distribution_weight,
                    "line_ids": [
                        Command.create(
                            {
                                "month": line.month,
                                "amount": line.amount,
                                "quantity": line.quantity,
                                "margin": line.margin,
                                "collections": line.collections,
                            }
                        )
                        for line in node.line_ids
                    ],
                }
            )
        return mapping

    def action_open_nodes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_planning.action_sdm_sales_plan_node")
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action

    def action_refresh_achievement(self):
        self.env["sdm.sales.achievement"]._sdm_refresh(self)
        return True
