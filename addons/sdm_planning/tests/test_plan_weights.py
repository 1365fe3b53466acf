from odoo.exceptions import ValidationError
from odoo.tools import float_round

from .test_sales_plan import PlanCommon


class TestDistributionByWeight(PlanCommon):
    """Planners split a node's targets over its children by weights (50 / 30 / 20, or 5 / 3 / 2): each month,
    parent × weight / Σ weights, rounded to the currency (amounts) and to the unit of measure precision
    (quantities), the rounding left on the last child so that the children add up exactly."""

    def _three_children(self, weights):
        plan = self._plan()
        parent = self._node(plan, self.user_sales_a)
        categories = self.env["product.category"].create([{"name": f"Weighted {i}"} for i in range(3)])
        children = self.env["sdm.sales.plan.node"].create(
            [
                {"plan_id": plan.id, "parent_id": parent.id, "level": "category", "categ_id": categ.id}
                for categ in categories
            ]
        )
        for child, weight in zip(children, weights, strict=True):
            child.distribution_weight = weight
        return parent, children.sorted("id")

    def test_percentages(self):
        parent, children = self._three_children((50, 30, 20))
        self._set_months(parent, 1000, quantity=10, margin=400, collections=900)
        parent.action_distribute_weight()
        january = [child.line_ids.sorted("month")[0] for child in children]
        self.assertEqual([line.amount for line in january], [500, 300, 200])
        self.assertEqual([line.quantity for line in january], [5, 3, 2])
        self.assertEqual([line.margin for line in january], [200, 120, 80])
        self.assertEqual([line.collections for line in january], [450, 270, 180])
        self.assertEqual([child.amount_total for child in children], [6000, 3600, 2400])
        self.assertEqual(parent.variance, 0)

    def test_weights_need_not_add_up_to_a_hundred(self):
        parent, children = self._three_children((5, 3, 2))
        self._set_months(parent, 1000)
        parent.action_distribute_weight()
        self.assertEqual(children.mapped("amount_total"), [6000, 3600, 2400])

    def test_rounding_goes_to_the_last_child(self):
        parent, children = self._three_children((1, 1, 1))
        self._set_months(parent, 100, quantity=1)
        parent.action_distribute_weight()
        for month in range(12):
            lines = [child.line_ids.sorted("month")[month] for child in children]
            self.assertEqual([line.amount for line in lines], [33.33, 33.33, 33.34])
            digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
            third = float_round(1 / 3, precision_digits=digits)
            self.assertEqual([line.quantity for line in lines], [third, third, float_round(1 - 2 * third, digits)])
            self.assertAlmostEqual(sum(line.quantity for line in lines), 1, places=digits)
        self.assertEqual(sum(children.mapped("amount_total")), parent.amount_total)
        self.assertEqual(parent.variance, 0)

    def test_a_zero_weight_gets_nothing(self):
        parent, children = self._three_children((3, 0, 1))
        self._set_months(parent, 100)
        parent.action_distribute_weight()
        self.assertEqual([child.line_ids[0].amount for child in children], [75, 0, 25])
        # The last child weighing zero, the rounding goes to the last one that takes a share.
        children.write({"distribution_weight": 0})
        children[0].distribution_weight, children[1].distribution_weight = 2, 1
        parent.action_distribute_weight()
        self.assertEqual([child.line_ids[0].amount for child in children], [66.67, 33.33, 0])

    def test_negative_weight_refused(self):
        parent, children = self._three_children((1, 1, 1))
        with self.assertRaises(ValidationError) as caught:
            children[1].distribution_weight = -20
        message = str(caught.exception)
        self.assertIn(children[1].name, message)
        self.assertIn("-20", message)

    def test_all_zero_weights_refused_and_nothing_written(self):
        parent, children = self._three_children((0, 0, 0))
        self._set_months(parent, 100)
        with self.assertRaises(ValidationError) as caught:
            parent.action_distribute_weight()
        self.assertIn(parent.name, str(caught.exception))
        self.assertEqual(children.mapped("amount_total"), [0, 0, 0], "nothing written")

    def test_revision_keeps_the_weights(self):
        parent, children = self._three_children((50, 30, 20))
        plan = parent.plan_id
        self._set_months(parent, 1000)
        parent.action_distribute_weight()
        plan.node_ids.variance_accepted = True  # the nodes above were not distributed
        plan.with_user(self.planner).action_submit()
        plan.with_user(self.planner).action_approve()
        plan.with_user(self.planner).action_lock()
        revision = plan.with_user(self.planner)._sdm_revise("Reweighted")
        copies = revision.node_ids.filtered(lambda n: n.level == "category").sorted("id")
        self.assertEqual(copies.mapped("distribution_weight"), [50, 30, 20])
        self.assertEqual(copies.categ_id, children.categ_id)
