# This test needs committed data and two real transactions: it commits on purpose (and cleans up).
# pylint: disable=invalid-commit


from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase

from .race import two_transactions, write_company_settings


class TestCreditConcurrency(TransactionCase):
    """Two users confirm orders of one customer at the same moment, in two database transactions.

    Limit 1,000; each order is 600. Both transactions take their snapshot before either confirms, so a
    check that only reads would let both through (1,200). The lock makes the second wait for the first,
    fail with a serialization error (as Odoo's request retry expects), and its retry is refused.
    """

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            self.previous_settings = write_company_settings(
                env, {"sdm_credit_mode": "block", "sdm_credit_check_sale": True}
            )
            product = env["product.product"].create(
                {
                    "name": "Concurrency Service",
                    "type": "service",
                    "list_price": 600.0,
                    "taxes_id": [Command.clear()],
                }
            )
            partner = env["res.partner"].create({"name": "Concurrency Customer", "is_company": True})
            partner.sdm_credit_limit = 1000.0
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "order_line": [
                            Command.create({"product_id": product.id, "product_uom_qty": 1, "price_unit": 600})
                        ],
                    }
                    for _i in range(2)
                ]
            )
            self.product_id, self.partner_id, self.order_ids = product.id, partner.id, orders.ids
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            orders = env["sale.order"].browse(self.order_ids).exists()
            orders._action_cancel()
            orders.unlink()
            env["res.partner"].browse(self.partner_id).unlink()
            env["product.product"].browse(self.product_id).unlink()
            env.company.write(self.previous_settings)

    def _confirm(self, cr, order_id):
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["sale.order"].browse(order_id).action_confirm()

    def test_two_cursors_cannot_both_pass_the_limit(self):
        outcome = two_transactions(self.registry, lambda cr, i: self._confirm(cr, self.order_ids[i]))
        self.assertEqual(outcome.get("first"), "done")
        self.assertEqual(outcome.get("second"), "serialization failure")
        self.assertIn("1,200.00", outcome.get("retry", ""))
        with self.registry.cursor() as cr:
            cr.execute("SELECT state FROM sale_order WHERE id = ANY(%s) ORDER BY id", [self.order_ids])
            self.assertEqual([row[0] for row in cr.fetchall()], ["sale", "draft"])
