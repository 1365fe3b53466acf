from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .sdm_sales_expense import CONSUMING_STATES

SCOPES = [
    ("company", "Company-wide"),
    ("region", "Sales Region"),
    ("branch", "Branch"),
    ("customer", "Customer"),
]
# The more specific a scope, the higher its rank: an expense draws from the most specific budget that holds it.
SCOPE_RANK = {"company": 1, "region": 2, "branch": 3, "customer": 4}
# Budgets that money is drawn from (a draft budget draws nothing until it is opened).
DRAWING_STATES = ("open", "closed")
# Figures of a budget, in the order the figures query returns them.
FIGURES = ("consumed_expense", "consumed_rebate", "consumed_compensation", "transferred_in", "transferred_out")


class SdmExpenseBudget(models.Model):
    """A budget (trade fund, 费用预算) for a period and a scope — the whole company, a sales region with its
    sub-regions, a branch or a customer — for one expense type or all of them.

    What uses it up (``consumed``), computed in SQL for a whole set of budgets at once, nothing stored:

    - sales expenses in ``CONSUMING_STATES`` (approved, posted) dated in the period;
    - with the company setting *Rebates consume budgets*: validated rebate settlements (their amount, on their
      "counted until" date);
    - with *Compensation consumes budgets*: price adjustment compensation paid to the customer (the lines of a
      price notice settled by a credit note or a balance, on the notice's effective date; a cancelled notice
      reversed them). Rebates and compensation have no expense type: they use up budgets of all types only.

    Each amount is drawn from ONE budget, the most specific one that holds it (:meth:`_sdm_draw_order_sql`):
    customer before branch before region (a sub-region before its parent) before company-wide, then a budget of
    the expense's type before one of all types, then the shorter period. Only open and closed budgets draw money;
    a closed budget keeps what it drew and takes nothing more."""

    _name = "sdm.expense.budget"
    _description = "Sales Expense Budget"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("open", "Open"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    scope = fields.Selection(SCOPES, required=True, default="company", tracking=True)
    sdm_region_id = fields.Many2one(
        "sdm.region",
        string="Sales Region",
        check_company=True,
        index="btree_not_null",
        tracking=True,
        help="Its sub-regions included.",
    )
    team_id = fields.Many2one("crm.team", string="Branch", check_company=True, index="btree_not_null", tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        check_company=True,
        index="btree_not_null",
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    expense_type_id = fields.Many2one(
        "sdm.expense.type",
        check_company=True,
        index="btree_not_null",
        tracking=True,
        help="Empty: all types, and rebates and compensation when the company counts them.",
    )
    amount = fields.Monetary(string="Budget", required=True, tracking=True)
    note = fields.Text()

    # Figures: one SQL for the whole recordset (_compute_figures), never stored.
    transferred_in = fields.Monetary(compute="_compute_figures", help="Done transfers from other budgets.")
    transferred_out = fields.Monetary(compute="_compute_figures", help="Done transfers to other budgets.")
    available = fields.Monetary(string="Budget after Transfers", compute="_compute_figures")
    consumed_expense = fields.Monetary(string="Expenses", compute="_compute_figures")
    consumed_rebate = fields.Monetary(string="Rebates", compute="_compute_figures")
    consumed_compensation = fields.Monetary(string="Compensation", compute="_compute_figures")
    consumed = fields.Monetary(compute="_compute_figures")
    remaining = fields.Monetary(compute="_compute_figures")
    used_percent = fields.Float(string="% Used", compute="_compute_figures", digits=(16, 1))
    transfer_in_ids = fields.One2many("sdm.expense.budget.transfer", "budget_to_id", string="Transfers In")
    transfer_out_ids = fields.One2many("sdm.expense.budget.transfer", "budget_from_id", string="Transfers Out")

    # ------------------------------------------------------------------ scope

    @api.onchange("scope")
    def _onchange_scope(self):
        for budget in self:
            budget.update(budget._sdm_scope_cleanup_vals(budget.scope))

    @api.model
    def _sdm_scope_cleanup_vals(self, scope):
        """The scope fields a budget of ``scope`` does not use, emptied."""
        fields_by_scope = {"region": "sdm_region_id", "branch": "team_id", "customer": "partner_id"}
        return {name: False for key, name in fields_by_scope.items() if key != scope}

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.update(self._sdm_scope_cleanup_vals(vals.get("scope", "company")))
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        return super().create(vals_list)

    def write(self, vals):
        frozen = {"date_from", "date_to", "scope", "sdm_region_id", "team_id", "partner_id", "expense_type_id"}
        if frozen & set(vals) and any(budget.state != "draft" for budget in self):
            raise UserError(
                self.env._(
                    "%(budgets)s: the period, scope and type of an opened budget no longer change (what it drew "
                    "would move to other budgets); close it and create another.",
                    budgets=", ".join(self.filtered(lambda b: b.state != "draft").mapped("name")),
                )
            )
        if "scope" in vals:
            vals = {**vals, **self._sdm_scope_cleanup_vals(vals["scope"])}
        return super().write(vals)

    @api.constrains("date_from", "date_to", "amount", "scope", "sdm_region_id", "team_id", "partner_id")
    def _check_budget(self):
        for budget in self:
            if budget.date_from > budget.date_to:
                raise ValidationError(
                    self.env._(
                        "%(budget)s: the period starts on %(start)s, after it ends on %(end)s.",
                        budget=budget.name,
                        start=budget._sdm_date(budget.date_from),
                        end=budget._sdm_date(budget.date_to),
                    )
                )
            if budget.currency_id.compare_amounts(budget.amount, 0.0) < 0:
                raise ValidationError(
                    self.env._(
                        "%(budget)s: a budget cannot be negative (got %(amount)s).",
                        budget=budget.name,
                        amount=budget._sdm_money(budget.amount, budget.currency_id),
                    )
                )
            scope_field = {"region": "sdm_region_id", "branch": "team_id", "customer": "partner_id"}.get(budget.scope)
            if scope_field and not budget[scope_field]:
                raise ValidationError(
                    self.env._(
                        "%(budget)s: choose the %(scope)s of the budget.",
                        budget=budget.name,
                        scope=dict(self._fields["scope"]._description_selection(self.env))[budget.scope],
                    )
                )

    @api.constrains(
        "state", "date_from", "date_to", "scope", "sdm_region_id", "team_id", "partner_id", "expense_type_id"
    )
    def _check_no_overlap(self):
        """Two drawing budgets of one scope and type never share a day: each amount has one budget to draw from."""
        for budget in self.filtered(lambda b: b.state in DRAWING_STATES):
            twin = self.search(
                [
                    ("id", "!=", budget.id),
                    ("company_id", "=", budget.company_id.id),
                    ("state", "in", DRAWING_STATES),
                    ("scope", "=", budget.scope),
                    ("sdm_region_id", "=", budget.sdm_region_id.id),
                    ("team_id", "=", budget.team_id.id),
                    ("partner_id", "=", budget.partner_id.id),
                    ("expense_type_id", "=", budget.expense_type_id.id),
                    ("date_from", "<=", budget.date_to),
                    ("date_to", ">=", budget.date_from),
                ],
                limit=1,
            )
            if twin:
                raise ValidationError(
                    self.env._(
                        "%(budget)s overlaps %(other)s: same scope and type, periods sharing days.",
                        budget=budget.name,
                        other=twin.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for budget in self:
            if budget.state != "draft":
                raise UserError(self.env._("%(budget)s was opened: close it instead.", budget=budget.name))

    # ------------------------------------------------------------------ workflow

    def action_open(self):
        for budget in self:
            if budget.state not in ("draft", "closed"):
                raise UserError(self.env._("%(budget)s is already open.", budget=budget.name))
        self.write({"state": "open"})
        return True

    def action_close(self):
        self.filtered(lambda b: b.state == "open").write({"state": "closed"})
        return True

    def action_draft(self):
        for budget in self:
            if budget.state != "open" or budget.consumed or budget.transfer_in_ids or budget.transfer_out_ids:
                raise UserError(
                    self.env._("%(budget)s has drawn money or has transfers: close it instead.", budget=budget.name)
                )
        self.write({"state": "draft"})
        return True

    # ------------------------------------------------------------------ which budget an amount draws from
    # Everything below composes one query per use, from named pieces. A *movement* is an amount that uses up
    # budgets: ``source, id, company_id, date, partner_id, team_id, region_id, expense_type_id, amount``. A
    # *candidate* is a drawing budget as match keys (a region budget once per region under it, so every match is
    # an equality PostgreSQL can hash: 100,000 expenses against hundreds of budgets stay a hash join).

    @api.model
    def _sdm_candidates_sql(self, budget_ids=None):
        """Drawing budgets (of ``budget_ids``, else all) as match keys: ``id, company_id, date_from, date_to,
        scope, expense_type_id, partner_id, team_id, region_id, depth`` (the depth of a region budget's region)."""
        where = SQL("b.state IN %s", DRAWING_STATES)
        if budget_ids is not None:
            where = SQL("%s AND b.id = ANY(%s)", where, list(budget_ids))
        return SQL(
            """SELECT b.id, b.company_id, b.date_from, b.date_to, b.scope, b.expense_type_id, b.partner_id,
                      b.team_id, sub.id AS region_id, COALESCE(length(region.parent_path), 0) AS depth
                 FROM sdm_expense_budget b
            LEFT JOIN sdm_region region ON region.id = b.sdm_region_id
            LEFT JOIN sdm_region sub ON sub.parent_path LIKE region.parent_path || %(any)s
                WHERE %(where)s""",
            any="%",
            where=where,
        )

    @api.model
    def _sdm_pairs_sql(self, movements, candidates):
        """Each movement of the relation ``movements`` with each budget of the relation ``candidates`` holding it
        (same company, date in the period, the budget's type or all types, and its customer, branch, region —
        sub-regions included — or the whole company): ``source, id, amount, budget_id, scope, depth, typed,
        days``. The one home of "a budget holds an amount"."""
        m, b = SQL.identifier(movements), SQL.identifier(candidates)
        common = SQL(
            """%(b)s.company_id = %(m)s.company_id AND %(m)s.date BETWEEN %(b)s.date_from AND %(b)s.date_to
               AND (%(b)s.expense_type_id IS NULL OR %(b)s.expense_type_id = %(m)s.expense_type_id)""",
            b=b,
            m=m,
        )
        keys = {"customer": "partner_id", "branch": "team_id", "region": "region_id", "company": None}
        parts = []
        for scope, key in keys.items():
            match = SQL("%s.%s = %s.%s", b, SQL.identifier(key), m, SQL.identifier(key)) if key else SQL("TRUE")
            parts.append(
                SQL(
                    """SELECT %(m)s.source, %(m)s.id, %(m)s.amount, %(b)s.id AS budget_id, %(b)s.scope,
                              %(b)s.depth, %(b)s.expense_type_id IS NOT NULL AS typed,
                              %(b)s.date_to - %(b)s.date_from AS days
                         FROM %(m)s JOIN %(b)s ON %(b)s.scope = %(scope)s AND %(match)s AND %(common)s""",
                    m=m,
                    b=b,
                    scope=scope,
                    match=match,
                    common=common,
                )
            )
        return SQL(" UNION ALL ").join(parts)

    @api.model
    def _sdm_draw_order_sql(self):
        """The order of the budgets holding one movement (rows of :meth:`_sdm_pairs_sql`), the one it draws from
        first: the most specific scope (customer, branch, region — the deepest sub-region first —, company), then
        a budget of its type before one of all types, then the shorter period, then the oldest budget."""
        return SQL(
            """CASE scope WHEN 'customer' THEN %(customer)s WHEN 'branch' THEN %(branch)s
                   WHEN 'region' THEN %(region)s ELSE %(company)s END DESC,
               depth DESC, typed DESC, days, budget_id""",
            **SCOPE_RANK,
        )

    @api.model
    def _sdm_drawn_sql(self, movements, candidates="cand"):
        """For each movement of the relation ``movements``, the budget it draws from: ``source, id, amount,
        budget_id`` — the one home of the rule "the most specific budget holding it"."""
        return SQL(
            "SELECT DISTINCT ON (source, id) source, id, amount, budget_id FROM (%s) pairs ORDER BY source, id, %s",
            self._sdm_pairs_sql(movements, candidates),
            self._sdm_draw_order_sql(),
        )

    @api.model
    def _sdm_expense_movements_sql(self, where):
        """Sales expenses as movements (``where`` filters the alias ``e``)."""
        return SQL(
            """SELECT 'expense' AS source, e.id, e.company_id, e.date, e.partner_id, e.team_id,
                      e.sdm_region_id AS region_id, e.expense_type_id, e.amount
                 FROM sdm_sales_expense e
                WHERE %s""",
            where,
        )

    @api.model
    def _sdm_movements_sql(self, target):
        """Everything that uses up budgets, dated within the periods of the relation ``target`` and of its
        companies: expenses in ``CONSUMING_STATES``; validated rebate settlements and compensation paid when
        the company counts them (they have no expense type)."""
        t = SQL.identifier(target)
        within = SQL(
            """company_id IN (SELECT company_id FROM %(t)s)
               AND date BETWEEN (SELECT MIN(date_from) FROM %(t)s) AND (SELECT MAX(date_to) FROM %(t)s)""",
            t=t,
        )
        expenses = self._sdm_expense_movements_sql(SQL("e.state IN %s", CONSUMING_STATES))
        rebates = SQL(
            """SELECT 'rebate' AS source, s.id, s.company_id, s.date, s.partner_id, partner.sdm_branch_id AS team_id,
                      s.sdm_region_id AS region_id, NULL::integer AS expense_type_id, s.amount
                 FROM sdm_rebate_settlement s
                 JOIN res_company company ON company.id = s.company_id AND company.sdm_budget_rebates
                 JOIN res_partner partner ON partner.id = s.partner_id
                WHERE s.state = 'validated'"""
        )
        # Compensation paid: its one definition (sdm_sales), with the notice line's region.
        compensation = SQL(
            """SELECT 'compensation' AS source, paid.id, paid.company_id, paid.date, paid.partner_id,
                      partner.sdm_branch_id AS team_id, line.sdm_region_id AS region_id,
                      NULL::integer AS expense_type_id, paid.amount
                 FROM (%s) paid
                 JOIN sdm_price_notice_line line ON line.id = paid.id
                 JOIN res_company company ON company.id = paid.company_id AND company.sdm_budget_compensation
                 JOIN res_partner partner ON partner.id = paid.partner_id""",
            self.env["sdm.price.notice.line"]._sdm_compensation_paid_query(),
        )
        return SQL(
            "SELECT * FROM (%s UNION ALL %s UNION ALL %s) movement WHERE %s",
            expenses,
            rebates,
            compensation,
            within,
        )

    @api.model
    def _sdm_drawn_by_sql(self, budget_ids=None):
        """``WITH`` clauses ending in ``drawn``: the movements of the companies and dates of the budgets of
        ``budget_ids`` (else all), each with the budget it draws from among all drawing budgets."""
        return SQL(
            """WITH target AS MATERIALIZED (%(target)s),
                    cand AS MATERIALIZED (%(cand)s),
                    mov AS (%(movements)s),
                    drawn AS (%(drawn)s)""",
            target=self._sdm_candidates_sql(budget_ids),
            cand=self._sdm_candidates_sql(),
            movements=self._sdm_movements_sql("target"),
            drawn=self._sdm_drawn_sql("mov"),
        )

    @api.model
    def _sdm_figures_sql(self, budget_ids=None):
        """One row per budget (of ``budget_ids``, else all): ``budget_id`` and the :data:`FIGURES` — what it drew
        from expenses, rebates and compensation, and its done transfers in and out. One set-based query."""
        transfer_where = SQL("t.state = 'done'")
        budgets = SQL("SELECT id FROM sdm_expense_budget")
        if budget_ids is not None:
            ids = list(budget_ids)
            transfer_where = SQL(
                "%s AND (t.budget_from_id = ANY(%s) OR t.budget_to_id = ANY(%s))", transfer_where, ids, ids
            )
            budgets = SQL("%s WHERE id = ANY(%s)", budgets, ids)
        return SQL(
            """%(drawn)s,
                    consumed AS (
                        SELECT budget_id,
                               SUM(amount) FILTER (WHERE source = 'expense') AS consumed_expense,
                               SUM(amount) FILTER (WHERE source = 'rebate') AS consumed_rebate,
                               SUM(amount) FILTER (WHERE source = 'compensation') AS consumed_compensation
                          FROM drawn GROUP BY budget_id),
                    moved AS (
                        SELECT budget_id, SUM(amount_in) AS transferred_in, SUM(amount_out) AS transferred_out
                          FROM (SELECT t.budget_to_id AS budget_id, t.amount AS amount_in, 0 AS amount_out
                                  FROM sdm_expense_budget_transfer t WHERE %(transfer_where)s
                                UNION ALL
                                SELECT t.budget_from_id, 0, t.amount
                                  FROM sdm_expense_budget_transfer t WHERE %(transfer_where)s) x
                         GROUP BY budget_id)
             SELECT budget.id AS budget_id,
                    COALESCE(consumed.consumed_expense, 0) AS consumed_expense,
                    COALESCE(consumed.consumed_rebate, 0) AS consumed_rebate,
                    COALESCE(consumed.consumed_compensation, 0) AS consumed_compensation,
                    COALESCE(moved.transferred_in, 0) AS transferred_in,
                    COALESCE(moved.transferred_out, 0) AS transferred_out
               FROM (%(budgets)s) budget
          LEFT JOIN consumed ON consumed.budget_id = budget.id
          LEFT JOIN moved ON moved.budget_id = budget.id""",
            drawn=self._sdm_drawn_by_sql(budget_ids),
            transfer_where=transfer_where,
            budgets=budgets,
        )

    def _sdm_figures(self):
        """``{budget id: {figure: value}}`` for these budgets, from one query (pending writes flushed)."""
        ids = [budget_id for budget_id in self.ids if isinstance(budget_id, int)]
        if not ids:
            return {}
        self.env.flush_all()
        self.env.cr.execute(self._sdm_figures_sql(ids))
        return {row[0]: dict(zip(FIGURES, row[1:], strict=True)) for row in self.env.cr.fetchall()}

    @api.depends("amount", "state", "date_from", "date_to", "scope", "expense_type_id")
    def _compute_figures(self):
        figures = self._sdm_figures()
        empty = dict.fromkeys(FIGURES, 0.0)
        for budget in self:
            values = figures.get(budget.id, empty)
            available = budget.amount + values["transferred_in"] - values["transferred_out"]
            consumed = values["consumed_expense"] + values["consumed_rebate"] + values["consumed_compensation"]
            budget.update(
                {
                    **values,
                    "available": available,
                    "consumed": consumed,
                    "remaining": available - consumed,
                    "used_percent": 100.0 * consumed / available if available else 0.0,
                }
            )

    def _sdm_remaining_locked(self):
        """Lock these budgets (the one SDM lock, until the end of the transaction) and return their remaining
        amount, computed after the lock from what is committed: ``{budget: remaining}``."""
        self._sdm_lock_rows()
        self.invalidate_recordset(["remaining", "consumed", "available"])
        return {budget: budget.remaining for budget in self}

    @api.model
    def _sdm_budget_of_expenses(self, expenses):
        """``{expense: budget}``: the budget each expense draws from (the most specific open or closed budget
        holding it, :meth:`_sdm_drawn_sql`), an empty recordset when none holds it. Whatever the expense's state."""
        if not expenses:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "WITH cand AS MATERIALIZED (%s), mov AS MATERIALIZED (%s) %s",
                self._sdm_candidates_sql(),
                self._sdm_expense_movements_sql(SQL("e.id = ANY(%s)", expenses.ids)),
                self._sdm_drawn_sql("mov"),
            )
        )
        budget_by_id = {row[1]: row[3] for row in self.env.cr.fetchall()}
        return {expense: self.browse(budget_by_id.get(expense.id)) for expense in expenses}

    def action_view_expenses(self):
        """The sales expenses this budget drew from."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "%s SELECT id FROM drawn WHERE source = 'expense' AND budget_id = %s",
                self._sdm_drawn_by_sql(self.ids),
                self.id,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_finance.action_sdm_sales_expense")
        action["domain"] = [("id", "in", ids)]
        action["context"] = {}
        return action
