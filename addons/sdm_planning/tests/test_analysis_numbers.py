from datetime import date, datetime

from lxml import etree

from odoo import fields
from odoo.addons.sdm_sales.tests.action_defaults import default_search, graph_setup, list_totals
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

from .test_sales_plan import PlanCommon

SALES_ANALYSES = (
    "sdm_planning.action_sdm_salesperson_ranking",
    "sdm_planning.action_sdm_branch_ranking",
    "sdm_planning.action_sdm_product_ranking",
    "sdm_planning.action_sdm_sales_trend",
)


class TestAnalysisNumbers(PlanCommon):
    """The numbers the planning analyses show when they open, checked against hand-computed values."""

    def _order_on(self, qty, when, confirm=True):
        order = self._create_order(self.customer_a, qty=qty)
        if confirm:
            order.action_confirm()
        order.date_order = when
        return order

    def test_rankings_and_trend_open_on_the_confirmed_orders_of_the_year(self):
        """Confirmed this year: 10 × 100. Confirmed last December: 3 × 100. A quotation this year: 1 × 100.
        Each ranking and the trend open on 1,000, from January: the year AND the confirmed orders, not OR."""
        year = fields.Date.context_today(self.env.user).year
        self._order_on(10, datetime(year, 1, 15, 8))
        self._order_on(3, datetime(year - 1, 12, 15, 8))
        self._order_on(1, datetime(year, 1, 20, 8), confirm=False)
        self.env.flush_all()
        Report = self.env["sale.report"]
        for xmlid in SALES_ANALYSES:
            domain, _groupbys = default_search(self.env, xmlid)
            domain = expression.AND([domain, [("partner_id", "=", self.customer_a.id)]])
            total = Report.read_group(domain, ["price_subtotal:sum"], [])[0]["price_subtotal"]
            self.assertEqual(total, 1000, f"{xmlid}: this year's confirmed orders only")
            months = Report.read_group(domain, ["price_subtotal:sum"], ["date:month"])
            self.assertEqual(len(months), 1, xmlid)
            self.assertEqual(months[0]["__range"]["date:month"]["from"], f"{year}-01-01 00:00:00", xmlid)

    def test_targets_list_adds_no_figures_of_different_levels(self):
        """A 1,200 plan distributed down the tree: company, regions, branches and salespeople each hold (parts
        of) the same 1,200. The Targets list may not add them (old total: several times the plan)."""
        plan = self._plan()
        root = plan.node_ids.filtered(lambda n: n.level == "company")
        self._set_months(root, 100)
        for node in plan.node_ids.sorted("parent_path"):
            if node.child_ids:
                node.action_distribute_even()
        self.assertEqual(plan.amount_total, 1200)
        salespeople = plan.node_ids.filtered(lambda n: n.level == "salesperson")
        self.assertEqual(sum(salespeople.mapped("amount_total")), 1200, "the leaves hold the plan once")
        action = plan.action_open_nodes()
        totals = list_totals(self.env, action)
        for name in ("amount_total", "children_amount", "variance", "ytd_target", "ytd_actual"):
            self.assertNotIn(name, totals, f"{name} adds figures of different levels of the tree")
        # Grouped by parent, each group adds the children of one node: they add up to that node's target.
        groups = self.env["sdm.sales.plan.node"].read_group(
            action["domain"] + [("parent_id", "=", root.id)], ["amount_total:sum"], ["parent_id"]
        )
        self.assertEqual(groups[0]["amount_total"], 1200)

    def test_achievement_graph_draws_the_target_beside_the_actual(self):
        """Salesperson A: 1,000 a month planned, 800 invoiced in March. The achievement graph shows, for March,
        the target 1,000 beside the actual 800; the achievement action has no graph of the actual alone."""
        plan = self._plan()
        node_a = self._node(plan, self.user_sales_a)
        self._set_months(node_a, 1000)
        self._invoice(self.customer_a, self.user_sales_a, self.branch_sh, date(2026, 3, 10), 8)
        self.env["sdm.sales.achievement"]._sdm_refresh(plan, as_of=date(2026, 3, 31))
        achievement = self.env["ir.actions.act_window"]._for_xml_id("sdm_planning.action_sdm_sales_achievement")
        self.assertNotIn("graph", achievement["view_mode"].split(","))
        action = "sdm_planning.action_sdm_sales_achievement_figure"
        domain, _groupbys = default_search(self.env, action)
        groupbys, measure = graph_setup(self.env, action)
        self.assertEqual((groupbys, measure), (["month:month", "figure"], "amount"))
        rows = self.env["sdm.sales.achievement.figure"].read_group(
            domain + [("plan_id", "=", plan.id), ("month", "=", date(2026, 3, 1))],
            [f"{measure}:sum"],
            groupbys,
            lazy=False,
        )
        self.assertEqual({row["figure"]: row[measure] for row in rows}, {"target": 1000, "actual": 800})
        # A salesperson reads her own figures only.
        mine = self.env["sdm.sales.achievement.figure"].with_user(self.user_sales_a).search([])
        self.assertEqual(mine.node_id, node_a)

    def test_progress_bars_above_target_are_full_and_flagged(self):
        """Odoo's progress bar draws a value above its maximum in its overflow class (grey by default, which
        reads as an empty bar): every achievement bar of the planning views shows 130 % full and in colour."""
        views = self.env["ir.ui.view"].search(
            [("model", "in", ("sdm.sales.plan.node", "sdm.sales.achievement", "sdm.sales.plan"))]
        )
        bars = []
        for view in views:
            arch = etree.fromstring(view.arch_db)
            bars += [(view.xml_id, node) for node in arch.iter("field") if node.get("widget") == "progressbar"]
        self.assertTrue(bars)
        for xml_id, node in bars:
            options = safe_eval(node.get("options") or "{}")
            self.assertIn(options.get("overflow_class", "bg-secondary"), ("bg-success",), xml_id)
