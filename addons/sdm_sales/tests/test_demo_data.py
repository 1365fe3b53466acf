from odoo.tests import TransactionCase


class TestDemoData(TransactionCase):
    """The demo generator goes through the real flows; a small run proves it (the full year is `make run`)."""

    def test_demo_loader_is_skipped_when_odoo_runs_tests(self):
        self.env["sdm.demo"]._sdm_load_demo()
        self.assertFalse(self.env["sdm.region"].search_count([("code", "=", "EC")]))

    def test_generator_builds_the_network_and_its_history(self):
        self.env["sdm.demo"]._sdm_generate_demo(months=4, orders_per_month=3)
        regions = self.env["sdm.region"].search([("code", "in", ("EC", "SC", "NC", "SH"))])
        self.assertEqual(set(regions.mapped("name")), {"华东", "华南", "华北", "上海"})
        self.assertEqual(regions.filtered(lambda r: r.code == "SH").parent_id.code, "EC")
        self.assertTrue(all(regions.mapped("manager_id")))
        self.assertEqual(len(self.env["crm.team"].search([("sdm_region_id", "in", regions.ids)])), 6)

        wang = self.env["res.users"].search([("login", "=", "wang.fang")])
        self.assertTrue(wang.has_group("sdm_sales.group_sdm_user"))
        zh = self.env["res.users"].search([("login", "=", "sdm_zh")])
        self.assertEqual(zh.lang, "zh_CN")
        self.assertTrue(zh.has_group("sdm_sales.group_sdm_admin"))

        distributor = self.env.ref("sdm_sales.demo_category_distributor")
        customers = self.env["res.partner"].search([("category_id", "!=", False), ("is_company", "=", True)])
        self.assertGreaterEqual(len(customers), 30)
        self.assertTrue(all(customers.mapped("sdm_region_id")), "every demo customer has a region")
        self.assertTrue(customers.filtered(lambda c: distributor in c.category_id))

        orders = self.env["sale.order"].search([("partner_id", "in", customers.ids)])
        self.assertTrue(orders.filtered(lambda o: o.state == "sale"))
        self.assertTrue(all(orders.filtered(lambda o: o.state == "sale").mapped("sdm_region_id")))
        invoices = self.env["account.move"].search([("partner_id", "in", customers.ids), ("state", "=", "posted")])
        self.assertTrue(invoices.filtered(lambda m: m.move_type == "out_invoice"))
        self.assertTrue(invoices.filtered(lambda m: m.payment_state in ("paid", "in_payment", "partial")))

        # Credit control is configured and has something to show.
        self.assertEqual(self.env.company.sdm_credit_mode, "approval")
        self.assertEqual(len(self.env["sdm.credit.group"].search([("name", "in", ("A 级", "B 级", "C 级"))])), 3)
        self.assertEqual(len(customers.filtered("sdm_credit_hold")), 1)
        approval = self.env["sdm.credit.approval"].search([("requested_by_id", "=", wang.id)])
        self.assertEqual(approval.state, "pending")
        self.assertTrue(approval.activity_ids)

        # Running it again adds nothing.
        count = self.env["sale.order"].search_count([])
        self.env["sdm.demo"]._sdm_generate_demo(months=4, orders_per_month=3)
        self.assertEqual(self.env["sale.order"].search_count([]), count)
