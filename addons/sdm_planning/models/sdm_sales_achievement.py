from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

MEASURES = ("amount", "quantity", "margin", "collections")


class SdmSalesAchievement(models.Model):
    """Target against actual per plan node and month (达成), written by SQL so pivots and graphs read a plain
    table. Actuals: posted customer invoices net of credit notes (or confirmed orders — company setting),
    gross profit from the invoice lines' cost (the order line's cost from sale_margin, else the product's cost),
    collections from the shared collection lines (credited to whoever sold the invoice paid)."""

    _name = "sdm.sales.achievement"
    _inherit = ["sdm.ratio.mixin"]
    _description = "Sales Plan Achievement"
    _sdm_ratios = {"achievement": ("actual_amount", "target_amount")}
    _order = "plan_id, node_id, month"

    plan_id = fields.Many2one("sdm.sales.plan", required=True, index=True, ondelete="cascade")
    node_id = fields.Many2one("sdm.sales.plan.node", required=True, index=True, ondelete="cascade")
    level = fields.Selection(related="node_id.level", store=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True)
    team_id = fields.Many2one("crm.team", string="Branch", index=True)
    region_id = fields.Many2one("sdm.region", index=True)
    manager_id = fields.Many2one("res.users", index=True)
    company_id = fields.Many2one("res.company", index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(index=True)
    target_amount = fields.Monetary(string="Sales Target")
    actual_amount = fields.Monetary(string="Sales")
    gap = fields.Monetary(help="Target minus actual.")
    achievement = fields.Float(
        string="Achievement (%)", aggregator="avg", help="Actual / target; totals divide the sums."
    )
    target_quantity = fields.Float(digits="Product Unit of Measure")
    actual_quantity = fields.Float(
        digits="Product Unit of Measure", help="In the reference unit of each product's unit category."
    )
    target_margin = fields.Monetary(string="Gross Profit Target")
    actual_margin = fields.Monetary(string="Gross Profit")
    target_collections = fields.Monetary(string="Collection Target")
    actual_collections = fields.Monetary(string="Collections")

    # ------------------------------------------------------------------ actuals (SQL)

    @api.model
    def _sdm_base_sql(self, company, date_from, date_to):
        """Actual figures per (salesperson, branch, region, month) of a company between two dates; quantities in
        the reference unit of each product's unit category."""
        params = {"company": company.id, "date_from": date_from, "date_to": date_to}
        Lines = self.env["sdm.net.sales.line"]
        if company.sdm_plan_actual_basis == "ordered":
            sales = SQL(
                """
                SELECT so.user_id, so.team_id, so.sdm_region_id AS region_id, pc.parent_path AS categ_path,
                       date_trunc('month', so.date_order)::date AS month,
                       SUM(sol.price_subtotal / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS amount,
                       SUM(%(quantity)s) AS quantity,
                       SUM(COALESCE(sol.margin, 0) / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS margin,
                       0 AS collections
                  FROM sale_order so
                  JOIN sale_order_line sol ON sol.order_id = so.id AND sol.display_type IS NULL
                  LEFT JOIN uom_uom souom ON souom.id = sol.product_uom
                  LEFT JOIN product_product pp ON pp.id = sol.product_id
                  LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  LEFT JOIN product_category pc ON pc.id = pt.categ_id
                 WHERE so.company_id = %(company)s AND so.state = 'sale'
                   AND so.date_order >= %(date_from)s AND so.date_order < %(date_to)s::date + 1
                 GROUP BY 1, 2, 3, 4, 5
                """,
                quantity=Lines._sdm_reference_qty_sql(SQL("sol.product_uom_qty"), SQL("souom.factor")),
                **params,
            )
        else:
            # Net invoiced sales and their cost of sales (one definition each, sdm_sales; quantities in reference
            # units): the order line's cost (sale_margin) else the product's.
            sales = SQL(
                """
                SELECT l.user_id, l.team_id, l.sdm_region_id AS region_id, pc.parent_path AS categ_path,
                       date_trunc('month', l.invoice_date)::date AS month,
                       SUM(l.amount) AS amount,
                       SUM(l.quantity) AS quantity,
                       SUM(l.amount - l.cost) AS margin,
                       0 AS collections
                  FROM (%(lines)s) l
                  LEFT JOIN product_category pc ON pc.id = l.categ_id
                 GROUP BY 1, 2, 3, 4, 5
                """,
                lines=Lines._sdm_net_sales_cost_query(company_ids=[company.id], date_from=date_from, date_to=date_to),
            )
        # Collections (one definition, sdm_sales): receipts applied to invoices credited to whoever sold, receipts
        # not applied yet to the customer's salesperson, so that a month counts all the money received.
        collections = SQL(
            """
            SELECT c.user_id, c.team_id, c.sdm_region_id AS region_id, NULL AS categ_path,
                   date_trunc('month', c.date)::date AS month,
                   0 AS amount, 0 AS quantity, 0 AS margin, SUM(c.amount) AS collections
              FROM (%(collections)s) c
             GROUP BY 1, 2, 3, 4, 5
            """,
            collections=self.env["sdm.collection.line"]._sdm_collection_query(
                company_ids=[company.id], date_from=date_from, date_to=date_to
            ),
        )
        return SQL("%s UNION ALL %s", sales, collections)

    @api.model
    def _sdm_actuals(self, plan, nodes, date_from, date_to):
        """{node_id: {month: {measure: value}}} for the nodes, in one query: a node counts what its salesperson,
        branch, region (with sub-regions) or company sold."""
        self.env.flush_all()
        self.env.cr.execute(self._sdm_actuals_sql(plan, nodes, date_from, date_to))
        result = defaultdict(dict)
        for node_id, month, amount, quantity, margin, collections in self.env.cr.fetchall():
            values = {
                "amount": float(amount or 0),
                "quantity": float(quantity or 0),
                "margin": float(margin or 0),
                "collections": float(collections or 0),
            }
            result[node_id][month] = values
        return result

    @api.model
    def _sdm_actuals_sql(self, plan, nodes, date_from, date_to):
        """(node_id, month, amount, quantity, margin, collections) rows of the nodes' actual figures."""
        return SQL(
            """
                WITH base AS (%(base)s),
                nodes AS (
                    -- A category node plans its parent's scope, restricted to the category and below.
                    SELECT n.id, COALESCE(p.level, n.level) AS level, COALESCE(p.user_id, n.user_id) AS user_id,
                           COALESCE(p.team_id, n.team_id) AS team_id, COALESCE(pr.parent_path, r.parent_path)
                           AS region_path, c.parent_path AS categ_path
                      FROM sdm_sales_plan_node n
                      LEFT JOIN sdm_sales_plan_node p ON p.id = n.parent_id AND n.level = 'category'
                      LEFT JOIN sdm_region r ON r.id = n.region_id
                      LEFT JOIN sdm_region pr ON pr.id = p.region_id
                      LEFT JOIN product_category c ON c.id = n.categ_id
                     WHERE n.id = ANY(%(nodes)s)
                )
                -- One equality join per level (an OR of them would force a nested loop over nodes × rows).
                SELECT n.id, b.month, SUM(b.amount), SUM(b.quantity), SUM(b.margin), SUM(b.collections)
                  FROM nodes n
                  JOIN base b ON n.level = 'company'
                             AND (n.categ_path IS NULL OR starts_with(b.categ_path, n.categ_path))
                 GROUP BY n.id, b.month
                UNION ALL
                SELECT n.id, b.month, SUM(b.amount), SUM(b.quantity), SUM(b.margin), SUM(b.collections)
                  FROM nodes n
                  JOIN base b ON n.level = 'salesperson' AND b.user_id = n.user_id
                             AND (n.categ_path IS NULL OR starts_with(b.categ_path, n.categ_path))
                 GROUP BY n.id, b.month
                UNION ALL
                SELECT n.id, b.month, SUM(b.amount), SUM(b.quantity), SUM(b.margin), SUM(b.collections)
                  FROM nodes n
                  JOIN base b ON n.level = 'branch' AND b.team_id = n.team_id
                             AND (n.categ_path IS NULL OR starts_with(b.categ_path, n.categ_path))
                 GROUP BY n.id, b.month
                UNION ALL
                SELECT n.id, b.month, SUM(b.amount), SUM(b.quantity), SUM(b.margin), SUM(b.collections)
                  FROM nodes n
                  JOIN sdm_region br ON starts_with(br.parent_path, n.region_path)
                  JOIN base b ON b.region_id = br.id
                             AND (n.categ_path IS NULL OR starts_with(b.categ_path, n.categ_path))
                 WHERE n.level = 'region'
                 GROUP BY n.id, b.month
                """,
            base=self._sdm_base_sql(plan.company_id, date_from, date_to),
            nodes=nodes.ids,
        )

    @api.model
    def _sdm_refresh(self, plans, as_of=None):
        """Rewrite the achievement rows of the plans (targets and actuals per node and month) and each node's
        year-to-date figures and forecasts: the actuals in one aggregation, the rows in one INSERT, the nodes in
        one UPDATE."""
        cr = self.env.cr
        for plan in plans:
            today = as_of or fields.Date.context_today(self)
            self.env.flush_all()
            cr.execute(
                SQL(
                    "DROP TABLE IF EXISTS sdm_plan_actual; CREATE TEMP TABLE sdm_plan_actual ON COMMIT DROP AS "
                    "SELECT * FROM (%s) a(node_id, month, amount, quantity, margin, collections)",
                    self._sdm_actuals_sql(plan, plan.node_ids, plan.date_from, plan.date_to),
                )
            )
            cr.execute(
                SQL(
                    """
                    DELETE FROM sdm_sales_achievement WHERE plan_id = %(plan)s;
                    INSERT INTO sdm_sales_achievement (
                        plan_id, node_id, level, user_id, team_id, region_id, manager_id, company_id, month,
                        target_amount, actual_amount, gap, achievement, target_quantity, actual_quantity,
                        target_margin, actual_margin, target_collections, actual_collections,
                        create_uid, create_date, write_uid, write_date)
                    SELECT %(plan)s, n.id, n.level, n.user_id, COALESCE(n.team_id, p.team_id), n.scope_region_id,
                           n.manager_id, %(company)s, l.month,
                           COALESCE(l.amount, 0), COALESCE(a.amount, 0), COALESCE(l.amount, 0) - COALESCE(a.amount, 0),
                           CASE WHEN l.amount > 0 THEN round(100.0 * COALESCE(a.amount, 0) / l.amount, 2) ELSE 0 END,
                           COALESCE(l.quantity, 0), COALESCE(a.quantity, 0), COALESCE(l.margin, 0),
                           COALESCE(a.margin, 0), COALESCE(l.collections, 0), COALESCE(a.collections, 0),
                           %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                      FROM sdm_sales_plan_node n
                      JOIN sdm_sales_plan_line l ON l.node_id = n.id
                      LEFT JOIN sdm_sales_plan_node p ON p.id = n.parent_id
                      LEFT JOIN sdm_plan_actual a ON a.node_id = n.id AND a.month = l.month
                     WHERE n.plan_id = %(plan)s
                    """,
                    plan=plan.id,
                    company=plan.company_id.id,
                    uid=self.env.uid,
                )
            )
            self._sdm_update_nodes(plan, today)
        self.invalidate_model()
        return True

    @api.model
    def _sdm_update_nodes(self, plan, as_of):
        """YTD target and actual, achievement, and the two year forecasts of each node (one UPDATE)."""
        months_done = len([m for m in plan._sdm_months() if m <= as_of])
        pipeline = self._sdm_pipeline(plan, as_of)
        nodes = plan.node_ids
        self.env.cr.execute(
            SQL(
                """
                UPDATE sdm_sales_plan_node n
                   SET ytd_target = y.target, ytd_actual = y.actual,
                       ytd_achievement = CASE WHEN y.target > 0 THEN round(100.0 * y.actual / y.target, 2) ELSE 0 END,
                       forecast_runrate = CASE WHEN %(months)s > 0 THEN y.actual * 12.0 / %(months)s ELSE 0 END,
                       forecast_pipeline = y.actual + p.pipeline
                  FROM (
                    SELECT node_id, SUM(target_amount) AS target, SUM(actual_amount) AS actual
                      FROM sdm_sales_achievement
                     WHERE plan_id = %(plan)s AND month <= %(as_of)s
                     GROUP BY node_id
                  ) y
                  JOIN unnest(%(ids)s::int[], %(pipelines)s::numeric[]) AS p(node_id, pipeline) USING (node_id)
                 WHERE n.id = y.node_id
                """,
                months=months_done,
                plan=plan.id,
                as_of=as_of,
                ids=nodes.ids,
                pipelines=[pipeline(node) for node in nodes],
            )
        )
        nodes.invalidate_recordset(
            ["ytd_target", "ytd_actual", "ytd_achievement", "forecast_runrate", "forecast_pipeline"]
        )

    @api.model
    def _sdm_pipeline(self, plan, as_of):
        """Open opportunities × probability expected by the end of the year, per node scope."""
        Lead = self.env["crm.lead"].with_context(active_test=True)
        domain = [
            ("type", "=", "opportunity"),
            ("company_id", "in", [False, plan.company_id.id]),
            ("probability", "<", 100),
            "|",
            ("date_deadline", "=", False),
            "&",
            ("date_deadline", ">=", as_of),
            ("date_deadline", "<=", plan.date_to),
        ]
        rows = Lead._read_group(domain, ["user_id", "team_id"], ["prorated_revenue:sum"])
        by_user, by_team, total = defaultdict(float), defaultdict(float), 0.0
        for user, team, revenue in rows:
            by_user[user.id] += revenue
            by_team[team.id] += revenue
            total += revenue

        def scope(node):
            if node.level == "salesperson":
                return by_user[node.user_id.id]
            if node.level == "branch":
                return by_team[node.team_id.id]
            if node.level == "region":
                teams = self.env["crm.team"].search([("sdm_region_id", "child_of", node.region_id.id)])
                return sum(by_team[team.id] for team in teams)
            return total

        return scope

    @api.model
    def _cron_refresh(self):
        plans = self.env["sdm.sales.plan"].search([("state", "in", ("approved", "locked"))])
        return self._sdm_refresh(plans)
