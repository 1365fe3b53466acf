from odoo import Command
from odoo.exceptions import UserError

from .common import SdmSalesCommon


class TestAvailableQuantity(SdmSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.warehouse = cls.env.ref("stock.warehouse0")
        cls.product.is_storable = True
        cls.env["stock.quant"]._update_available_quantity(cls.product, cls.warehouse.lot_stock_id, 10)
        cls.service = cls.env["product.product"].create({"name": "Installation", "type": "service"})

    def _order(self, qty):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer_a.id,
                "warehouse_id": self.warehouse.id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "product_uom_qty": qty}),
                    Command.create({"product_id": self.service.id, "product_uom_qty": 100}),
                ],
            }
        )

    def test_off_by_default(self):
        order = self._order(50)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_block_lists_products_and_shortfalls(self):
        self.company.sdm_available_qty_mode = "block"
        self._order(7).action_confirm()  # 3 left in the forecast
        order = self._order(5)
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        message = str(error.exception)
        self.assertIn("Gear Motor", message)
        self.assertIn("forecasted 3.0", message)
        self.assertIn("short 2.0", message)
        self.assertNotIn("Installation", message)
        self.assertEqual(order.state, "draft")

    def test_warn_confirms_and_logs(self):
        self.company.sdm_available_qty_mode = "warn"
        order = self._order(12)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(any("short 2.0" in (m.body or "") for m in order.message_ids))
