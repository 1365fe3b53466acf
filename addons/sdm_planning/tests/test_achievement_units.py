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
        self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer_a.id,
                "invoice_user_id": self.user_sales_a.id,
                "team_id": self.branch_sh.id,
                "invoice_date": date(2026, 3, 10),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_id": self.dozen.id,
                            "quantity": 2,
                            "price_unit": 1200,
                            "tax_ids": [],
                        }
                    ),
                    Command.create({"product_id": self.product.id, "quantity": 5, "price_unit": 100, "tax_ids": []}),
                ],
            }
        ).action_post()
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer_a.id,
                "invoice_user_id": self.user_sales_a.id,
                "team_id": self.branch_sh.id,
                "invoice_date": date(2026, 3, 20),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_id": self.dozen.id,
                            "quantity": 1,
                            "price_unit": 1200,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        refund.action_post()
        march = self._march(plan, node_a)
        self.assertAlmostEqual(march.actual_quantity, 17.0, places=4, msg="24 + 5 - 12 units, not 2 + 5 - 1")
        self.assertEqual(march.target_quantity, 20)
        self.assertAlmostEqual(march.actual_amount, 1700.0)
        self.assertAlmostEqual(march.actual_margin, 1700.0 - 17 * 60, places=2)

    def test_invoice_from_an_order_in_dozens(self):
        """Invoiced from an order line in dozens: 24 units, cost from the order line (per dozen)."""
        plan, node_a = self._plan_a()
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "user_id": self.user_sales_a.id,
                "team_id": self.branch_sh.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom": self.dozen.id,
                            "product_uom_qty": 2,
                            "price_unit": 1200,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
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
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "user_id": self.user_sales_a.id,
                "team_id": self.branch_sh.id,
                "date_order": date(2026, 3, 5),
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom": self.dozen.id,
                            "product_uom_qty": 2,
                            "price_unit": 1200,
                        }
                    ),
                    Command.create({"product_id": self.product.id, "product_uom_qty": 3, "price_unit": 100}),
                ],
            }
        )
        order.action_confirm()
        order.date_order = date(2026, 3, 5)
        march = self._march(plan, node_a)
        self.assertAlmostEqual(march.actual_quantity, 27.0, places=4)
        self.assertAlmostEqual(march.actual_amount, 2700.0)
