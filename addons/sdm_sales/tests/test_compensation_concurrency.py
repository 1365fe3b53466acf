# This test needs committed data and two real transactions: it commits on purpose (and cleans up).
# pylint: disable=invalid-commit
from datetime import date

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase

from .race import two_transactions


class TestCompensationConcurrency(TransactionCase):
    """Two users press Settle on one approved notice at the same moment (or one user double-clicks): one credit
    note per customer, never two. The second waits on the notice's lock, fails with a serialization error as
    Odoo's request retry expects, and its retry is told the notice is settled."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            env = env(user=env.ref("base.user_admin").id)
            product = env["product.product"].create({"name": "Race Valve", "type": "consu", "taxes_id": []})
            partner = env["res.partner"].create({"name": "Race Distributor", "is_company": True})
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": date(2026, 9, 1),
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": product.id, "quantity": 10, "price_unit": 100, "tax_ids": [Command.clear()]}
                        )
                    ],
                }
            )
            invoice.action_post()
            notice = env["sdm.price.notice"].create(
                {
                    "effective_date": date(2026, 10, 1),
                    "basis": "invoiced",
                    "settlement_mode": "credit_note",
                    "scope": "customer",
                    "partner_ids": [Command.set(partner.ids)],
                    "product_line_ids": [Command.create({"product_id": product.id, "old_price": 100, "new_price": 90})],
                }
            )
            notice.action_compute()
            notice.action_approve()
            self.ids_ = {"product": product.id, "partner": partner.id, "invoice": invoice.id, "notice": notice.id}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute("SELECT id FROM account_move WHERE sdm_price_notice_id = %s", [self.ids_["notice"]])
            moves = [row[0] for row in cr.fetchall()] + [self.ids_["invoice"]]
            cr.execute("DELETE FROM sdm_price_notice WHERE id = %s", [self.ids_["notice"]])
            cr.execute("DELETE FROM account_move WHERE id = ANY(%s)", [moves])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["product.product"].browse(self.ids_["product"]).product_tmpl_id.unlink()
            env["res.partner"].browse(self.ids_["partner"]).unlink()

    def _settle(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {})
        env = env(user=env.ref("base.user_admin").id)
        env["sdm.price.notice"].browse(self.ids_["notice"]).action_settle()

    def test_two_settle_clicks_make_one_credit_note(self):
        outcome = two_transactions(self.registry, lambda cr, _i: self._settle(cr))
        self.assertEqual(outcome.get("first"), "done")
        self.assertEqual(outcome.get("second"), "serialization failure")
        self.assertIn("Settled", outcome.get("retry", ""))
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*), sum(amount_total) FROM account_move WHERE sdm_price_notice_id = %s",
                [self.ids_["notice"]],
            )
            self.assertEqual(cr.fetchone(), (1, 100.0))
