from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestStockUsers(TransactionCase):
    """Users outside SDM (stock Odoo's own roles) read orders, customers and invoices whole — the web client
    reads every field of a form — without tripping over SDM fields they have no access to."""

    def test_plain_salesperson_and_invoicing_user_read_everything(self):
        salesman = new_test_user(self.env, login="plain.sales", groups="sales_team.group_sale_salesman")
        accountant = new_test_user(self.env, login="plain.invoicing", groups="account.group_account_invoice")
        partner = self.env["res.partner"].create({"name": "Plain Customer", "is_company": True, "user_id": salesman.id})
        product = self.env["product.product"].create({"name": "Plain Product", "list_price": 10.0})
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": salesman.id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
            }
        )
        self.assertFalse(salesman.has_group("sdm_sales.group_sdm_user"))
        self.env.invalidate_all()  # read from the database, as the web client does, not from this test's cache
        order.with_user(salesman).read()
        partner.with_user(salesman).read()
        order.with_user(salesman).action_confirm()
        invoice = order._create_invoices()
        self.env.invalidate_all()
        # (stock Odoo itself keeps some invoice fields, stock valuation, from invoicing users: read ours)
        invoice.with_user(accountant).read(["name", "amount_total", "sdm_region_id", "sdm_price_notice_id"])
        # (and with CRM installed, stock Odoo keeps opportunities from invoicing users: read the SDM fields)
        visible = partner.with_user(accountant).fields_get(attributes=["type"])
        partner.with_user(accountant).read([name for name in visible if name.startswith("sdm_")])
        self.assertEqual(order.state, "sale")
