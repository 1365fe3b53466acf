from odoo.exceptions import UserError

from .credit_common import SdmCreditCommon


class TestCreditCheckpoints(SdmCreditCommon):
    def test_block_mode_refuses_the_order_that_exceeds_and_names_the_figures(self):
        self._invoice(self.customer_a, 700.0)
        ok = self._create_order(self.customer_a, qty=3)  # 700 + 300 = 1,000: at the limit
        ok.action_confirm()
        too_much = self._create_order(self.customer_a, qty=1)
        with self.assertRaises(UserError) as error:
            too_much.action_confirm()
        message = str(error.exception)
        self.assertIn("Huadong Distribution", message)
        self.assertIn("1,000.00", message)  # limit
        self.assertIn("1,100.00", message)  # exposure including this order
        self.assertIn("100.00", message)  # excess
        self.assertEqual(too_much.state, "draft", "nothing was written")

    def test_off_mode_and_no_limit_let_everything_through(self):
        self.company.sdm_credit_mode = "off"
        self._invoice(self.customer_a, 5000.0)
        order = self._create_order(self.customer_a)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.company.sdm_credit_mode = "block"
        self.customer_b.sdm_credit_limit = 0.0
        self._invoice(self.customer_b, 5000.0)
        order_b = self._create_order(self.customer_b)
        order_b.action_confirm()
        self.assertEqual(order_b.state, "sale")

    def test_warn_mode_confirms_with_a_message_and_a_banner(self):
        self.company.sdm_credit_mode = "warn"
        self._invoice(self.customer_a, 950.0)
        order = self._create_order(self.customer_a)
        self.assertEqual(order.sdm_credit_banner_level, "warning")
        self.assertIn("1,050.00", order.sdm_credit_banner)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(any("1,050.00" in (m.body or "") for m in order.message_ids))

    def test_info_banner_shows_remaining_credit(self):
        self._invoice(self.customer_a, 200.0)
        order = self._create_order(self.customer_a, qty=3)
        self.assertEqual(order.sdm_credit_banner_level, "info")
        self.assertEqual(order.sdm_credit_remaining, 500.0)
        self.assertIn("500.00", order.sdm_credit_banner)

    def test_mode_precedence_partner_group_company(self):
        group = self.env["sdm.credit.group"].create({"name": "Grade C", "credit_mode": "warn", "credit_limit": 10.0})
        self.customer_b.sdm_credit_group_id = group
        self.assertEqual(self.customer_b.sdm_credit_limit, 10.0, "the group's defaults are taken")
        self.assertEqual(self.customer_b._sdm_credit_mode_for(self.company), "warn")
        self.customer_b.sdm_credit_mode = "approval"
        self.assertEqual(self.customer_b._sdm_credit_mode_for(self.company), "approval")
        self.assertEqual(self.customer_c._sdm_credit_mode_for(self.company), "block")

    def test_new_customers_take_the_default_group(self):
        group = self.env["sdm.credit.group"].create(
            {"name": "Grade B", "credit_limit": 5000.0, "overdue_days": 15, "overdue_max_amount": 800.0}
        )
        self.company.sdm_credit_default_group_id = group
        partner = self.env["res.partner"].with_user(self.user_sales_a).create({"name": "New Co", "is_company": True})
        self.assertEqual(partner.sdm_credit_group_id, group)
        self.assertEqual(partner.sdm_credit_limit, 5000.0)
        self.assertEqual(partner.sdm_credit_overdue_days, 15)
        self.assertEqual(partner.sdm_credit_overdue_max, 800.0)

    def test_overdue_rule_applies_below_the_limit(self):
        self._invoice(self.customer_a, 50.0, days_ago=45, due_days=10)  # 35 days overdue > 30 tolerance
        order = self._create_order(self.customer_a)
        with self.assertRaisesRegex(UserError, "35 days"):
            order.action_confirm()
        self.customer_a.sdm_credit_overdue_days = 40
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_overdue_amount_rule(self):
        self.customer_a.write({"sdm_credit_overdue_days": 90, "sdm_credit_overdue_max": 100.0})
        invoice = self._invoice(self.customer_a, 150.0, days_ago=20, due_days=10)
        order = self._create_order(self.customer_a)
        with self.assertRaisesRegex(UserError, invoice.name):
            order.action_confirm()
        self._pay(invoice, 60.0)  # 90 overdue left: below the maximum
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_hold_blocks_even_within_limit_and_off_mode(self):
        self.company.sdm_credit_mode = "off"
        self.customer_a.sdm_credit_hold = True
        order = self._create_order(self.customer_a)
        with self.assertRaisesRegex(UserError, "credit hold"):
            order.action_confirm()
        self.assertTrue(order.sdm_credit_needs_approval, "only an approval can release the order")

    def test_orders_confirmed_together_add_up(self):
        orders = self._create_order(self.customer_a, qty=6) | self._create_order(self.customer_a, qty=6)
        with self.assertRaises(UserError):
            orders.action_confirm()
        self.assertEqual(set(orders.mapped("state")), {"draft"})

    def test_delivery_checkpoint(self):
        self.product.is_storable = True
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.env.ref("stock.warehouse0").lot_stock_id, 100
        )
        order = self._create_order(self.customer_a, qty=5)
        order.action_confirm()  # 500 of 1,000
        self._invoice(self.customer_a, 600.0)  # now 1,100
        picking = order.picking_ids
        picking.move_ids.quantity = 5
        self.company.sdm_credit_check_delivery = True
        with self.assertRaisesRegex(UserError, "delivery validation"):
            picking.button_validate()
        self.assertNotEqual(picking.state, "done")
        self.company.sdm_credit_check_delivery = False
        picking.button_validate()
        self.assertEqual(picking.state, "done")

    def test_invoice_posting_checkpoint(self):
        self.company.sdm_credit_check_invoice = True
        self._invoice(self.customer_a, 900.0)
        draft = self._invoice(self.customer_a, 200.0, post=False)
        with self.assertRaisesRegex(UserError, "invoice posting"):
            draft.action_post()
        self.assertEqual(draft.state, "draft")
        refund = self._invoice(self.customer_a, 500.0, move_type="out_refund", post=False)
        refund.action_post()  # credit notes are never stopped
        draft.action_post()
        self.assertEqual(draft.state, "posted")

    def test_invoice_from_order_is_not_counted_twice_at_posting(self):
        self.company.sdm_credit_check_invoice = True
        order = self._create_order(self.customer_a, qty=9)
        order.action_confirm()  # 900 of 1,000
        invoice = order._create_invoices()
        self.assertEqual(invoice._sdm_credit_amount(), 0.0)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_checkpoint_switches(self):
        self.company.sdm_credit_check_sale = False
        self._invoice(self.customer_a, 5000.0)
        order = self._create_order(self.customer_a)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_salesperson_confirms_within_credit(self):
        order = self._create_order(self.customer_a, user=self.user_sales_a, qty=2)
        order.with_user(self.user_sales_a).action_confirm()
        self.assertEqual(order.state, "sale")
        order_2 = self._create_order(self.customer_a, user=self.user_sales_a, qty=9)
        with self.assertRaises(UserError):
            order_2.with_user(self.user_sales_a).action_confirm()

    def test_invoices_posted_together_add_up(self):
        self.company.sdm_credit_check_invoice = True
        drafts = self._invoice(self.customer_a, 600.0, post=False) | self._invoice(self.customer_a, 600.0, post=False)
        with self.assertRaisesRegex(UserError, "1,200.00"):
            drafts.action_post()
        self.assertEqual(set(drafts.mapped("state")), {"draft"})

    def test_counted_draft_is_not_counted_twice_when_posted(self):
        self.company.write({"sdm_credit_check_invoice": True, "sdm_credit_include_draft_invoices": True})
        draft = self._invoice(self.customer_a, 600.0, post=False)
        self.assertEqual(self._position().sdm_credit_exposure, 600.0)
        draft.action_post()
        self.assertEqual(draft.state, "posted")
        self.assertEqual(self._position().sdm_credit_exposure, 600.0)

    def test_batch_confirmation_checks_each_customer_once(self):
        self.customer_a.sdm_credit_limit = 100000.0
        self.customer_b.sdm_credit_limit = 100000.0
        few = self._create_order(self.customer_a) | self._create_order(self.customer_b)
        many = self.env["sale.order"]
        for _i in range(5):
            many |= self._create_order(self.customer_a) | self._create_order(self.customer_b)
        self.env.flush_all()
        docs_few = [(o.partner_id, o._sdm_amount_company(), o, None) for o in few]
        docs_many = [(o.partner_id, o._sdm_amount_company(), o, None) for o in many]
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        self.env["res.partner"]._sdm_check_credit_documents(self.company, "sale", docs_few)
        queries_few = self.cr.sql_log_count - start
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        self.env["res.partner"]._sdm_check_credit_documents(self.company, "sale", docs_many)
        queries_many = self.cr.sql_log_count - start
        self.assertLessEqual(queries_many, queries_few + 2, "the number of orders must not add queries")
