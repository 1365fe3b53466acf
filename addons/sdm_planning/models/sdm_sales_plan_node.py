from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round

MEASURES = ("amount", "quantity", "margin", "collections")


class SdmSalesPlanNode(models.Model):
    """A node of a sales plan (company, region, branch or salesperson) with its twelve monthly targets."""

    _name = "sdm.sales.plan.node"
    _description = "Sales Plan Node"
    _parent_store = True
    _order = "plan_id, parent_path"

    plan_id = fields.Many2one("sdm.sales.plan", required=True, ondelete="cascade", index=True)
    parent_id = fields.Many2one("sdm.sales.plan.node", ondelete="cascade", index=True)
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("sdm.sales.plan.node", "parent_id", string="Children")
    level = fields.Selection(
        [
            ("company", "Company"),
            ("region", "Region"),
            ("branch", "Branch"),
            ("salesperson", "Salesperson"),
            ("category", "Product Category"),
        ],
        required=True,
    )
    name = fields.Char(compute="_compute_name", store=True, readonly=False)
    region_id = fields.Many2one("sdm.region", index=True)
    team_id = fields.Many2one("crm.team", string="Branch", index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True)
    categ_id = fields.Many2one(
        "product.category", string="Product Category", help="A category node plans its parent's sales of it."
    )
    scope_region_id = fields.Many2one(
        "sdm.region",
        string="Within Region",
        compute="_compute_scope_region_id",
        store=True,
        recursive=True,
        index=True,
        help="The region the node belongs to (its own, its branch's, or its parent's).",
    )
    manager_id = fields.Many2one(
        "res.users",
        compute="_compute_manager_id",
        store=True,
        recursive=True,
        help="Who proposes this node's figures.",
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    state = fields.Selection(related="plan_id.state")
    line_ids = fields.One2many("sdm.sales.plan.line", "node_id", string="Months", copy=True)
    achievement_ids = fields.One2many(
        "sdm.sales.achievement", "node_id", string="Monthly Achievement", readonly=True, copy=False
    )
    amount_total = fields.Monetary(string="Sales Target", compute="_compute_totals", store=True)
    quantity_total = fields.Float(string="Quantity Target", compute="_compute_totals", store=True)
    margin_total = fields.Monetary(string="Gross Profit Target", compute="_compute_totals", store=True)
    collections_total = fields.Monetary(string="Collection Target", compute="_compute_totals", store=True)
    children_amount = fields.Monetary(string="Children Total", compute="_compute_children", store=True)
    variance = fields.Monetary(compute="_compute_children", store=True, help="Target minus the children's total.")
    variance_accepted = fields.Boolean(help="Approve the plan although the children do not add up to this node.")
    distribution_weight = fields.Float(
        string="Weight",
        digits=(16, 4),
        help="This node's share when its parent is distributed by weight: parent target × weight / sum of the "
        "weights of the parent's children. 50 / 30 / 20 and 5 / 3 / 2 split the same way: percentages need not "
        "add up to 100.",
    )
    proposal_amount = fields.Monetary(
        string="Proposal", help="Bottom-up: what the branch or region manager proposes for the year."
    )
    # Filled by the achievement refresh (SQL).
    ytd_target = fields.Monetary(string="YTD Target", readonly=True)
    ytd_actual = fields.Monetary(string="YTD Actual", readonly=True)
    ytd_achievement = fields.Float(string="YTD Achievement (%)", readonly=True, aggregator="avg", default=0.0)
    forecast_runrate = fields.Monetary(string="Forecast (Run Rate)", readonly=True)
    forecast_pipeline = fields.Monetary(string="Forecast (Pipeline)", readonly=True)

    @api.depends("level", "region_id", "team_id", "user_id")
    def _compute_name(self):
        for node in self:
            record = {
                "region": node.region_id,
                "branch": node.team_id,
                "salesperson": node.user_id,
                "category": node.categ_id,
            }.get(node.level)
            if record:
                node.name = record.display_name
            elif not node.name:
                node.name = node.plan_id.company_id.name

    @api.depends("level", "region_id", "team_id.sdm_region_id", "parent_id.scope_region_id")
    def _compute_scope_region_id(self):
        for node in self:
            node.scope_region_id = node.region_id or node.team_id.sdm_region_id or node.parent_id.scope_region_id

    @api.depends("level", "region_id.manager_id", "team_id.user_id", "user_id", "parent_id.manager_id")
    def _compute_manager_id(self):
        for node in self:
            node.manager_id = {
                "region": node.region_id.manager_id,
                "branch": node.team_id.user_id,
                "salesperson": node.user_id,
                "category": node.parent_id.manager_id,
            }.get(node.level, self.env["res.users"])

    @api.depends("line_ids.amount", "line_ids.quantity", "line_ids.margin", "line_ids.collections")
    def _compute_totals(self):
        for node in self:
            node.amount_total = sum(node.line_ids.mapped("amount"))
            node.quantity_total = sum(node.line_ids.mapped("quantity"))
            node.margin_total = sum(node.line_ids.mapped("margin"))
            node.collections_total = sum(node.line_ids.mapped("collections"))

    @api.depends("child_ids.amount_total", "amount_total")
    def _compute_children(self):
        for node in self:
            node.children_amount = sum(node.child_ids.mapped("amount_total"))
            node.variance = node.amount_total - node.children_amount if node.child_ids else 0.0

    @api.constrains("user_id", "plan_id")
    def _check_salesperson_once(self):
        for node in self.filtered("user_id"):
            others = node.plan_id.node_ids.filtered(lambda n, node=node: n.user_id == node.user_id and n != node)
            if others:
                raise ValidationError(
                    self.env._(
                        "%(user)s appears twice in %(plan)s (under %(first)s and %(second)s): a salesperson belongs to "
                        "one branch of a plan.",
                        user=node.user_id.name,
                        plan=node.plan_id.name,
                        first=node.parent_id.name,
                        second=others[0].parent_id.name,
                    )
                )

    @api.constrains("distribution_weight")
    def _check_distribution_weight(self):
        for node in self:
            if node.distribution_weight < 0:
                raise ValidationError(
                    self.env._(
                        "%(node)s: a weight cannot be negative (%(weight)s).",
                        node=node.name,
                        weight=node.distribution_weight,
                    )
                )

    @api.constrains("proposal_amount")
    def _check_proposal_amount(self):
        for node in self.filtered(lambda n: n.proposal_amount < 0):
            raise ValidationError(
                self.env._(
                    "%(node)s: a proposal cannot be negative (%(amount)s).",
                    node=node.name,
                    amount=node.proposal_amount,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._sdm_check_input_values(vals_list)  # before plan_id is used below
        self.env["sdm.sales.plan"].browse([v["plan_id"] for v in vals_list if v.get("plan_id")])._sdm_check_editable()
        nodes = super().create(vals_list)
        for node in nodes.filtered(lambda n: not n.line_ids):
            node.line_ids = [Command.create({"month": month}) for month in node.plan_id._sdm_months()]
        return nodes

    def write(self, vals):
        if set(vals) - {"ytd_target", "ytd_actual", "ytd_achievement", "forecast_runrate", "forecast_pipeline"}:
            self.plan_id._sdm_check_editable()
        return super().write(vals)

    def unlink(self):
        self.plan_id._sdm_check_editable()
        return super().unlink()

    # ------------------------------------------------------------------ decomposition

    def action_split_by_category(self):
        """Plan this node's sales by product category: a child per category of the products sold (or, when
        nothing was sold yet, per category holding saleable products)."""
        for node in self:
            if node.level == "category" or node.child_ids.filtered(lambda c: c.level != "category"):
                raise UserError(self.env._("%s is split by its own children already.", node.name))
            present = node.child_ids.categ_id
            templates = self.env["product.template"].search([("sale_ok", "=", True)])
            categories = templates.categ_id - present
            self.create(
                [
                    {"plan_id": node.plan_id.id, "parent_id": node.id, "level": "category", "categ_id": categ.id}
                    for categ in categories.sorted("complete_name")
                ]
            )
        return True

    def action_distribute_even(self):
        return self._sdm_distribute("even")

    def action_distribute_last_year(self):
        return self._sdm_distribute("last_year")

    def action_distribute_weight(self):
        return self._sdm_distribute("weight")

    def _sdm_distribution_weights(self, method, children):
        """One weight per child (in the order of ``children``) for the distribution ``method``."""
        self.ensure_one()
        if method == "weight":
            weights = children.mapped("distribution_weight")
            if not any(weights):
                raise ValidationError(
                    self.env._(
                        "%(node)s cannot be distributed by weight: all the weights of its children (%(children)s) "
                        "are zero.",
                        node=self.name,
                        children=", ".join(children.mapped("name")),
                    )
                )
            return weights
        if method == "last_year":
            plan = self.plan_id
            last = self.env["sdm.sales.achievement"]._sdm_actuals(
                plan,
                children,
                plan.date_from.replace(year=plan.date_from.year - 1),
                plan.date_to.replace(year=plan.date_to.year - 1),
            )
            totals = [sum(v["amount"] for v in last.get(child.id, {}).values()) for child in children]
            if sum(totals) > 0:
                return totals
        return [1.0] * len(children)

    def _sdm_distribute(self, method):
        """Split each month of this node's targets over its children: evenly, by each child's share of last
        year's actual sales (evenly when last year had none), or by the children's weights. Amounts are rounded
        to the currency, quantities to the unit of measure precision; the rounding leftover goes to the last
        child, so the children always add up."""
        qty_digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        for node in self:
            children = node.child_ids.sorted("id")
            if not children:
                raise UserError(self.env._("%s has no children to distribute to.", node.name))
            weights = node._sdm_distribution_weights(method, children)
            total_weight = sum(weights)
            currency = node.currency_id

            def rounded(value, measure, currency=currency):
                if measure == "quantity":
                    return float_round(value, precision_digits=qty_digits)
                return currency.round(value)

            # The leftover goes to the last child that takes a share (a child weighing zero gets exactly zero).
            last = max(i for i, weight in enumerate(weights) if weight)
            months = {line.month: line for line in node.line_ids}
            child_lines = {(line.node_id, line.month): line for line in children.line_ids}
            for measure in MEASURES:
                for month, parent_line in months.items():
                    value = parent_line[measure]
                    shares = [rounded(value * w / total_weight, measure) for w in weights]
                    shares[last] = 0.0
                    shares[last] = rounded(value - sum(shares), measure)
                    for child, share in zip(children, shares, strict=True):
                        child_lines[child, month][measure] = share
        return True


class SdmSalesPlanLine(models.Model):
    """One month of a node's targets."""

    _name = "sdm.sales.plan.line"
    _description = "Sales Plan Month"
    _order = "node_id, month"

    node_id = fields.Many2one("sdm.sales.plan.node", required=True, ondelete="cascade", index=True)
    plan_id = fields.Many2one(related="node_id.plan_id", store=True, index=True)
    currency_id = fields.Many2one(related="node_id.currency_id")
    month = fields.Date(required=True)
    amount = fields.Monetary(string="Sales")
    quantity = fields.Float(digits="Product Unit of Measure")
    margin = fields.Monetary(string="Gross Profit")
    collections = fields.Monetary()

    _sql_constraints = [("node_month_uniq", "unique(node_id, month)", "A node has one line per month.")]

    @api.constrains("month", "amount", "quantity", "margin", "collections")
    def _check_line(self):
        for line in self:
            plan = line.node_id.plan_id
            if not plan.date_from <= line.month <= plan.date_to:
                raise ValidationError(
                    self.env._(
                        "%(node)s: %(month)s is outside fiscal year %(year)s (%(start)s to %(end)s).",
                        node=line.node_id.name,
                        month=line.month,
                        year=plan.year,
                        start=plan.date_from,
                        end=plan.date_to,
                    )
                )
            for measure in ("amount", "quantity", "collections"):
                if line[measure] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(node)s, %(month)s: a target cannot be negative (%(measure)s %(value)s).",
                            node=line.node_id.name,
                            month=line.month.strftime("%Y-%m"),
                            measure=line._fields[measure].get_description(self.env)["string"],
                            value=line[measure],
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        self._sdm_check_input_values(vals_list)  # before month is used below
        for vals in vals_list:
            if vals.get("month"):
                vals["month"] = fields.Date.to_date(vals["month"]).replace(day=1)
        lines = super().create(vals_list)
        lines.plan_id._sdm_check_editable()
        return lines

    def write(self, vals):
        self.plan_id._sdm_check_editable()
        return super().write(vals)
