# This test needs committed data and two real transactions: it commits on purpose (and cleans up).
# pylint: disable=invalid-commit
from datetime import date

from odoo import SUPERUSER_ID, Command, api
from odoo.addons.sdm_sales.tests.race import two_transactions
from odoo.tests import TransactionCase


class TestAllocationConcurrency(TransactionCase):
    """Two orders of one region are confirmed at the same moment; the region has 10 left and each order takes
    6. Only one gets through: the second waits on the allocation row, fails with a serialization error (Odoo
    retries the request) and its retry is blocked."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            self.previous_mode = env.company.sdm_allocation_mode
            env.company.sdm_allocation_mode = "block"
            region = env["sdm.region"].create({"name": "Race Region", "code": "RACE"})
            team = env["crm.team"].create({"name": "Race Branch", "sdm_region_id": region.id})
            user = env["res.users"].create(
                {
                    "name": "Race Seller",
                    "login": "race.seller",
                    "sale_team_id": team.id,
                    "groups_id": [Command.link(env.ref("sales_team.group_sale_salesman").id)],
                }
            )
            partner = env["res.partner"].create({"name": "Race Buyer", "is_company": True, "user_id": user.id})
            partner.sdm_region_id = region
            product = env["product.product"].create({"name": "Scarce Chip", "type": "service", "taxes_id": []})
            allocation = env["sdm.allocation"].create(
                {
                    "product_id": product.id,
                    "region_id": region.id,
                    "date_from": date(2000, 1, 1),
                    "date_to": date(2100, 12, 31),
                    "quantity": 10,
                }
            )
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "order_line": [
                            Command.create({"product_id": product.id, "product_uom_qty": 6, "price_unit": 1})
                        ],
                    }
                    for _i in range(2)
                ]
            )
            self.ids_ = {
                "region": region.id,
                "team": team.id,
                "user": user.id,
                "partner": partner.id,
                "product": product.id,
                "allocation": allocation.id,
                "orders": orders.ids,
            }
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(self.ids_["orders"])
            orders._action_cancel()
            orders.unlink()
            env["sdm.allocation"].browse(self.ids_["allocation"]).unlink()
            env["product.product"].browse(self.ids_["product"]).product_tmpl_id.unlink()
            env["res.partner"].browse(self.ids_["partner"]).unlink()
            env["res.users"].browse(self.ids_["user"]).unlink()
            env["crm.team"].browse(self.ids_["team"]).unlink()
            env["sdm.region"].browse(self.ids_["region"]).unlink()
            env.company.sdm_allocation_mode = self.previous_mode

    def _confirm(self, cr, order_id):
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["sale.order"].browse(order_id).action_confirm()

    def test_two_confirmations_cannot_both_take_the_last_allocation(self):
        outcome = two_transactions(self.registry, lambda cr, i: self._confirm(cr, self.ids_["orders"][i]))
        self.assertEqual(outcome.get("first"), "done")
        self.assertEqual(outcome.get("second"), "serialization failure")
        self.assertIn("4.00 left of the 10.00", outcome.get("retry", ""))
        with self.registry.cursor() as cr:
            cr.execute("SELECT state FROM sale_order WHERE id = ANY(%s) ORDER BY id", [self.ids_["orders"]])
            self.assertEqual([row[0] for row in cr.fetchall()], ["sale", "draft"])
