# This test needs committed data and two real transactions: it commits on purpose (and cleans up).
# pylint: disable=invalid-commit
from datetime import date
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.addons.account.models.account_move_line import AccountMoveLine
from odoo.addons.sdm_sales.tests.race import two_transactions, write_company_settings
from odoo.tests import TransactionCase


class TestWriteoffConcurrency(TransactionCase):
    """Two receipts of one customer (400 and 300) are posted at the same moment against one open invoice of 500.

    Both transactions take their snapshot before either posts, so each would see the 500 open and apply its whole
    amount (700 on a 500 invoice). The customer lock makes the second wait for the first, fail with a
    serialization error (as Odoo's request retry expects); its retry sees 100 open and applies 100."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            self.previous_settings = write_company_settings(
                env, {"sdm_writeoff_on_receipt": "auto", "sdm_writeoff_mode": "strict"}
            )
            product = env["product.product"].create({"name": "Race Valve", "type": "consu", "taxes_id": []})
            partner = env["res.partner"].create({"name": "Race Distributor", "is_company": True})
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": date(2026, 2, 1),
                    "invoice_line_ids": [
                        Command.create({"product_id": product.id, "quantity": 1, "price_unit": 500, "tax_ids": []})
                    ],
                }
            )
            invoice.action_post()
            receipts = env["account.payment"].create(
                [
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": partner.id,
                        "amount": amount,
                        "date": date(2026, 3, 1),
                    }
                    for amount in (400, 300)
                ]
            )
            self.ids_ = {
                "product": product.id,
                "partner": partner.id,
                "invoice": invoice.id,
                "receipts": receipts.ids,
            }
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            invoice = env["account.move"].browse(self.ids_["invoice"])
            receipts = env["account.payment"].browse(self.ids_["receipts"])
            (invoice.line_ids | receipts.move_id.line_ids).remove_move_reconcile()
            receipts.action_draft()
            receipts.unlink()
            invoice.button_draft()
            invoice.unlink()
            env["product.product"].browse(self.ids_["product"]).product_tmpl_id.unlink()
            env["res.partner"].browse(self.ids_["partner"]).unlink()
            env.company.write(self.previous_settings)

    def _post(self, cr, index):
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        receipt = env["account.payment"].browse(self.ids_["receipts"][index])
        receipt.action_post()
        env.flush_all()

    def test_two_receipts_posted_at_once_never_over_apply(self):
        outcome = two_transactions(self.registry, self._post)
        self.assertEqual(outcome.get("first"), "done")
        self.assertEqual(outcome.get("second"), "serialization failure")
        self.assertEqual(outcome.get("retry"), "done")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            invoice = env["account.move"].browse(self.ids_["invoice"])
            receipts = env["account.payment"].browse(self.ids_["receipts"])
            self.assertEqual(invoice.amount_residual, 0)
            applied = env["account.partial.reconcile"].search([("debit_move_id", "in", invoice.line_ids.ids)])
            self.assertEqual(sum(applied.mapped("amount")), 500, "never more than the invoice")
            self.assertEqual(
                sorted(receipt.move_id.line_ids.filtered("credit").mapped("amount_residual") for receipt in receipts),
                [[-200.0], [0.0]],
                "400 applied in full, 100 of the 300",
            )

    def test_the_second_write_off_waits_at_the_customer_lock(self):
        """The receipts are posted first; then two users apply the write-off rules to them at once. Without the
        lock, PostgreSQL would still refuse the second write to the invoice's journal item, but only after that
        transaction computed and prepared its reconciliation from a stale snapshot: the lock stops it before."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "sdm_writeoff_skip": True})
            env["account.payment"].browse(self.ids_["receipts"]).action_post()
        reconciliations = []
        reconcile_plan = AccountMoveLine._reconcile_plan

        def spy(records, plan):
            reconciliations.append(records.env.context.get("race"))
            return reconcile_plan(records, plan)

        def apply(cr, index):
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "race": index})
            env["account.payment"].browse(self.ids_["receipts"][index]).action_sdm_apply_write_off_rules()
            env.flush_all()

        with patch.object(AccountMoveLine, "_reconcile_plan", spy):
            outcome = two_transactions(self.registry, apply)
        self.assertEqual(
            (outcome.get("first"), outcome.get("second"), outcome.get("retry")),
            ("done", "serialization failure", "done"),
        )
        self.assertEqual(reconciliations, [0, 1], "the second reconciled once, on its retry only")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            invoice = env["account.move"].browse(self.ids_["invoice"])
            self.assertEqual(invoice.amount_residual, 0)
            self.assertEqual(
                [
                    receipt.move_id.line_ids.filtered("credit").amount_residual
                    for receipt in env["account.payment"].browse(self.ids_["receipts"])
                ],
                [0.0, -200.0],
            )
