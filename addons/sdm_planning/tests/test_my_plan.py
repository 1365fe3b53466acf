from datetime import date

from lxml import etree

from odoo.tools.safe_eval import safe_eval

from .test_sales_plan import PlanCommon

PLANNER_FIELDS = {"proposal_amount", "variance_accepted", "distribution_weight", "variance", "children_amount"}


class TestMyPlan(PlanCommon):
    """A salesperson's plan on her phone: her target, her sales and her progress per month, no planner fields."""

    def _approved_plan_with_sales(self):
        plan = self._plan()
        self._set_months(plan.node_ids.filtered(lambda n: n.level == "company"), 1000)
        self._set_months(self._node(plan, self.user_sales_a), 1000)
        self._set_months(self._node(plan, self.user_sales_b), 500)
        plan.node_ids.filtered("child_ids").write({"variance_accepted": True})
        plan.action_submit()
        plan.with_user(self.planner).action_approve()
        self._invoice(self.customer_a, self.user_sales_a, self.branch_sh, date(2026, 3, 10), 8)
        self._invoice(self.customer_a, self.user_sales_a, self.branch_sh, date(2026, 4, 5), 12)
        self.env["sdm.sales.achievement"]._sdm_refresh(plan, as_of=date(2026, 4, 30))
        return plan

    def test_my_plan_opens_her_progress_with_actuals_per_month(self):
        plan = self._approved_plan_with_sales()
        user = self.user_sales_a
        action = self.env["ir.actions.act_window"].with_user(user)._for_xml_id("sdm_planning.action_sdm_my_plan")
        self.assertEqual(action["views"][0][1], "kanban")
        domain = safe_eval(action["domain"], {"uid": user.id})
        nodes = self.env["sdm.sales.plan.node"].with_user(user).search(domain)
        self.assertEqual(nodes, self._node(plan, user))
        # the form she opens: progress, not the planner's form
        form_id = {vtype: vid for vid, vtype in action["views"]}["form"]
        arch = etree.fromstring(
            self.env["sdm.sales.plan.node"].with_user(user).get_views([(form_id, "form")])["views"]["form"]["arch"]
        )
        names = {f.get("name") for f in arch.iter("field")}
        self.assertFalse(names & PLANNER_FIELDS, names & PLANNER_FIELDS)
        self.assertFalse(arch.xpath("//header//button"))
        months = arch.find(".//field[@name='achievement_ids']")
        self.assertIsNotNone(months)
        for fname in ("month", "target_amount", "actual_amount", "achievement"):
            self.assertTrue(months.xpath(f".//list/field[@name='{fname}']"), fname)
            self.assertTrue(months.xpath(f".//kanban//field[@name='{fname}']"), fname)
        # the figures she reads, by hand: 1,000 a month; 800 in March, 1,200 in April
        node = nodes.with_user(user)
        rows = {row.month: row for row in node.achievement_ids}
        self.assertEqual(len(rows), 12)
        self.assertEqual((rows[date(2026, 3, 1)].actual_amount, rows[date(2026, 3, 1)].achievement), (800, 80))
        self.assertEqual((rows[date(2026, 4, 1)].actual_amount, rows[date(2026, 4, 1)].achievement), (1200, 120))
        self.assertEqual(rows[date(2026, 4, 1)].target_amount, 1000)
        self.assertEqual((node.ytd_target, node.ytd_actual, node.ytd_achievement), (4000, 2000, 50))

    def test_plan_progress_cards_open_the_progress_form(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("sdm_planning.action_sdm_salesperson_progress")
        views = {vtype: vid for vid, vtype in action["views"]}
        self.assertEqual(views["form"], self.env.ref("sdm_planning.sdm_sales_plan_node_view_form_progress").id)
        self.assertEqual(action["views"][0][1], "kanban")
