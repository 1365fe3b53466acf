from odoo.exceptions import UserError

from .credit_common import SdmCreditCommon


class TestCreditCheckpointModes(SdmCreditCommon):
    """Delivery validation and invoice posting in every mode (order confirmation: test_credit_checkpoints)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.is_storable = True
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.env.ref("stock.warehouse0").lot_stock_id, 100
        )

    def _customer(self, mode):
        """A customer of salesperson A with a limit of 1,000 and its own credit mode."""
        customer = self.env["res.partner"].create(
            {"name": f"Mode {mode} Co", "is_company": True, "user_id": self.user_sales_a.id}
        )
        customer.write({"sdm_credit_limit": 1000.0, "sdm_credit_overdue_days": 30, "sdm_credit_mode": mode})
        return customer

    def _over_limit_delivery(self, customer):
        """A confirmed order whose delivery happens once the customer is over its limit."""
        self.company.sdm_credit_check_delivery = False
        order = self._create_order(customer, user=self.user_sales_a, qty=5)
        order.action_confirm()  # 500 of 1,000
        self._invoice(customer, 600.0)  # now 1,100
        picking = order.picking_ids
        picking.move_ids.quantity = 5
        self.company.sdm_credit_check_delivery = True
        return order, picking

    def test_delivery_in_each_mode(self):
        for mode, passes in (("off", True), ("warn", True), ("block", False), ("approval", False)):
            with self.subTest(mode=mode):
                order, picking = self._over_limit_delivery(self._customer(mode))
                if passes:
                    picking.button_validate()
                    self.assertEqual(picking.state, "done")
                    warned = any("delivery validation" in (m.body or "") for m in order.message_ids)
                    self.assertEqual(warned, mode == "warn")
                else:
                    expected = "must approve the sale order" if mode == "approval" else "delivery validation"
                    with self.assertRaisesRegex(UserError, expected):
                        picking.button_validate()
                    self.assertNotEqual(picking.state, "done")

    def test_delivery_of_an_approved_order_passes_in_approval_mode(self):
        self.company.sdm_credit_mode = "approval"
        self._invoice(self.customer_a, 900.0)
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=5)
        approval = self.env["sdm.credit.approval"].with_user(self.user_sales_a)._sdm_request(order, "Key project")
        approval.with_user(self.user_credit)._sdm_decide(True, "Approved for this order")
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = 5
        self.company.sdm_credit_check_delivery = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_invoice_posting_in_each_mode(self):
        self.company.sdm_credit_check_invoice = True
        for mode, passes in (("off", True), ("warn", True), ("block", False), ("approval", False)):
            with self.subTest(mode=mode):
                customer = self._customer(mode)
                self._invoice(customer, 900.0)
                draft = self._invoice(customer, 200.0, post=False)
                if passes:
                    draft.action_post()
                    self.assertEqual(draft.state, "posted")
                    warned = any("invoice posting" in (m.body or "") for m in draft.message_ids)
                    self.assertEqual(warned, mode == "warn")
                else:
                    with self.assertRaisesRegex(UserError, "invoice posting"):
                        draft.action_post()
                    self.assertEqual(draft.state, "draft")
