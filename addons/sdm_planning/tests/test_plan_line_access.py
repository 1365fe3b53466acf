from .test_sales_plan import PlanCommon


class TestPlanLineAccess(PlanCommon):
    """A node's months (its targets) are read by whoever reads the node, not by every salesperson."""

    def test_months_follow_their_node(self):
        plan = self._plan()
        Node, Line = self.env["sdm.sales.plan.node"], self.env["sdm.sales.plan.line"]
        for user in (self.user_sales_a, self.user_east_manager, self.planner):
            nodes = Node.with_user(user).search([("plan_id", "=", plan.id)])
            lines = Line.with_user(user).search([("node_id.plan_id", "=", plan.id)])
            self.assertEqual(lines.node_id, nodes, user.login)
        colleague = self._node(plan, self.user_sales_b).line_ids
        self.assertTrue(colleague)
        self.assertFalse(Line.with_user(self.user_sales_a).search([("id", "in", colleague.ids)]))
