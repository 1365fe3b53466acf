from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from .credit_common import SdmCreditCommon


class TestCreditApproval(SdmCreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sdm_credit_mode = "approval"
        cls._invoice(cls.customer_a, 900.0)

    def _request(self, order, reason="Pays at month end", user=None):
        user = user or self.user_sales_a
        wizard = Form(self.env["sdm.credit.approval.request"].with_user(user).with_context(default_order_id=order.id))
        wizard.reason = reason
        wizard.save().action_request()
        return order.sdm_credit_approval_ids[:1]

    def _decide(self, approval, approve=True, comment="OK, watch the payment", user=None):
        user = user or self.user_credit
        action = getattr(approval.with_user(user), "action_approve" if approve else "action_reject")()
        wizard = Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))
        wizard.comment = comment
        wizard.save().action_confirm()

    def test_lifecycle_request_activity_approve_confirm(self):
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        with self.assertRaisesRegex(UserError, "Request Credit Approval"):
            order.with_user(self.user_sales_a).action_confirm()
        self.assertTrue(order.sdm_credit_needs_approval)
        approval = self._request(order)
        self.assertEqual(approval.state, "pending")
        self.assertEqual(approval.amount, 200.0)
        self.assertEqual(approval.exposure, 1100.0)
        self.assertEqual(approval.excess, 100.0)
        self.assertEqual(approval.requested_by_id, self.user_sales_a)
        controllers = approval.activity_ids.user_id
        self.assertIn(self.user_credit, controllers)
        self.assertIn(self.user_controller_2, controllers)
        self.assertNotIn(self.user_sales_a, controllers)
        self.assertFalse(order.sdm_credit_needs_approval)
        self.assertEqual(order.sdm_credit_approval_state, "pending")
        # The approvals menu lists it for controllers.
        pending = self.env["sdm.credit.approval"].with_user(self.user_credit).search([("state", "=", "pending")])
        self.assertIn(approval, pending)
        self._decide(approval)
        self.assertEqual(approval.state, "approved")
        self.assertEqual(approval.approver_id, self.user_credit)
        self.assertEqual(approval.expiry_date, self.today + timedelta(days=7))
        self.assertFalse(approval.activity_ids, "the activities are done")
        order.with_user(self.user_sales_a).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(any(approval.name in (m.body or "") for m in order.message_ids))

    def test_reason_is_required(self):
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        with self.assertRaisesRegex(UserError, "reason"):
            self.env["sdm.credit.approval"].with_user(self.user_sales_a)._sdm_request(order, "  ")
        self.assertFalse(order.sdm_credit_approval_ids)

    def test_no_approval_needed_within_credit(self):
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=1)
        with self.assertRaisesRegex(UserError, "no approval is needed"):
            self._request(order)

    def test_amount_increase_voids_the_approval(self):
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        approval = self._request(order)
        self._decide(approval)
        order.order_line.product_uom_qty = 3
        self.assertEqual(approval.state, "voided")
        with self.assertRaises(UserError):
            order.action_confirm()
        # A decrease keeps it valid.
        order_2 = self._create_order(self.customer_a, user=self.user_sales_a, qty=3)
        approval_2 = self._request(order_2)
        self._decide(approval_2)
        order_2.order_line.product_uom_qty = 2
        self.assertEqual(approval_2.state, "approved")
        order_2.action_confirm()
        self.assertEqual(order_2.state, "sale")

    def test_approval_of_a_changed_amount_is_refused(self):
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=3)
        approval = self._request(order)
        order.order_line.product_uom_qty = 2  # smaller: the request stays pending but differs
        with self.assertRaisesRegex(UserError, "changed from"):
            approval.with_user(self.user_credit)._sdm_decide(True, "fine")
        self.assertEqual(approval.state, "pending")

    def test_expiry(self):
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        approval = self._request(order)
        self._decide(approval)
        with freeze_time(self.today + timedelta(days=8)):
            self.assertFalse(approval._sdm_is_valid())
            with self.assertRaises(UserError):
                order.action_confirm()
            self.env["sdm.credit.approval"]._cron_expire()
            self.assertEqual(approval.state, "expired")

    def test_reject(self):
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        approval = self._request(order)
        self._decide(approval, approve=False, comment="Collect the overdue money first")
        self.assertEqual(approval.state, "rejected")
        self.assertEqual(approval.decision_comment, "Collect the overdue money first")
        with self.assertRaises(UserError):
            order.action_confirm()
        self.assertTrue(order.sdm_credit_needs_approval, "a new request is possible")

    def test_only_controllers_decide_and_never_on_their_own_request(self):
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        approval = self._request(order)
        with self.assertRaises(AccessError):
            approval.with_user(self.user_sales_a).action_approve()
        with self.assertRaises(AccessError):
            approval.with_user(self.user_east_manager)._sdm_decide(True, "me")
        own_order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        own = self._request(own_order, user=self.user_credit)
        with self.assertRaisesRegex(AccessError, "own credit request"):
            own.with_user(self.user_credit)._sdm_decide(True, "self-service")
        self.assertEqual(own.state, "pending")

    def test_decisions_on_confirmed_or_cancelled_orders_are_refused(self):
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        approval = self._request(order)
        order._action_cancel()
        self.assertEqual(approval.state, "voided")
        with self.assertRaisesRegex(UserError, "not pending"):
            approval.with_user(self.user_credit)._sdm_decide(True, "late")
        order_2 = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        approval_2 = self._request(order_2)
        self.company.sdm_credit_mode = "off"
        order_2.action_confirm()
        with self.assertRaisesRegex(UserError, "cannot be decided"):
            approval_2.with_user(self.user_credit)._sdm_decide(True, "late")

    def test_comment_is_required(self):
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        approval = self._request(order)
        with self.assertRaisesRegex(UserError, "comment"):
            approval.with_user(self.user_credit)._sdm_decide(False, "")
        self.assertEqual(approval.state, "pending")

    def test_hold_is_released_for_one_order_only(self):
        self.customer_a.sdm_credit_hold = True
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=1)
        approval = self._request(order)
        self._decide(approval)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        other = self._create_order(self.customer_a, user=self.user_sales_a, qty=1)
        with self.assertRaisesRegex(UserError, "credit hold"):
            other.action_confirm()

    def test_salesperson_sees_own_requests_only(self):
        order_a = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        approval_a = self._request(order_a)
        self.customer_b.sdm_credit_limit = 10.0
        order_b = self._create_order(self.customer_b, user=self.user_sales_b, qty=1)
        approval_b = self._request(order_b, user=self.user_sales_b)
        visible = self.env["sdm.credit.approval"].with_user(self.user_sales_a).search([])
        self.assertEqual(visible, approval_a)
        manager_visible = self.env["sdm.credit.approval"].with_user(self.user_south_manager).search([])
        self.assertEqual(manager_visible, approval_b)
