# This test needs committed data and two real transactions: it commits on purpose (and cleans up).
# pylint: disable=invalid-commit
from datetime import date

from odoo import SUPERUSER_ID, Command, api
from odoo.addons.sdm_sales.tests.race import two_transactions
from odoo.tests import TransactionCase


class TestRebateConcurrency(TransactionCase):
    """Two users run the settlement of one agreement at the same moment: one settlement per customer and
    period. The second waits on the agreement's lock, fails with a serialization error as Odoo's request retry
    expects, and its retry finds the period settled and creates nothing."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            product = env["product.product"].create({"name": "Race Pump", "type": "consu", "taxes_id": []})
            partner = env["res.partner"].create({"name": "Race Dealer", "is_company": True})
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": date(2026, 2, 1),
                    "invoice_line_ids": [
                        Command.create({"product_id": product.id, "quantity": 1, "price_unit": 1000, "tax_ids": []})
                    ],
                }
            )
            invoice.action_post()
            agreement = env["sdm.rebate.agreement"].create(
                {
                    "partner_ids": [Command.set(partner.ids)],
                    "date_start": date(2026, 1, 1),
                    "date_end": date(2026, 12, 31),
                    "frequency": "quarterly",
                    "tier_ids": [Command.create({"threshold": 0, "rate": 2})],
                }
            )
            agreement.action_activate()
            self.ids_ = {"product": product.id, "partner": partner.id, "invoice": invoice.id, "agreement": agreement.id}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM sdm_rebate_settlement WHERE agreement_id = %s", [self.ids_["agreement"]])
            cr.execute("DELETE FROM sdm_rebate_progress WHERE agreement_id = %s", [self.ids_["agreement"]])
            cr.execute("DELETE FROM sdm_rebate_agreement WHERE id = %s", [self.ids_["agreement"]])
            cr.execute("DELETE FROM account_move WHERE id = %s", [self.ids_["invoice"]])
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["product.product"].browse(self.ids_["product"]).product_tmpl_id.unlink()
            env["res.partner"].browse(self.ids_["partner"]).unlink()

    def _prepare(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {})
        agreement = env["sdm.rebate.agreement"].browse(self.ids_["agreement"])
        return len(env["sdm.rebate.settlement"]._sdm_prepare(agreement, date(2026, 3, 31)))

    def test_two_settlement_runs_settle_once(self):
        outcome = two_transactions(self.registry, lambda cr, _i: self._prepare(cr))
        self.assertEqual(outcome.get("first"), 1)
        self.assertEqual(outcome.get("second"), "serialization failure")
        self.assertEqual(outcome.get("retry"), 0, "the period is settled already")
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*), sum(amount) FROM sdm_rebate_settlement WHERE agreement_id = %s",
                [self.ids_["agreement"]],
            )
            self.assertEqual(cr.fetchone(), (1, 20.0))
