# This test needs committed data and two real transactions: it commits on purpose (and cleans up).
# pylint: disable=invalid-commit
import threading
import time

from psycopg2 import errors

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import TransactionCase

from .race import write_company_settings

LOCK_TIMEOUT = 3  # seconds; a transaction that waits for the customer's lock longer than this fails


class TestCustomerLock(TransactionCase):
    """Confirming an order locks its customer for SDM's checks only.

    Transaction A confirms an order of a customer in block mode (the credit check runs) holding a compensation
    balance (the order consumes it), and keeps its locks. Meanwhile transaction B creates a new order and posts
    an invoice for the same customer: their foreign keys reference the customer's row (``FOR KEY SHARE``), which
    ``FOR UPDATE`` would block until A ends; ``FOR NO KEY UPDATE`` does not. B must finish while A holds the lock,
    and the lock must really be held (B cannot take it with NOWAIT).
    """

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env.company
            self.previous_settings = write_company_settings(
                env,
                {
                    "sdm_credit_mode": "block",
                    "sdm_credit_check_sale": True,
                    "sdm_credit_check_invoice": False,
                    "sdm_available_qty_mode": "off",
                },
            )
            product = env["product.product"].create(
                {"name": "Lock Service", "type": "service", "list_price": 600.0, "taxes_id": [Command.clear()]}
            )
            partner = env["res.partner"].create({"name": "Lock Customer", "is_company": True})
            partner.sdm_credit_limit = 10000.0
            balance = env["sdm.customer.balance"].create(
                {
                    "balance_type": "compensation",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "amount": 100.0,
                    "name": "Lock test compensation",
                }
            )
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1, "price_unit": 600})],
                }
            )
            self.ids_ = {"product": product.id, "partner": partner.id, "balance": balance.id, "order": order.id}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            env["sdm.customer.balance"].browse(self.ids_["balance"]).unlink()
            env["sale.order"].browse(self.ids_["order"]).unlink()
            env["res.partner"].browse(self.ids_["partner"]).unlink()
            env["product.product"].browse(self.ids_["product"]).product_tmpl_id.unlink()
            env.company.write(self.previous_settings)

    def _confirm_and_hold(self, outcome, a_holds, b_done):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            order = env["sale.order"].browse(self.ids_["order"])
            order.action_confirm()
            env.flush_all()
            outcome["a_state"] = order.state
            outcome["a_balance_used"] = -sum(order.sdm_balance_ids.mapped("amount"))
            a_holds.set()
            b_done.wait(4 * LOCK_TIMEOUT)
            cr.rollback()

    def _other_documents(self, outcome, a_holds, b_done):
        a_holds.wait(4 * LOCK_TIMEOUT)
        try:
            with self.registry.cursor() as cr:
                cr.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}s'")
                env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
                partner = env["res.partner"].browse(self.ids_["partner"])
                product = env["product.product"].browse(self.ids_["product"])
                started = time.monotonic()
                try:
                    env["sale.order"].create(
                        {
                            "partner_id": partner.id,
                            "order_line": [Command.create({"product_id": product.id, "price_unit": 50})],
                        }
                    )
                    invoice = env["account.move"].create(
                        {
                            "move_type": "out_invoice",
                            "partner_id": partner.id,
                            "invoice_date": fields.Date.context_today(partner),
                            "invoice_line_ids": [
                                Command.create({"product_id": product.id, "quantity": 1, "price_unit": 70})
                            ],
                        }
                    )
                    invoice.action_post()
                    env.flush_all()
                    outcome["b"] = "done"
                except errors.LockNotAvailable:
                    outcome["b"] = "waited for the customer's lock"
                outcome["b_seconds"] = time.monotonic() - started
                cr.rollback()
                # The customer's lock is really held by A while B worked.
                try:
                    cr.execute("SELECT id FROM res_partner WHERE id = %s FOR NO KEY UPDATE NOWAIT", [partner.id])
                    outcome["a_lock"] = "free"
                except errors.LockNotAvailable:
                    outcome["a_lock"] = "held"
                cr.rollback()
        finally:
            b_done.set()

    def test_confirming_an_order_does_not_block_other_documents_of_the_customer(self):
        outcome = {}
        a_holds, b_done = threading.Event(), threading.Event()
        threads = [
            threading.Thread(target=self._confirm_and_hold, args=(outcome, a_holds, b_done)),
            threading.Thread(target=self._other_documents, args=(outcome, a_holds, b_done)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertEqual(outcome.get("a_state"), "sale")
        self.assertEqual(outcome.get("a_balance_used"), 100.0, "the order consumed the customer's balance")
        self.assertEqual(outcome.get("a_lock"), "held", "A holds the customer's lock while B works")
        self.assertEqual(outcome.get("b"), "done", "a new order and invoice of the customer do not wait for A")
        self.assertLess(outcome["b_seconds"], LOCK_TIMEOUT)
