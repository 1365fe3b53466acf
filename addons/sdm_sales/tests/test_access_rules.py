from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user

from .common import SdmSalesCommon


class TestAccessRules(SdmSalesCommon):
    def _visible(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    def test_salesperson_sees_own_and_unassigned_customers_only(self):
        everyone = self.customer_a | self.contact_a | self.customer_b | self.customer_c | self.customer_free
        self.assertEqual(
            self._visible(self.user_sales_a, everyone), self.customer_a | self.contact_a | self.customer_free
        )
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.user_sales_a).read(["sdm_region_id", "sdm_branch_id"])
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.user_sales_a).write({"sdm_region_id": self.region_east.id})
        # The SDM fields of their own customers are readable.
        self.assertEqual(self.customer_a.with_user(self.user_sales_a).sdm_region_id, self.region_sh)

    def test_regional_manager_sees_region_and_sub_regions_only(self):
        everyone = self.customer_a | self.customer_b | self.customer_c
        self.assertEqual(self._visible(self.user_east_manager, everyone), self.customer_a | self.customer_c)
        self.assertEqual(self._visible(self.user_south_manager, everyone), self.customer_b)
        with self.assertRaises(AccessError):
            self.customer_b.with_user(self.user_east_manager).read(["sdm_region_id"])

    def test_branch_leader_sees_branch_customers(self):
        everyone = self.customer_a | self.customer_b | self.customer_c
        self.assertEqual(self._visible(self.user_sh_leader, everyone), self.customer_a)

    def test_new_region_manager_takes_effect_immediately(self):
        everyone = self.customer_a | self.customer_b | self.customer_c
        self.assertEqual(self._visible(self.user_south_manager, everyone), self.customer_b)
        self.region_east.manager_id = self.user_south_manager
        self.assertEqual(self._visible(self.user_south_manager, everyone), everyone)
        self.region_east.manager_id = self.user_east_manager
        self.assertEqual(self._visible(self.user_south_manager, everyone), self.customer_b)

    def test_roles_that_see_every_customer(self):
        everyone = self.customer_a | self.customer_b | self.customer_c | self.customer_free
        self.assertEqual(self._visible(self.user_credit, everyone), everyone)
        for group in ("group_sdm_finance", "group_sdm_planner", "group_sdm_admin"):
            user = self._new_user(f"{group}.user", f"sdm_sales.{group}")
            self.assertEqual(self._visible(user, everyone), everyone, group)

    def test_users_outside_sdm_are_not_restricted(self):
        stock_salesman = new_test_user(self.env, login="stock.salesman", groups="sales_team.group_sale_salesman")
        everyone = self.customer_a | self.customer_b | self.customer_c
        self.assertEqual(self._visible(stock_salesman, everyone), everyone)

    def test_regional_manager_sees_region_orders_and_invoices(self):
        orders = self.env["sale.order"]
        for partner in (self.customer_a, self.customer_b, self.customer_c):
            orders |= self._create_order(partner)
        orders.action_confirm()
        invoices = orders._create_invoices()
        invoices.action_post()
        east = orders.filtered(lambda o: o.partner_id in (self.customer_a | self.customer_c))
        self.assertEqual(orders.with_user(self.user_east_manager).search([("id", "in", orders.ids)]), east)
        east_invoices = invoices.filtered(lambda m: m.partner_id in (self.customer_a | self.customer_c))
        self.assertEqual(invoices.with_user(self.user_east_manager).search([("id", "in", invoices.ids)]), east_invoices)
        with self.assertRaises(AccessError):
            (orders - east).with_user(self.user_east_manager).read(["name"])

    def test_salesperson_sells_to_own_customer(self):
        env = self.env(user=self.user_sales_a)
        with Form(env["sale.order"]) as form:
            form.partner_id = env["res.partner"].browse(self.customer_a.id)
            with form.order_line.new() as line:
                line.product_id = env["product.product"].browse(self.product.id)
                line.product_uom_qty = 3
        order = form.save()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.sdm_region_id, self.region_sh)
        self.assertEqual(order.team_id, self.branch_sh)

    def test_regions_are_maintained_by_sdm_administrators(self):
        with self.assertRaises(AccessError):
            self.env["sdm.region"].with_user(self.user_east_manager).create({"name": "Rogue"})
        with self.assertRaises(AccessError):
            self.region_east.with_user(self.user_sales_a).write({"manager_id": self.user_sales_a.id})
        admin = self._new_user("sdm.admin", "sdm_sales.group_sdm_admin")
        region = self.env["sdm.region"].with_user(admin).create({"name": "North China"})
        self.assertTrue(region.exists())

    def test_multi_company_regions(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        region_other = self.env["sdm.region"].create({"name": "North", "company_id": other.id})
        shared = self.env["sdm.region"].create({"name": "Shared", "company_id": False})
        user = self._new_user("one.company", "sdm_sales.group_sdm_admin")
        self.assertEqual(user.company_ids, self.company)
        visible = self.env["sdm.region"].with_user(user).search([("id", "in", (region_other | shared).ids)])
        self.assertEqual(visible, shared)
        user.write({"company_ids": [(4, other.id)]})
        visible = (
            self.env["sdm.region"]
            .with_user(user)
            .with_context(allowed_company_ids=[self.company.id, other.id])
            .search([("id", "in", (region_other | shared).ids)])
        )
        self.assertEqual(visible, region_other | shared)

    def test_multi_company_customers(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        foreign = self.env["res.partner"].create(
            {"name": "Other Co Customer", "is_company": True, "company_id": other.id}
        )
        self.assertFalse(self._visible(self.user_credit, foreign))
