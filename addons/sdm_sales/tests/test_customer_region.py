from odoo import Command
from odoo.tests import Form

from .common import SdmSalesCommon


class TestCustomerRegion(SdmSalesCommon):
    def test_branch_and_region_derived_from_salesperson_team(self):
        self.assertEqual(self.customer_a.sdm_branch_id, self.branch_sh)
        self.assertEqual(self.customer_a.sdm_region_id, self.region_sh)
        self.assertEqual(self.customer_b.sdm_region_id, self.region_south)
        self.assertFalse(self.customer_free.sdm_region_id)

    def test_contacts_share_the_commercial_partner_region(self):
        self.assertEqual(self.contact_a.sdm_region_id, self.region_sh)
        self.assertEqual(self.contact_a.sdm_branch_id, self.branch_sh)
        self.customer_a.sdm_region_id = self.region_south
        self.assertEqual(self.contact_a.sdm_region_id, self.region_south)
        delivery = self.env["res.partner"].create(
            {"name": "Warehouse", "type": "delivery", "parent_id": self.customer_a.id}
        )
        self.assertEqual(delivery.sdm_region_id, self.region_south)

    def test_region_can_be_overridden_until_branch_changes(self):
        with Form(self.customer_a) as form:
            form.sdm_region_id = self.region_east
        self.assertEqual(self.customer_a.sdm_region_id, self.region_east)
        # Same branch: the override stays.
        self.customer_a.write({"name": "Huadong Distribution Co."})
        self.assertEqual(self.customer_a.sdm_region_id, self.region_east)
        # New branch: the region follows it again.
        self.customer_a.sdm_branch_id = self.branch_gz
        self.assertEqual(self.customer_a.sdm_region_id, self.region_south)

    def test_salesperson_change_moves_customer_to_new_branch(self):
        self.customer_free.user_id = self.user_sales_b
        self.assertEqual(self.customer_free.sdm_branch_id, self.branch_gz)
        self.assertEqual(self.customer_free.sdm_region_id, self.region_south)

    def test_branch_region_change_propagates(self):
        self.branch_hz.sdm_region_id = self.region_south
        self.assertEqual(self.customer_c.sdm_region_id, self.region_south)

    def test_setting_off_keeps_region_manual(self):
        self.company.sdm_region_from_team = False
        partner = self.env["res.partner"].create(
            {"name": "Manual Region Co", "is_company": True, "user_id": self.user_sales_b.id}
        )
        self.assertEqual(partner.sdm_branch_id, self.branch_gz)
        self.assertFalse(partner.sdm_region_id)

    def test_order_and_invoice_keep_region_of_their_time(self):
        order = self._create_order(self.contact_a)
        self.assertEqual(order.sdm_region_id, self.region_sh)
        order.action_confirm()
        invoice = order._create_invoices()
        self.assertEqual(invoice.sdm_region_id, self.region_sh)
        invoice.action_post()
        # Moving the customer later does not rewrite history.
        self.customer_a.sdm_region_id = self.region_south
        self.assertEqual(order.sdm_region_id, self.region_sh)
        self.assertEqual(invoice.sdm_region_id, self.region_sh)
        vendor_bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.customer_a.id,
                "invoice_date": "2026-01-01",
                "invoice_line_ids": [Command.create({"name": "x", "quantity": 1, "price_unit": 10})],
            }
        )
        self.assertFalse(vendor_bill.sdm_region_id)

    def test_sales_and_invoice_analysis_by_region(self):
        for partner, qty in ((self.customer_a, 2), (self.customer_b, 3), (self.customer_c, 5)):
            order = self._create_order(partner, qty=qty)
            order.action_confirm()
            order._create_invoices().action_post()
        self.env.flush_all()
        sales = dict(
            self.env["sale.report"]._read_group(
                [("sdm_region_id", "child_of", self.region_east.id)],
                ["sdm_region_id"],
                ["price_subtotal:sum"],
            )
        )
        self.assertEqual(sales, {self.region_sh: 200.0, self.region_east: 500.0})
        invoiced = dict(
            self.env["account.invoice.report"]._read_group(
                [("sdm_region_id", "=", self.region_south.id)], ["sdm_region_id"], ["price_subtotal:sum"]
            )
        )
        self.assertEqual(invoiced, {self.region_south: 300.0})

    def test_team_form_sets_region(self):
        with Form(self.env["crm.team"]) as form:
            form.name = "Suzhou Branch"
            form.sdm_region_id = self.region_east
        team = form.save()
        self.assertIn(team, self.region_east.branch_ids)
        team.member_ids = [Command.link(self.user_sales_c.id)]
        self.assertEqual(team.sdm_region_id, self.region_east)
