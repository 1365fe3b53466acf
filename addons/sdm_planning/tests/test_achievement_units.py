from datetime import date

from odoo import Command

from .test_sales_plan import PlanCommon


class TestAchievementUnits(PlanCommon):
    """Quantity actuals are counted in the reference unit of the product's unit category, whatever unit the
    invoice or order line uses: 2 dozens are 24 units, never 2."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        cls.Achievement = cls.env["sdm.sales.achievement"]

    def _march(self, plan, node):
        self.Achievement._sdm_refresh(plan, as_of=date(2026, 3, 31))
        return self.Achievement.search([("node_id", "=", node.id), ("month", "=", date(2026, 3, 1))])

    def _plan_a(self):
        plan = self._plan()
        plan.use_quantity = True
        node_a = self._node(plan, self.user_sales_a)
        self._set_months(node_a, 1000, quantity=20)
        return plan, node_a

    def test_invoiced_dozens_count_as_units(self):
        """Invoiced 2 dozens and 5 units, refunded 1 dozen: 17 units; the cost (60 a unit) is taken on 17 units."""
        plan, node_a = self._plan_a()
        seller = {"invoice_user_id": self.user_sales_a.id, "team_id": self.branch_sh.id}
        lines = [(self.product, 2, 1200, self.dozen), (self.product, 5, 100)]
        self._create_invoice(self.customer_a, lines, date(2026, 3, 10), **seller)
        refund = [(self.product, 1, 1200, self.dozen)]
        self._create_invoice(self.customer_a, refund, date(2026, 3, 20), move_type="out_refund", **seller)
        march = self._march(plan, node_a)
        self.assertAlmostEqual(march.actual_quantity, 17.0, places=4, msg="24 + 5 - 12 units, not 2 + 5 - 1")
        self.assertEqual(march.target_quantity, 20)
        self.assertAlmostEqual(march.actual_amount, 1700.0)
        self.assertAlmostEqual(march.actual_margin, 1700.0 - 17 * 60, places=2)

    def _order(self, *lines, **vals):
        """Salesperson A's confirmed order of (quantity, unit price[, unit]) lines of the product."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "user_id": self.user_sales_a.id,
                "team_id": self.branch_sh.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom": (uom[0] if uom else self.product.uom_id).id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                        }
                    )
                    for qty, price, *uom in lines
                ],
                **vals,
            }
        )
        order.action_confirm()
        return order

    def test_invoice_from_an_order_in_dozens(self):
        """Invoiced from an order line in dozens: 24 units, cost from the order line (per dozen)."""
        plan, node_a = self._plan_a()
        order = self._order((2, 1200, self.dozen))
        self.assertAlmostEqual(order.order_line.purchase_price, 720.0, msg="sale_margin: cost per dozen")
        invoice = order._create_invoices()
        invoice.invoice_date = date(2026, 3, 10)
        invoice.action_post()
        march = self._march(plan, node_a)
        self.assertAlmostEqual(march.actual_quantity, 24.0, places=4)
        self.assertAlmostEqual(march.actual_margin, 2400.0 - 2 * 720, places=2)

    def test_ordered_dozens_count_as_units(self):
        """On the orders basis, an order line of 2 dozens counts 24 units."""
        self.company.sdm_plan_actual_basis = "ordered"
        plan, node_a = self._plan_a()
        order = self._order((2, 1200, self.dozen), (3, 100))
        order.date_order = date(2026, 3, 5)  # confirming dates the order today
        march = self._march(plan, node_a)
        self.assertAlmostEqual(march.actual_quantity, 27.0, places=4)
        self.assertAlmostEqual(march.actual_amount, 2700.0)
