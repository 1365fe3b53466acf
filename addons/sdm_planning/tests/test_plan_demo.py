from odoo.tests import TransactionCase


class TestPlanDemo(TransactionCase):
    def test_demo_plan_on_the_demo_network(self):
        self.env["sdm.demo"]._sdm_generate_demo(months=4, orders_per_month=3)
        self.env["sdm.demo"]._sdm_demo_sales_plan()
        plan = self.env["sdm.sales.plan"].search([("state", "=", "locked")])
        self.assertEqual(len(plan), 1)
        parents = plan.node_ids.filtered("child_ids")
        self.assertTrue(all(plan.currency_id.is_zero(node.variance) for node in parents), "children add up")
        self.assertTrue(self.env["sdm.sales.achievement"].search_count([("plan_id", "=", plan.id)]))
        root = plan.node_ids.filtered(lambda n: n.level == "company")
        self.assertTrue(30 < root.ytd_achievement < 300, f"a believable target ({root.ytd_achievement} %)")
